package check;

import engine.Report;
import engine.Terminal;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/// Draws what ran when: one row per task, a time axis as wide as the terminal allows, a bar where the task ran
/// and a note (the thread that ran it) at the end of the row, e.g.
/// ```
///           0 s       0.5 s     1 s       1.5 s
///           ┬─────────┬─────────┬─────────┬─────────
/// task-1   |██████                                   | worker-1
/// task-2   |      ████████████                       | worker-1
///          your tasks ran one after another: no two bars overlap
/// ```
/// With `#`, `-` and `+` where the terminal shows no block characters (engine.Terminal.BLOCKS).
public final class TimelinePicture {

    /// One stretch of running, in System.nanoTime() values; `end` is RUNNING while it has not ended.
    public record Bar(long start, long end) {}

    /// A row: what ran (its bars, in any order) and what to say at the end of the row.
    public record Row(String label, List<Bar> bars, String note) {}

    public static final long RUNNING = Long.MAX_VALUE;

    private static final String NOTHING_RAN = System.lineSeparator() + "  (nothing ran)";

    private static final char FULL = Terminal.BLOCKS ? '█' : '#';
    private static final char LINE = Terminal.BLOCKS ? '─' : '-';
    private static final char TICK = Terminal.BLOCKS ? '┬' : '+';
    private static final int MIN_AXIS = 30;
    private static final int MAX_AXIS = 60;
    private static final int MAX_LABEL = 24;
    private static final int MAX_ROWS = 20;
    private static final int MAX_TICKS = 5;
    private static final long MILLI = 1_000_000;
    /// Ticks this far apart or more are labelled in seconds, closer ones in milliseconds.
    private static final long SECONDS_FROM = 100 * MILLI;
    private static final long[] TICK_STEPS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000,
            20_000, 60_000, 120_000, 300_000};

    private TimelinePicture() {}

    /// The rows from the first start to the last end (or to now, while something is still running), a line
    /// saying how many of the `noun` ran at once below them. Starts with a line break, so that a message can
    /// end `Timeline:%s`.
    public static String draw(List<Row> rows, String noun) {
        return drawAll(rows, Optional.of(noun));
    }

    /// The rows, as `draw(rows, noun)` does, without the line on how many ran at once: for rows of different kinds.
    public static String draw(List<Row> rows) {
        return drawAll(rows, Optional.empty());
    }

    /// The rows between `from` and `to` (System.nanoTime() values) only: bars outside are left out, and rows
    /// that ran only outside (a row that never ran at all stays).
    public static String draw(List<Row> rows, long from, long to, String noun) {
        return draw(rows, from, to, Optional.of(noun));
    }

    private static String drawAll(List<Row> rows, Optional<String> noun) {
        var bars = rows.stream().flatMap(r -> r.bars().stream()).toList();
        if (bars.isEmpty()) return NOTHING_RAN;
        long from = bars.stream().mapToLong(Bar::start).min().orElseThrow();
        long to = bars.stream().mapToLong(b -> b.end() == RUNNING ? System.nanoTime() : b.end()).max().orElseThrow();
        return draw(rows, from, to, noun);
    }

    private static String draw(List<Row> rows, long from, long to, Optional<String> noun) {
        Predicate<Bar> inside = b -> b.start() <= to && b.end() >= from;
        var shown = rows.stream()
                .filter(r -> r.bars().isEmpty() || r.bars().stream().anyMatch(inside))
                .map(r -> new Row(r.label(), r.bars().stream().filter(inside).toList(),
                        r.note() + (r.bars().stream().anyMatch(b -> b.start() < to && b.end() > to)
                                ? ", still running" : "")))
                .toList();
        if (shown.isEmpty()) return NOTHING_RAN;
        long span = Math.max(1, to - from);
        int labelWidth = Math.min(MAX_LABEL, shown.stream().mapToInt(r -> r.label().length()).max().orElseThrow());
        int noteWidth = shown.stream().mapToInt(r -> r.note().length()).max().orElseThrow();
        int room = Terminal.COLUMNS - Report.DETAIL_INDENT.length() - (labelWidth + 2) - (noteWidth + 2);
        int width = Math.clamp(room, MIN_AXIS, MAX_AXIS);
        String margin = " ".repeat(labelWidth + 2);

        var lines = new ArrayList<String>();
        lines.addAll(axis(span, width, margin));
        for (var row : shown.subList(0, Math.min(MAX_ROWS, shown.size()))) {
            char[] cells = new char[width];
            Arrays.fill(cells, ' ');
            for (var bar : row.bars()) {
                int first = Math.min(width - 1, column(Math.max(bar.start(), from) - from, span, width));
                int last = Math.max(first + 1, column(Math.min(bar.end(), to) - from, span, width));
                Arrays.fill(cells, first, last, FULL);
            }
            lines.add(("%-" + labelWidth + "s |%s| %s").formatted(shorten(row.label(), labelWidth),
                    new String(cells), row.note()));
        }
        if (shown.size() > MAX_ROWS) lines.add(margin + "(and %d more rows)".formatted(shown.size() - MAX_ROWS));
        noun.flatMap(n -> summary(shown, n)).ifPresent(s -> lines.add(margin.substring(1) + s));
        return lines.stream().map(line -> System.lineSeparator() + line.stripTrailing()).collect(Collectors.joining());
    }

    /// The time labels and the tick line under them.
    private static List<String> axis(long span, int width, String margin) {
        long step = Arrays.stream(TICK_STEPS_MS).map(ms -> ms * MILLI).filter(s -> span / s < MAX_TICKS)
                .findFirst().orElse(TICK_STEPS_MS[TICK_STEPS_MS.length - 1] * MILLI);
        var labels = new StringBuilder(margin);
        char[] ticks = new char[width];
        Arrays.fill(ticks, LINE);
        for (long t = 0; t < span; t += step) {
            int column = column(t, span, width);
            if (column >= width) break;
            ticks[column] = TICK;
            int at = margin.length() + column;
            if (labels.length() > at) continue; // no room left for this label after the previous one
            labels.append(" ".repeat(at - labels.length())).append(time(t, step)).append(' ');
        }
        return List.of(labels.toString(), margin + new String(ticks));
    }

    /// e.g. `0 s`, `0.5 s`, `1 s`; `20 ms` when the ticks are less than a tenth of a second apart.
    private static String time(long nanos, long step) {
        if (step < SECONDS_FROM) return nanos / MILLI + " ms";
        return BigDecimal.valueOf(nanos / MILLI).movePointLeft(3).stripTrailingZeros().toPlainString() + " s";
    }

    private static int column(long nanos, long span, int width) {
        return (int) Math.round((double) nanos * width / span);
    }

    private static String shorten(String label, int width) {
        return label.length() <= width ? label : label.substring(0, width - 1) + "…";
    }

    /// How many of the rows ran at once, at most: e.g. `your tasks ran one after another: no two bars overlap`.
    private static Optional<String> summary(List<Row> rows, String noun) {
        if (rows.size() < 2) return Optional.empty();
        int peak = peak(rows.stream().flatMap(r -> r.bars().stream()).toList());
        int n = rows.size();
        if (peak == 1) return Optional.of("your %s ran one after another: no two bars overlap".formatted(noun));
        if (peak >= n) return Optional.of("all %d of your %s ran at the same time".formatted(n, noun));
        return Optional.of("at most %d of your %d %s ran at the same time".formatted(peak, n, noun));
    }

    /// The most bars that overlap at one instant (one ending as another starts do not overlap).
    private static int peak(List<Bar> bars) {
        record Edge(long nanos, int change) {}
        var edges = new ArrayList<Edge>();
        bars.forEach(b -> {
            edges.add(new Edge(b.start(), 1));
            edges.add(new Edge(b.end(), -1));
        });
        edges.sort(Comparator.comparingLong(Edge::nanos).thenComparingInt(Edge::change));
        int running = 0, peak = 0;
        for (var e : edges) {
            running += e.change();
            peak = Math.max(peak, running);
        }
        return peak;
    }
}
