import java.io.Console;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * What every lesson shares: a runner for numbered sections, narration, honest timing, and terminal
 * pictures (progress bar, table, timeline). A lesson's main calls {@link #run}; the sections call the rest.
 * Output adapts to where it goes: colour only on a terminal without NO_COLOR, Unicode only when the
 * output encoding is UTF-8, pauses and predictions only when someone is there to press Enter.
 */
public final class Tutorial {
    private Tutorial() {}

    // ── Running a lesson ────────────────────────────────────────────────────────────────

    /** Work that may throw: a section's body, or a task to time or track. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    /** One numbered section: a title, the one-sentence definition it opens with, and its body. */
    public record Section(String title, String definition, Task body) {}

    /** Parses the command line, then runs the sections in order, pausing between them when interactive. */
    public static void run(String[] args, String title, String next, Section... sections) throws Exception {
        String name = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass().getName();
        String usage = "usage: ./jbang lessons/" + name + ".java [--no-pause] [--section N] [--list] [--help]";
        int first = 1;
        boolean noPause = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--section")) arg += "=" + (i + 1 < args.length ? args[++i] : "");
            if (arg.equals("--no-pause")) noPause = true;
            else if (arg.startsWith("--section=")) first = sectionNumber(arg.substring(10), sections.length, usage);
            else if (arg.equals("--list")) {
                for (int n = 1; n <= sections.length; n++) emit("%d. %s".formatted(n, sections[n - 1].title()));
                return;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                emit(title + "\n" + usage + "\n"
                        + "  --no-pause   run straight through (as happens anyway when input is not a terminal)\n"
                        + "  --section N  start at section N\n"
                        + "  --list       list the sections");
                return;
            } else exitWithUsage(usage, "unknown option: " + arg);
        }
        interactive = TERMINAL && !noPause;
        emit(paint(BOLD, "\n" + title));
        emit(paint(DIM, "Java %s · %d cores · %s".formatted(Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                interactive ? "Enter moves on, q quits" : "running straight through")));
        for (int n = first; n <= sections.length; n++) {
            if (n > first && !pause("Enter: section " + n + " · q: quit")) return;
            Section section = sections[n - 1];
            emit(paint(BOLD + CYAN, "\n━━ %d/%d  %s ━━━━━━━━".formatted(n, sections.length, section.title())));
            say(paint(BOLD, section.definition()));
            section.body().run();
        }
        emit(paint(BOLD, "\n" + next));
    }

    private static int sectionNumber(String text, int count, String usage) {
        int n = text.matches("\\d{1,4}") ? Integer.parseInt(text) : 0;
        if (n < 1 || n > count) exitWithUsage(usage, "--section takes a number from 1 to " + count);
        return n;
    }

    private static void exitWithUsage(String usage, String problem) {
        System.err.println(problem + "\n" + usage);
        System.exit(2);
    }

    private static boolean pause(String prompt) {
        if (!interactive) return true;
        String answer = System.console().readLine(paint(DIM, "\n" + prompt + " "));
        return answer != null && !answer.trim().equalsIgnoreCase("q");
    }

    // ── Narration ───────────────────────────────────────────────────────────────────────

    /** Prose, wrapped to the page; a blank line before it. */
    public static void say(String text) {
        emit("");
        for (String paragraph : text.split("\n")) emit(wrap(paragraph));
    }

    /** A few lines of code, set off by blank lines from the prose before and the output after. */
    public static void code(String snippet) {
        emit("");
        for (String line : snippet.split("\n")) emit("    " + paint(CYAN, line));
        emit("");
    }

    /** A line of program output, marked with a gutter; safe to call from any thread. */
    public static void show(String line) {
        emit(paint(DIM, "  │ ") + line);
    }

    /** Labels an outcome that can differ from run to run. */
    public static void varies(String note) {
        emit(wrap(paint(YELLOW, "nondeterministic: ") + note));
    }

    /** Makes a measured figure stand out. */
    public static String highlight(String text) {
        return paint(BOLD + GREEN, text);
    }

    /** Asks for a guess before the student sees the outcome; does nothing when not interactive. */
    public static Prediction predict(String question, String... choices) {
        if (!interactive) return new Prediction(-1, List.of(choices));
        say(paint(YELLOW, "Predict: ") + question);
        for (int i = 0; i < choices.length; i++) emit("    %d) %s".formatted(i + 1, choices[i]));
        String answer = System.console().readLine("  Your guess (1-%d, Enter to skip): ", choices.length);
        answer = answer == null ? "" : answer.trim();
        int guess = answer.matches("\\d{1,2}") ? Integer.parseInt(answer) - 1 : -1;
        return new Prediction(guess < choices.length ? guess : -1, List.of(choices));
    }

    /** A student's guess (-1 for none), compared with the outcome by {@link #reveal}. */
    public record Prediction(int guess, List<String> choices) {
        public void reveal(int outcome) {
            if (guess < 0) return;
            say(guess == outcome
                    ? paint(GREEN, "✓ You predicted it: ") + choices.get(outcome) + "."
                    : paint(YELLOW, "✗ You guessed \"" + choices.get(guess) + "\"; it was: ")
                            + choices.get(outcome) + ".");
        }
    }

    // ── Measuring ───────────────────────────────────────────────────────────────────────

    /** The time since a {@code System.nanoTime()} reading. */
    public static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Calls a Callable that can throw only unchecked exceptions (it wraps one of ours), rethrowing them as is. */
    public static <T> T callUnchecked(Callable<T> task) {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception checked) {
            throw new CompletionException(checked);
        }
    }

    /**
     * Labels a CPU speed-up that fell short of half of what {@code usable} cores allow: on a busy machine the
     * figure measures the other programs too, and the student should know.
     */
    public static void noteIfCoresWereBusy(String what, double speedUp, int usable) {
        if (usable > 1 && speedUp < 1 + 0.5 * (usable - 1)) {
            varies(("%s came out at %.2f× where %d× was possible, so other programs were probably busy on some "
                    + "cores. Run the lesson again on a quiet machine to see the full effect.")
                    .formatted(what, speedUp, usable));
        }
    }

    /** Wall-clock time of one run, by System.nanoTime. The result is kept so the JIT cannot drop the work. */
    public static Duration time(Callable<?> task) throws Exception {
        long start = System.nanoTime();
        sink = task.call();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Runs the variants in turn, {@code rounds} times each, with a progress bar; returns each one's median. */
    public static Duration[] medians(String what, int rounds, Callable<?>... variants) throws Exception {
        Duration[][] times = new Duration[variants.length][rounds];
        try (Progress progress = new Progress(what, rounds * variants.length)) {
            for (int round = 0; round < rounds; round++) {
                for (int v = 0; v < variants.length; v++) {
                    times[v][round] = time(variants[v]);
                    progress.step();
                }
            }
        }
        return Arrays.stream(times).map(runs -> Arrays.stream(runs).sorted().toList().get(rounds / 2))
                .toArray(Duration[]::new);
    }

    /** The size of job that takes about {@code target} here; the trial runs also warm up the JIT compiler. */
    public static long sizeFor(Duration target, LongFunction<?> work) throws Exception {
        long trial = Math.min(target.toNanos(), Duration.ofMillis(100).toNanos());
        long size = 1_000;
        while (time(sized(work, size)).toNanos() < trial) size *= 2;
        long fastest = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) fastest = Math.min(fastest, time(sized(work, size)).toNanos());
        return Math.max(1, size * target.toNanos() / fastest);
    }

    private static Callable<?> sized(LongFunction<?> work, long size) {
        return () -> work.apply(size);
    }

    /** A duration the way a person reads it: "850 ms", "1.02 s". */
    public static String seconds(Duration duration) {
        double s = duration.toNanos() / 1e9;
        return s < 1 ? "%.0f ms".formatted(s * 1000) : "%.2f s".formatted(s);
    }

    /** Formats each time and marks the fastest, and any within 30% of it, with a check. */
    public static List<String> markFastest(Duration... times) {
        long fastest = Arrays.stream(times).mapToLong(Duration::toNanos).min().orElse(0);
        return Arrays.stream(times).map(t -> t.toNanos() <= fastest * 1.3
                ? highlight(seconds(t) + " ✓") : seconds(t) + "  ").toList();
    }

    /** A progress bar on a terminal, redrawn in place with \r; elsewhere it prints nothing. */
    public static final class Progress implements AutoCloseable {
        private final String what;
        private final int steps;
        private int done;

        public Progress(String what, int steps) {
            this.what = what;
            this.steps = steps;
            draw();
        }

        public synchronized void step() {
            done++;
            draw();
        }

        private void draw() {
            if (!TERMINAL) return;
            int filled = 20 * done / steps;
            System.out.print(plain("\r  " + what + " " + "█".repeat(filled) + "░".repeat(20 - filled)
                    + " " + done + "/" + steps));
            System.out.flush();
        }

        /** Wipes the bar, leaving the line for what comes next. */
        @Override
        public void close() {
            if (TERMINAL) System.out.print("\r" + " ".repeat(what.length() + 32) + "\r");
        }
    }

    // ── Pictures ────────────────────────────────────────────────────────────────────────

    /** A table with a header row; the first column is aligned left, the others right. */
    public static void table(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>(List.of(header));
        all.addAll(rows);
        int[] widths = new int[header.size()];
        for (List<String> row : all) {
            for (int c = 0; c < row.size(); c++) widths[c] = Math.max(widths[c], visible(row.get(c)));
        }
        emit("");
        emit(rule(widths, "┌", "┬", "┐"));
        for (int r = 0; r < all.size(); r++) {
            StringBuilder line = new StringBuilder("  │");
            for (int c = 0; c < widths.length; c++) {
                String cell = all.get(r).get(c), gap = " ".repeat(widths[c] - visible(cell));
                line.append(' ').append(c == 0 ? cell + gap : gap + cell).append(" │");
            }
            emit(line.toString());
            if (r == 0) emit(rule(widths, "├", "┼", "┤"));
        }
        emit(rule(widths, "└", "┴", "┘"));
    }

    private static String rule(int[] widths, String left, String middle, String right) {
        List<String> segments = Arrays.stream(widths).mapToObj(w -> "─".repeat(w + 2)).toList();
        return "  " + left + String.join(middle, segments) + right;
    }

    /**
     * When each task ran, and on which thread. Wrap tasks with {@code track}; for each label the latest run
     * is kept, timed from the earliest start among them. {@link #print} draws timelines on one time scale.
     */
    public static final class Timeline {
        private record Span(String thread, long start, long end) {}

        private final String title;
        private final Map<String, Span> latest = new LinkedHashMap<>(); // guarded by this; rows in tracking order

        public Timeline(String title) {
            this.title = title;
        }

        /** Wraps a task so that each run records its start, end and thread under {@code label}. */
        public Callable<Void> track(String label, Task task) {
            return track(label, () -> { task.run(); return null; });
        }

        /** {@link #track} for a thread's body or an event-loop callback; unchecked exceptions pass through. */
        public Runnable trackRunnable(String label, Runnable body) {
            Callable<Void> tracked = track(label, body::run);
            return () -> callUnchecked(tracked);
        }

        /** {@link #track} for {@code CompletableFuture.supplyAsync}; unchecked exceptions pass through. */
        public <T> Supplier<T> trackSupplier(String label, Supplier<T> body) {
            Callable<T> tracked = track(label, (Callable<T>) body::get);
            return () -> callUnchecked(tracked);
        }

        public synchronized <T> Callable<T> track(String label, Callable<T> task) {
            latest.putIfAbsent(label, null);
            return () -> {
                Thread thread = Thread.currentThread();
                String name = thread.getName().isEmpty() ? "virtual#" + thread.threadId() : thread.getName();
                long start = System.nanoTime();
                try {
                    return task.call();
                } finally {
                    Span span = new Span(name, start, System.nanoTime());
                    synchronized (this) {
                        latest.put(label, span);
                    }
                }
            };
        }

        /** Tracks each task as "label 1", "label 2", … */
        public <T> List<Callable<T>> trackEach(String label, List<Callable<T>> tasks) {
            List<Callable<T>> tracked = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) tracked.add(track(label + " " + (i + 1), tasks.get(i)));
            return tracked;
        }

        private synchronized Map<String, Span> spans() {
            Map<String, Span> ran = new LinkedHashMap<>(latest);
            ran.values().removeIf(span -> span == null); // tracked, but not run yet
            return ran;
        }

        /** Draws the timelines one under another, all to the scale of the longest, about 60 columns wide. */
        public static void print(Timeline... timelines) {
            List<Map<String, Span>> spans = Arrays.stream(timelines).map(Timeline::spans).toList();
            int labelWidth = 0, threadWidth = 0;
            long scale = 1;
            for (Map<String, Span> rows : spans) {
                for (var row : rows.entrySet()) {
                    labelWidth = Math.max(labelWidth, row.getKey().length());
                    threadWidth = Math.max(threadWidth, row.getValue().thread().length());
                }
                scale = Math.max(scale, end(rows) - origin(rows));
            }
            String indent = " ".repeat(8 + labelWidth + threadWidth);
            int width = Math.max(20, Math.min(60, columns() - indent.length() - 1));
            for (int t = 0; t < timelines.length; t++) {
                Map<String, Span> rows = spans.get(t);
                long origin = origin(rows);
                emit("");
                String took = seconds(Duration.ofNanos(end(rows) - origin));
                emit("  " + paint(BOLD, timelines[t].title) + paint(DIM, " (" + took + ")"));
                for (var row : rows.entrySet()) {
                    Span span = row.getValue();
                    emit("    " + pad(row.getKey(), labelWidth) + "  " + pad(span.thread(), threadWidth) + "  "
                            + paint(CYAN, bar(span, origin, scale, width)));
                }
            }
            String total = seconds(Duration.ofNanos(scale));
            emit(paint(DIM, indent + "0" + " ".repeat(Math.max(1, width - 1 - total.length())) + total));
        }

        private static long origin(Map<String, Span> rows) {
            return rows.values().stream().mapToLong(Span::start).min().orElse(0);
        }

        private static long end(Map<String, Span> rows) {
            return rows.values().stream().mapToLong(Span::end).max().orElse(0);
        }

        private static String bar(Span span, long origin, long scale, int width) {
            int from = (int) ((span.start() - origin) * width / scale);
            int to = (int) Math.ceil((double) (span.end() - origin) * width / scale);
            if (to - from < 1) return " ".repeat(from) + "▏";
            return " ".repeat(from) + "█".repeat(to - from);
        }
    }

    // ── The terminal ────────────────────────────────────────────────────────────────────

    private static final boolean TERMINAL = isTerminal();
    private static final boolean COLOUR = TERMINAL && System.getenv().getOrDefault("NO_COLOR", "").isEmpty()
            && !"dumb".equals(System.getenv("TERM"));
    private static final boolean UNICODE = System.getProperty("stdout.encoding",
            System.getProperty("native.encoding", "")).toUpperCase().contains("UTF");
    private static final String BOLD = "\033[1m", DIM = "\033[2m", CYAN = "\033[36m", GREEN = "\033[32m",
            YELLOW = "\033[33m", RESET = "\033[0m";
    private static final int PAGE_WIDTH = 78;
    private static volatile boolean interactive;
    private static volatile Object sink;

    // True when both stdin and stdout are a terminal. JDK 21 has no isTerminal(),
    // but there System.console() is null unless both are.
    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null) return false;
        try {
            return (boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException beforeJdk22) {
            return true;
        }
    }

    private static int columns() {
        String columns = System.getenv().getOrDefault("COLUMNS", "");
        return columns.matches("\\d{1,4}") ? Integer.parseInt(columns) : 80;
    }

    private static String paint(String style, String text) {
        return COLOUR ? style + text + RESET : text;
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - visible(text));
    }

    private static int visible(String text) {
        return plain(text).replaceAll("\033\\[[0-9;]*m", "").length();
    }

    // Indents by two and breaks lines between words to fit the page.
    private static String wrap(String text) {
        StringBuilder out = new StringBuilder();
        String line = "";
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && visible(line + " " + word) > PAGE_WIDTH - 2) {
                out.append("  ").append(line).append('\n');
                line = word;
            } else line = line.isEmpty() ? word : line + " " + word;
        }
        return out.append("  ").append(line).toString();
    }

    // Pairs of a character the lessons use and its stand-in where the output encoding is not UTF-8.
    private static final String[] ASCII = ("━ = │ | ─ - ┌ + ┬ + ┐ + ├ + ┼ + ┤ + └ + ┴ + ┘ + █ # ░ . ▏ | ✓ * ✗ x "
            + "· - × x − - — -- … ... √ sqrt ≈ ~ → ->").split(" ");

    private static boolean lastLineBlank;

    // Every line goes out here. A blank line right after another is dropped, so spacing never doubles.
    private static synchronized void emit(String line) {
        if (line.isEmpty() && lastLineBlank) return;
        lastLineBlank = line.isEmpty();
        System.out.println(plain(line));
    }

    private static String plain(String text) {
        for (int i = 0; !UNICODE && i < ASCII.length; i += 2) text = text.replace(ASCII[i], ASCII[i + 1]);
        return text;
    }
}
