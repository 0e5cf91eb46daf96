///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES Tutorial.java

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Lesson 2: threads — start and join them, name them, hear about their failures, stop them politely,
 * and meet the virtual kind, measured on your machine.
 * Run it with ./jbang lessons/lesson02.java (add --help to see the options).
 */
public class lesson02 {

    public static void main(String[] args) throws Exception {
        Tutorial.run(args, "Lesson 2 · Threads: start, join, name, stop, and the virtual kind",
                "Next: ./jbang grade ex02 (start N named workers, wait for all, report a failure by name) "
                        + "and then lesson03 (races and locks)",
                new Tutorial.Section("Start and join",
                        "A thread is a path of execution of its own inside the program, sharing its memory: "
                                + "start() sets it going, join() waits for it to end.",
                        lesson02::startAndJoin),
                new Tutorial.Section("Many threads, with names",
                        "Start every thread first, then join every one: they all run at once, "
                                + "and each name tells you which is which.",
                        lesson02::manyNamedThreads),
                new Tutorial.Section("Exceptions in threads",
                        "An exception that escapes a thread ends that thread alone: it goes to the thread's "
                                + "uncaught exception handler, never to the thread that started or joined it.",
                        lesson02::exceptionsInThreads),
                new Tutorial.Section("Daemon threads",
                        "The JVM exits when its last non-daemon thread ends; "
                                + "daemon threads are helpers that it does not wait for.",
                        lesson02::daemonThreads),
                new Tutorial.Section("Interrupts: asking a thread to stop",
                        "interrupt() sets a flag on a thread and wakes it from sleep or wait; "
                                + "the thread itself decides to stop, so cancellation works only if it checks.",
                        lesson02::interrupts),
                new Tutorial.Section("Ten thousand virtual threads",
                        "A virtual thread is a thread that the JVM runs on a few operating-system threads, "
                                + "and that lets go of them while it waits.",
                        lesson02::tenThousandVirtualThreads),
                new Tutorial.Section("What a thread costs to create",
                        "A platform thread is an operating-system thread with a native stack of its own; "
                                + "a virtual thread is a small Java object, so it is far cheaper to create.",
                        lesson02::creationCost));
    }

    // ── Helpers for every section ─────────────────────────────────────────────────────

    // Thread.sleep for a Runnable, which may not throw InterruptedException. An interrupt ends the
    // sleep early and is kept on the thread's flag, so the code after it can still see it (section 5).
    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // Tutorial.seconds rounds to whole milliseconds; some of what this lesson measures is far shorter.
    static String fine(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos < 1_000_000) return "%.1f µs".formatted(nanos / 1e3);
        return nanos < 10_000_000 ? "%.1f ms".formatted(nanos / 1e6) : Tutorial.seconds(duration);
    }

    // ── 1. Start and join ─────────────────────────────────────────────────────────────

    // The task from the Python course: say it started, wait half a second, say it finished.
    // It names the thread it runs on.
    static void task() {
        String thread = Thread.currentThread().getName();
        Tutorial.show("task started   (on " + thread + ")");
        sleep(Duration.ofMillis(500));
        Tutorial.show("task finished  (on " + thread + ")");
    }

    // What main does besides: 300 ms of work of its own.
    static void ownWork() {
        Tutorial.show("own work       (on " + Thread.currentThread().getName() + ")");
        sleep(Duration.ofMillis(300));
    }

    static void startAndJoin() throws Exception {
        Tutorial.say("The task prints a line, waits half a second, and prints another; main has 300 ms of work "
                + "of its own. sleep(…) is Thread.sleep, made fit for a Runnable (section 5 says how).");
        Tutorial.code("""
                static void task() {
                    String thread = Thread.currentThread().getName();
                    Tutorial.show("task started   (on " + thread + ")");
                    sleep(Duration.ofMillis(500));
                    Tutorial.show("task finished  (on " + thread + ")");
                }""");

        // The classic mistake first: run() is an ordinary method call, so no thread starts.
        Tutorial.say("The classic mistake: calling run() instead of start().");
        Tutorial.code("""
                Thread worker = new Thread(lesson02::task, "worker");
                worker.run();      // a plain method call: task() runs here, on main
                ownWork();""");
        var byRun = new Tutorial.Timeline("worker.run(), by mistake");
        Thread mistaken = new Thread(byRun.trackRunnable("task()", lesson02::task), "worker");
        Duration tookByRun = Tutorial.time(() -> {
            mistaken.run();
            return byRun.track("ownWork()", lesson02::ownWork).call();
        });
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(tookByRun)) + ": the task ran on main, "
                + "and main's own work waited for it. The thread named worker never started.");

        // The fix: start() creates the thread and returns at once; join() waits for it to end.
        Tutorial.say("The fix: start() sets a new thread going and returns at once; join() waits for it.");
        Tutorial.code("""
                Thread worker = new Thread(lesson02::task, "worker");
                worker.start();    // a new thread runs task(); start() returns at once
                ownWork();         // meanwhile main goes on
                worker.join();     // wait until worker has finished""");
        var byStart = new Tutorial.Timeline("worker.start(), then join()");
        Thread worker = new Thread(byStart.trackRunnable("task()", lesson02::task), "worker");
        long start = System.nanoTime();
        worker.start();
        Duration startReturned = Tutorial.since(start);
        byStart.track("ownWork()", lesson02::ownWork).call();
        worker.join();
        Duration tookByStart = Tutorial.since(start);
        Tutorial.say("start() returned after " + Tutorial.highlight(fine(startReturned)) + "; all done in "
                + Tutorial.highlight(Tutorial.seconds(tookByStart)) + ": the task and main's work overlapped, "
                + "so it took as long as the longer of the two, not their sum.");
        Tutorial.varies("whether \"task started\" or \"own work\" comes first: "
                + "two threads are racing to print.");
        Tutorial.Timeline.print(byRun, byStart);
    }

    // ── 2. Many threads, with names ───────────────────────────────────────────────────

    // A worker: squares its number after a wait that grows with it, like fetch_one(n) in the Python course.
    static int square(int n) {
        String name = Thread.currentThread().getName();
        Tutorial.show(name + ": start");
        sleep(Duration.ofMillis(200L * n));
        Tutorial.show(name + ": done, " + n + " × " + n + " = " + n * n);
        return n * n;
    }

    static void manyNamedThreads() throws Exception {
        Tutorial.say("Three workers: worker-n squares n after waiting n × 200 ms. Each thread writes its "
                + "result into its own slot of an array; main reads the array twice, once too early.");
        Tutorial.code("""
                int[] squares = new int[3];
                List<Thread> workers = new ArrayList<>();
                for (int n = 1; n <= 3; n++) {
                    int number = n;
                    workers.add(Thread.ofPlatform().name("worker-" + n)
                            .start(() -> squares[number - 1] = square(number)));
                }
                Tutorial.show("before join: " + Arrays.toString(squares));   // too early
                for (Thread worker : workers) worker.join();
                Tutorial.show("after join:  " + Arrays.toString(squares));""");
        var timeline = new Tutorial.Timeline("3 named threads");
        long start = System.nanoTime();
        int[] squares = new int[3];
        List<Thread> workers = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            int number = n;
            workers.add(Thread.ofPlatform().name("worker-" + n)
                    .start(timeline.trackRunnable("square(" + n + ")", () -> squares[number - 1] = square(number))));
        }
        // Broken on purpose: the workers may still be writing, and nothing makes their writes visible yet.
        String beforeJoin = Arrays.toString(squares);
        Tutorial.show("before join: " + beforeJoin);
        for (Thread worker : workers) worker.join();
        Tutorial.show("after join:  " + Arrays.toString(squares));
        Duration took = Tutorial.since(start);

        Tutorial.varies("main saw " + beforeJoin + " before join this time. Reading before join is a data "
                + "race: it could see any mix of old and new values. join() does two things: it waits for "
                + "the thread, and it makes everything the thread wrote visible to the thread that joined.");
        Tutorial.say("All three in " + Tutorial.highlight(Tutorial.seconds(took))
                + ": the longest wait, not the sum of the three.");
        Tutorial.Timeline.print(timeline);
        Tutorial.say("Name every thread: the name appears in every log line, stack trace and thread dump. "
                + "Left to itself, Java calls them Thread-0, Thread-1, …: an unnamed thread made just now got "
                + Tutorial.highlight(new Thread(() -> {}).getName()) + ". Thread.ofPlatform().name(\"worker-\", 1) "
                + "numbers them for you. Unlike Python's threads, these run Java code on all cores at once "
                + "(there is no GIL): lesson 1 measured that.");
    }

    // ── 3. Exceptions in threads ──────────────────────────────────────────────────────

    // Like square(n), but item 2 has no data, so its worker throws.
    static int squareOrFail(int n) {
        sleep(Duration.ofMillis(100L * n));
        if (n == 2) throw new IllegalStateException("no data for item " + n);
        return n * n;
    }

    static void exceptionsInThreads() throws Exception {
        Tutorial.say("Three workers again, but item 2 has no data:");
        Tutorial.code("""
                static int squareOrFail(int n) {
                    sleep(Duration.ofMillis(100L * n));
                    if (n == 2) throw new IllegalStateException("no data for item " + n);
                    return n * n;
                }""");
        Tutorial.say("The broken version wraps start() and join() in a try/catch, hoping to catch it there.");
        Tutorial.code("""
                try {
                    List<Thread> workers = new ArrayList<>();
                    for (int n = 1; n <= 3; n++) {
                        int number = n;
                        workers.add(Thread.ofPlatform().name("worker-" + n).start(() -> squareOrFail(number)));
                    }
                    for (Thread worker : workers) worker.join();
                    Tutorial.show("main: all joined, no exception");
                } catch (RuntimeException e) {
                    Tutorial.show("main caught " + e);
                }""");
        var prediction = Tutorial.predict("worker-2 throws. What does main's catch block see?",
                "the exception: join() rethrows it", "nothing: join() returns normally",
                "nothing: the whole program stops");

        // Broken: the exception ends worker-2 and goes to the default handler, which prints it to System.err.
        Tutorial.say("Running it. The unformatted lines that follow are the JVM's default handler writing to "
                + "System.err:");
        boolean caught = false;
        try {
            List<Thread> workers = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                int number = n;
                workers.add(Thread.ofPlatform().name("worker-" + n).start(() -> squareOrFail(number)));
            }
            for (Thread worker : workers) worker.join();
            Tutorial.show("main: all joined, no exception");
        } catch (RuntimeException e) {
            caught = true;
            Tutorial.show("main caught " + e);
        }
        prediction.reveal(caught ? 0 : 1);
        Tutorial.say("join() returned as if all went well. The stack trace went to the console, where nobody "
                + "reads it, and main cannot tell that one result is missing.");

        // The fix: give each thread a handler that records its failure under its name, then check after join.
        Tutorial.say("The fix: an uncaught exception handler, set on the builder, records each failure under "
                + "the thread's name. It runs on the dying thread before join() returns, so after join() "
                + "main sees every failure.");
        Tutorial.code("""
                Map<String, Throwable> failures = new ConcurrentHashMap<>();
                Thread.Builder builder = Thread.ofPlatform().name("worker-", 1)
                        .uncaughtExceptionHandler((thread, e) -> failures.put(thread.getName(), e));
                // start three workers with builder.start(…), join them all, then:
                failures.forEach((name, e) -> Tutorial.show(name + " failed: " + e));""");
        var handled = new Tutorial.Timeline("handler records the failure");
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        Thread.Builder builder = Thread.ofPlatform().name("worker-", 1)
                .uncaughtExceptionHandler((thread, e) -> failures.put(thread.getName(), e));
        List<Thread> workers = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            int number = n;
            workers.add(builder.start(handled.trackRunnable("squareOrFail(" + n + ")", () -> squareOrFail(number))));
        }
        for (Thread worker : workers) worker.join();
        failures.forEach((name, e) -> Tutorial.show(name + " failed: " + e));
        Tutorial.Timeline.print(handled);
        Tutorial.say("Another way, the one exercise ex02 asks for: catch the exception inside the thread's "
                + "body, store it next to the results, and throw it from main after join(). Executors do "
                + "exactly that: Future.get() throws an ExecutionException whose cause is the task's exception.");
    }

    // ── 4. Daemon threads ─────────────────────────────────────────────────────────────

    // A whole program, run in a child JVM so that this lesson can watch it without getting stuck itself.
    // Its worker waits for input, so the lesson ends the worker simply by closing the child's input.
    static final String LEFT_BEHIND = """
            public class LeftBehind {
                public static void main(String[] args) {
                    Thread worker = new Thread(() -> {
                        System.out.println("worker: waiting for input");
                        new java.util.Scanner(System.in).hasNextLine();   // returns when input closes
                        System.out.println("worker: input closed, ending");
                    }, "worker");
                    worker.setDaemon(args[0].equals("daemon"));
                    worker.start();
                    System.out.println("main: returning");
                }
            }""";

    // Runs LeftBehind in a child JVM and reports whether the JVM exited when its main method returned.
    // Every wait is bounded, and the child is gone before this returns.
    static boolean exitsWithMain(Path program, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", program.toString(), mode)
                .redirectErrorStream(true).start();
        try (var output = child.inputReader()) {
            String line;
            do {
                line = output.readLine();
                if (line != null) Tutorial.show(line);
            } while (line != null && !line.equals("main: returning"));
            long mainReturned = System.nanoTime();
            boolean exitedWithMain = child.waitFor(1, TimeUnit.SECONDS);
            String verdict;
            if (exitedWithMain) {
                verdict = "The JVM exited " + fine(Tutorial.since(mainReturned)) + " after main returned";
            } else {
                Tutorial.say("1 s after main returned, the JVM is still running. The lesson closes its input.");
                long inputClosed = System.nanoTime();
                child.getOutputStream().close();   // the worker's input ends, and with it the worker
                boolean exited = child.waitFor(5, TimeUnit.SECONDS);
                verdict = exited ? "The worker ended, and the JVM exited " + fine(Tutorial.since(inputClosed))
                        + " after the input closed" : "The JVM was still running 5 s later; the lesson stopped it";
            }
            if (!child.isAlive()) {
                while ((line = output.readLine()) != null) Tutorial.show(line);
            }
            Tutorial.say(verdict + ".");
            return exitedWithMain;
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    static void daemonThreads() throws Exception {
        Tutorial.say("A small program: main starts a worker that waits for input, and returns. "
                + "The lesson runs it in a child JVM twice: once as written, once with a daemon worker.");
        Tutorial.code(LEFT_BEHIND);
        var prediction = Tutorial.predict("main returns while its worker (not a daemon) still waits. The JVM…",
                "exits when main returns", "keeps running as long as the worker does");

        Path folder = Files.createTempDirectory("lesson02-");
        Path program = Files.writeString(folder.resolve("LeftBehind.java"), LEFT_BEHIND);
        try {
            Tutorial.say("As written, the worker is not a daemon:");
            Tutorial.code("java LeftBehind.java nondaemon");
            boolean exited = exitsWithMain(program, "nondaemon");
            prediction.reveal(exited ? 0 : 1);

            Tutorial.say("The same program, with worker.setDaemon(true):");
            Tutorial.code("java LeftBehind.java daemon");
            exitsWithMain(program, "daemon");
        } finally {
            Files.deleteIfExists(program);
            Files.deleteIfExists(folder);
        }
        Tutorial.varies("whether the worker prints its first line before main returns, or at all "
                + "when it is a daemon: the JVM may exit first.");

        boolean virtualIsDaemon = Thread.ofVirtual().unstarted(() -> {}).isDaemon();
        Tutorial.say("A thread is non-daemon unless you say otherwise (it inherits the setting of the thread "
                + "that made it), and so are the threads of a thread pool: a pool left open keeps the JVM alive. "
                + "That is why lesson 1 closes every executor in try-with-resources. A virtual thread is always "
                + "a daemon: isDaemon() says " + Tutorial.highlight(String.valueOf(virtualIsDaemon)) + ".");
    }

    // ── 5. Interrupts ─────────────────────────────────────────────────────────────────

    // Broken: counts until its deadline and never looks at its interrupt flag.
    static long countIgnoringInterrupts(long deadline) {
        long count = 0;
        while (System.nanoTime() < deadline) count++;
        return count;
    }

    // Fixed: stops at its deadline, or as soon as it is interrupted, whichever comes first.
    static long countUntilInterrupted(long deadline) {
        long count = 0;
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) count++;
        return count;
    }

    // Blocked in sleep: an interrupt wakes it with an InterruptedException, which ends it here.
    static void sleepUntilInterrupted(Duration limit) {
        try {
            Thread.sleep(limit);
        } catch (InterruptedException e) {
            Tutorial.show(Thread.currentThread().getName() + ": woken by " + e);
        }
    }

    static void interrupts() throws Exception {
        Tutorial.say("Three workers, each with a deadline 1 s away. Main interrupts all three after 200 ms. "
                + "The first counts in a loop that never checks its flag:");
        Tutorial.code("""
                while (System.nanoTime() < deadline) count++;""");
        Tutorial.say("The second checks the flag on every turn of the loop:");
        Tutorial.code("""
                while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) count++;""");
        Tutorial.say("The third sleeps, and Thread.sleep ends with an InterruptedException when interrupted:");
        Tutorial.code("""
                try {
                    Thread.sleep(limit);
                } catch (InterruptedException e) {
                    Tutorial.show(Thread.currentThread().getName() + ": woken by " + e);
                }""");
        var prediction = Tutorial.predict("the first worker is interrupted 200 ms into its loop. It…",
                "stops at once, like a kill", "runs on to its own deadline", "throws an InterruptedException");

        // Each worker notes when it ended; main reads the notes after join, which makes them visible.
        Duration limit = Duration.ofSeconds(1);
        long deadline = System.nanoTime() + limit.toNanos();
        long[] endedAt = new long[3];
        var timeline = new Tutorial.Timeline("interrupted after 200 ms");
        record Worker(String name, String method, Runnable body) {}
        List<Worker> kinds = List.of(
                new Worker("ignores-flag", "countIgnoringInterrupts", () -> countIgnoringInterrupts(deadline)),
                new Worker("checks-flag", "countUntilInterrupted", () -> countUntilInterrupted(deadline)),
                new Worker("sleeps", "sleepUntilInterrupted", () -> sleepUntilInterrupted(limit)));
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            int slot = i;
            Runnable body = timeline.trackRunnable(kinds.get(i).method(), kinds.get(i).body());
            workers.add(Thread.ofPlatform().name(kinds.get(i).name()).start(() -> {
                body.run();
                endedAt[slot] = System.nanoTime();
            }));
        }
        sleep(Duration.ofMillis(200));
        long interruptedAt = System.nanoTime();
        for (Thread worker : workers) worker.interrupt();
        for (Thread worker : workers) worker.join();

        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            Duration ranOn = Duration.ofNanos(endedAt[i] - interruptedAt);
            rows.add(List.of(kinds.get(i).name(), Tutorial.highlight(fine(ranOn))));
        }
        Tutorial.table(List.of("worker", "ran on after interrupt()"), rows);
        boolean ranToDeadline = endedAt[0] - interruptedAt > Duration.ofMillis(400).toNanos();
        prediction.reveal(ranToDeadline ? 1 : 0);
        Tutorial.varies("the exact times; the pattern holds: a worker stops only where it checks.");
        Tutorial.Timeline.print(timeline);

        Tutorial.say("Java cannot kill a thread (since Java 20, Thread.stop() only throws): cancelling is a "
                + "request, and the thread checks for it, in its loops with isInterrupted() and in blocking "
                + "calls such as sleep, wait and join, which throw InterruptedException. Catching that "
                + "exception clears the flag, so code that cannot stop right there sets it again for its "
                + "caller to see, and never swallows it. This lesson's sleep(…) does that:");
        Tutorial.code("""
                static void sleep(Duration duration) {
                    try {
                        Thread.sleep(duration);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();   // keep the request for the caller
                    }
                }""");
        Tutorial.say("Python has no interrupt at all: its threads poll a flag, such as a threading.Event.");
    }

    // ── 6. Ten thousand virtual threads ───────────────────────────────────────────────

    static void tenThousandVirtualThreads() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int count = 10_000;
        Tutorial.say("%,d threads, each sleeping one second, all started at once, then all joined:"
                .formatted(count));
        Tutorial.code("""
                List<Thread> sleepers = new ArrayList<>();
                Thread.Builder builder = Thread.ofVirtual().name("virtual-", 1);
                for (int i = 0; i < 10_000; i++) {
                    sleepers.add(builder.start(() -> sleep(Duration.ofSeconds(1))));
                }
                for (Thread sleeper : sleepers) sleeper.join();""");
        var prediction = Tutorial.predict("all %,d done in about…".formatted(count),
                "1 s", "%,d s (10,000 s of sleep shared by %d cores)".formatted(count / cores, cores),
                "never: the machine runs out of threads");

        // Three of the sleepers are drawn on a timeline: the first, the middle one and the last.
        var timeline = new Tutorial.Timeline("%,d virtual threads".formatted(count));
        List<Integer> drawn = List.of(1, count / 2, count);
        List<Thread> sleepers = new ArrayList<>();
        Thread.Builder builder = Thread.ofVirtual().name("virtual-", 1);
        Runnable sleepOneSecond = () -> sleep(Duration.ofSeconds(1));
        long start = System.nanoTime();
        for (int i = 1; i <= count; i++) {
            Runnable body = drawn.contains(i) ? timeline.trackRunnable("sleeper %,d".formatted(i), sleepOneSecond)
                    : sleepOneSecond;
            sleepers.add(builder.start(body));
        }
        Duration started = Tutorial.since(start);
        int platformThreads = ManagementFactory.getThreadMXBean().getThreadCount();
        for (Thread sleeper : sleepers) sleeper.join();
        Duration took = Tutorial.since(start);

        Tutorial.say("All %,d done in %s (starting them took %s). While they slept, the JVM had %s in all, "
                .formatted(count, Tutorial.highlight(Tutorial.seconds(took)), Tutorial.seconds(started),
                        Tutorial.highlight(platformThreads + " platform threads"))
                + "its own helpers included.");
        prediction.reveal(took.toSeconds() < count / cores / 2 ? 0 : 1);
        Tutorial.Timeline.print(timeline);
        Tutorial.say("A sleeping virtual thread holds no operating-system thread: the JVM parks it as an object "
                + "on the heap and runs the others on a few carrier threads, one per core by default. It is the "
                + "same trick as Python's asyncio (many waiting tasks, few OS threads) with plain blocking code. "
                + "A platform thread keeps its OS thread and native stack the whole time it sleeps; 10,000 of "
                + "them is heavy, and many systems cap the number a program may have.");
    }

    // ── 7. What a thread costs to create ──────────────────────────────────────────────

    // Starts count threads that do nothing, then joins them all: this times the threads alone,
    // from creation to the end of join().
    static void startThenJoin(Thread.Builder builder, int count) throws InterruptedException {
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) threads.add(builder.start(() -> {}));
        for (Thread thread : threads) thread.join();
    }

    static void creationCost() throws Exception {
        int count = 1_000;
        Tutorial.say("Start %,d threads that do nothing, then join them all: the time is what the threads "
                .formatted(count) + "themselves cost, from creation to the end of join().");
        Tutorial.code("""
                static void startThenJoin(Thread.Builder builder, int count) throws InterruptedException {
                    List<Thread> threads = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) threads.add(builder.start(() -> {}));
                    for (Thread thread : threads) thread.join();
                }
                startThenJoin(Thread.ofPlatform(), 1_000);
                startThenJoin(Thread.ofVirtual(), 1_000);""");
        Tutorial.say("Both kinds run five times, taking turns, and each keeps its median.");
        Duration[] median = Tutorial.medians("starting and joining %,d threads".formatted(count), 5,
                () -> { startThenJoin(Thread.ofPlatform(), count); return null; },
                () -> { startThenJoin(Thread.ofVirtual(), count); return null; });
        Duration platform = median[0].dividedBy(count), virtual = median[1].dividedBy(count);
        double ratio = (double) median[0].toNanos() / median[1].toNanos();
        Tutorial.table(List.of("%,d threads, start + join".formatted(count), "median of 5", "per thread"), List.of(
                List.of("platform threads", fine(median[0]), Tutorial.highlight(fine(platform))),
                List.of("virtual threads", fine(median[1]), Tutorial.highlight(fine(virtual))),
                List.of("virtual is cheaper by", "", Tutorial.highlight("%.1f×".formatted(ratio)))));
        Tutorial.varies("the times depend on the operating system and on what else the machine is doing.");
        Tutorial.say("So: a virtual thread per waiting task, even by the thousand, and never a pool of them. "
                + "For computing, threads help only up to the core count, and lesson 4 sizes a pool of "
                + "platform threads for it.");
    }
}
