///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES Tutorial.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Lesson 1: one after another, at the same time, on all cores — measured on your machine.
 * Run it with ./jbang lessons/lesson01.java (add --help to see the options).
 */
public class lesson01 {

    public static void main(String[] args) throws Exception {
        Tutorial.run(args, "Lesson 1 · Sequential, concurrent, parallel: measured on your machine",
                "Next: ./jbang grade ex01 (make a sequential fetch-all concurrent) and then lesson02 (threads)",
                new Tutorial.Section("Waiting: one after another, or all at once",
                        "Concurrency is having several tasks in progress at once, "
                                + "so that while one waits, the others get on.",
                        lesson01::waiting),
                new Tutorial.Section("Computing: one core, or all of them",
                        "Parallelism is several tasks computing at the very same instant, each on its own CPU core.",
                        lesson01::computing),
                new Tutorial.Section("When to use what, measured",
                        "The right tool depends on what a task spends its time on: "
                                + "waiting for IO, or computing on the CPU.",
                        lesson01::whenToUseWhat));
    }

    // ── Four ways to run a list of tasks ──────────────────────────────────────────────
    // Every section runs the same kinds of tasks these ways; only the way changes.

    // One after another: each call returns only when its task is done.
    static <T> List<T> oneAfterAnother(List<Callable<T>> tasks) throws Exception {
        List<T> results = new ArrayList<>();
        for (var task : tasks) results.add(task.call());
        return results;
    }

    // Platform threads: one operating-system thread per task, so all the tasks are under way at once.
    // Closing the executor (the end of try) waits for its threads: none outlives the block.
    static <T> List<T> onPlatformThreads(List<Callable<T>> tasks) throws Exception {
        try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("platform-", 1).factory())) {
            return resultsOf(executor.invokeAll(tasks));
        }
    }

    // Virtual threads: threads managed by the JVM, so cheap that one per waiting task is fine by the thousand.
    static <T> List<T> onVirtualThreads(List<Callable<T>> tasks) throws Exception {
        try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("virtual-", 1).factory())) {
            return resultsOf(executor.invokeAll(tasks));
        }
    }

    // A pool sized to the cores: as many threads as the machine can run at one instant; other tasks queue.
    static <T> List<T> onPoolSizedToCores(List<Callable<T>> tasks) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        try (var executor = Executors.newFixedThreadPool(cores, Thread.ofPlatform().name("pool-", 1).factory())) {
            return resultsOf(executor.invokeAll(tasks));
        }
    }

    // invokeAll has already waited for every task; get() hands back each result, or rethrows the task's exception.
    static <T> List<T> resultsOf(List<Future<T>> futures) throws Exception {
        List<T> results = new ArrayList<>();
        for (var future : futures) results.add(future.get());
        return results;
    }

    // ── 1. Waiting ────────────────────────────────────────────────────────────────────

    // A task that mostly waits: print "One", wait a second, print "Two".
    // Thread.sleep stands in for real IO, such as a network call or a disk read.
    static void count(int task) throws InterruptedException {
        Tutorial.show("One  (task " + task + ")");
        Thread.sleep(Duration.ofSeconds(1));
        Tutorial.show("Two  (task " + task + ")");
    }

    // Three such tasks, each tracked on a timeline so we can draw who ran when.
    static List<Callable<Void>> threeCounts(Tutorial.Timeline timeline) {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int task = 1; task <= 3; task++) {
            int number = task;
            tasks.add(timeline.track("task " + number, () -> count(number)));
        }
        return tasks;
    }

    static void waiting() throws Exception {
        Tutorial.say("Each task prints One, waits one second the way a network call would, and prints Two. "
                + "Every time in this lesson is measured live, so yours will differ a little from run to run.");
        Tutorial.code("""
                static void count(int task) throws InterruptedException {
                    Tutorial.show("One  (task " + task + ")");
                    Thread.sleep(Duration.ofSeconds(1));
                    Tutorial.show("Two  (task " + task + ")");
                }""");

        // The slow version first: the three waits happen one after the other.
        var sequential = new Tutorial.Timeline("one after another");
        Tutorial.say("One after another: each call returns only when its task is done.");
        Tutorial.code("for (var task : tasks) results.add(task.call());");
        Duration took = Tutorial.time(() -> oneAfterAnother(threeCounts(sequential)));
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ": three waits of a second, added up.");

        // The fix: give each task its own thread, so the three waits overlap.
        var platform = new Tutorial.Timeline("platform threads");
        Tutorial.say("On platform threads: one operating-system thread per task. invokeAll starts them all and "
                + "waits for all; closing the executor at the end of try guarantees no thread outlives the block.");
        Tutorial.code("""
                try (var executor = Executors.newThreadPerTaskExecutor(
                        Thread.ofPlatform().name("platform-", 1).factory())) {
                    return resultsOf(executor.invokeAll(tasks));
                }""");
        took = Tutorial.time(() -> onPlatformThreads(threeCounts(platform)));
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ": all three waited at the same time. "
                + "Every One comes before every Two, like asyncio.gather in the Python course.");
        Tutorial.varies("the order of the three Ones, and of the Twos, changes from run to run: "
                + "the threads race each other to print.");

        // The same with virtual threads: only the thread factory changes.
        var virtual = new Tutorial.Timeline("virtual threads");
        Tutorial.say("On virtual threads: the same code with Thread.ofVirtual(). A virtual thread that waits "
                + "gives its carrier thread back, so thousands of them can wait at once: Java's answer to asyncio, "
                + "with plain blocking code and no async/await.");
        Tutorial.code("""
                try (var executor = Executors.newThreadPerTaskExecutor(
                        Thread.ofVirtual().name("virtual-", 1).factory())) {
                    return resultsOf(executor.invokeAll(tasks));
                }""");
        took = Tutorial.time(() -> onVirtualThreads(threeCounts(virtual)));
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ".");
        Tutorial.varies("as above, the order within the Ones and within the Twos.");

        Tutorial.say("Who ran when, and on which thread, drawn to one time scale:");
        Tutorial.Timeline.print(sequential, platform, virtual);
    }

    // ── 2. Computing ──────────────────────────────────────────────────────────────────

    // A task that never waits: √from + … + √(to−1). Pure arithmetic, so only a CPU core can speed it up.
    static double sumOfRoots(long from, long to) {
        double sum = 0;
        for (long i = from; i < to; i++) sum += Math.sqrt(i);
        return sum;
    }

    // Cut 0..n into equal slices, one task per slice.
    static List<Callable<Double>> split(long n, int slices) {
        List<Callable<Double>> tasks = new ArrayList<>();
        for (int k = 0; k < slices; k++) {
            long from = n * k / slices, to = n * (k + 1) / slices;
            tasks.add(() -> sumOfRoots(from, to));
        }
        return tasks;
    }

    static double total(List<Double> parts) {
        return parts.stream().mapToDouble(Double::doubleValue).sum();
    }

    static void computing() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Tutorial.say("Now a task that never waits: √0 + √1 + … + √(n−1), the Java twin of the Python course's "
                + "sum(math.sqrt(i) for i in range(N)).");
        Tutorial.code("""
                static double sumOfRoots(long from, long to) {
                    double sum = 0;
                    for (long i = from; i < to; i++) sum += Math.sqrt(i);
                    return sum;
                }""");
        Tutorial.say("To use every core, cut 0..n into one slice per core and sum the slices on a pool of that "
                + "many threads; then add up the slices' sums.");
        Tutorial.code("""
                for (int k = 0; k < slices; k++) {                  // in split(n, slices)
                    long from = n * k / slices, to = n * (k + 1) / slices;
                    tasks.add(() -> sumOfRoots(from, to));
                }
                total(onPoolSizedToCores(split(n, cores)))          // sum the slices' sums""");
        Tutorial.say("Java sees " + Tutorial.highlight(cores + " cores") + " here.");
        var prediction = Tutorial.predict("on " + cores + " threads instead of 1, the sum will be…",
                "about as fast (like Python threads, which the GIL lets run one at a time)",
                "about " + cores + "× faster", "far more than " + cores + "× faster");

        // Size the job to about 1.2 s on one core; the trial runs also let the JIT compile sumOfRoots first.
        long n = Tutorial.sizeFor(Duration.ofMillis(1200), size -> sumOfRoots(0, size));
        Tutorial.say("n = %,d, so that one core needs about 1.2 s. Both versions run three times, taking turns, "
                .formatted(n) + "and each keeps its median: one slow run cannot skew the result.");

        // Time both; the timelines keep the last run of each slice for the picture below.
        var oneThread = new Tutorial.Timeline("1 thread");
        var allCores = new Tutorial.Timeline(cores + " threads");
        Duration[] median = Tutorial.medians("summing on 1 thread and on " + cores, 3,
                () -> total(oneAfterAnother(oneThread.trackEach("slice", split(n, 1)))),
                () -> total(onPoolSizedToCores(allCores.trackEach("slice", split(n, cores)))));
        double speedUp = (double) median[0].toNanos() / median[1].toNanos();
        Tutorial.table(List.of("sum of %,d roots".formatted(n), "median of 3"), List.of(
                List.of("1 thread", Tutorial.seconds(median[0])),
                List.of(cores + " threads (pool sized to cores)", Tutorial.seconds(median[1])),
                List.of("speed-up", Tutorial.highlight("%.2f×".formatted(speedUp)) + " of " + cores + "× at most")));
        prediction.reveal(speedUp < 1.25 ? 0 : speedUp <= cores * 1.15 ? 1 : 2);
        Tutorial.noteIfCoresWereBusy("the speed-up", speedUp, cores);
        Tutorial.say("The last of the three runs of each, drawn to one time scale:");
        Tutorial.Timeline.print(oneThread, allCores);

        Tutorial.say("Java threads run Java code on all cores at once: there is no GIL. Python's threads take "
                + "turns on one core for this job, which is why the Python course reaches for a process pool.");
    }

    // ── 3. When to use what ───────────────────────────────────────────────────────────

    // An IO-bound task: "fetch" a page, which here means waiting 50 ms the way a network call would.
    static String fetch(int page) throws InterruptedException {
        Thread.sleep(Duration.ofMillis(50));
        return "page " + page;
    }

    // The same tasks run all four ways, taking turns; each way keeps its median of 3.
    static <T> Duration[] timeFourWays(String workload, List<Callable<T>> tasks) throws Exception {
        return Tutorial.medians("timing " + workload, 3,
                () -> oneAfterAnother(tasks), () -> onPlatformThreads(tasks),
                () -> onVirtualThreads(tasks), () -> onPoolSizedToCores(tasks));
    }

    static List<String> row(String workload, Duration[] times) {
        List<String> cells = new ArrayList<>(List.of(workload));
        cells.addAll(Tutorial.markFastest(times));
        return cells;
    }

    static void whenToUseWhat() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();

        // The IO-heavy job: ten fetches.
        List<Callable<String>> fetches = new ArrayList<>();
        for (int page = 1; page <= 10; page++) {
            int number = page;
            fetches.add(() -> fetch(number));
        }
        // The CPU-heavy job: four slices of the sum per core, about half a second of work in all.
        int slices = 4 * cores;
        long n = slices * Tutorial.sizeFor(Duration.ofMillis(500).dividedBy(slices), size -> sumOfRoots(0, size));

        Tutorial.say("The Python course ends with a table of when to use what. Here is that table for Java, "
                + "filled in by running both jobs all four ways just now:");
        Tutorial.say("IO-heavy: 10 fetches that each wait 50 ms.\nCPU-heavy: the sum of roots cut into "
                + slices + " slices, about 0.5 s of work on one core.");
        Duration[] io = timeFourWays("IO-heavy", fetches);
        Duration[] cpu = timeFourWays("CPU-heavy", split(n, slices));
        Tutorial.table(List.of("median of 3", "sequential", "platform threads", "virtual threads", "pool of " + cores),
                List.of(row("IO-heavy", io), row("CPU-heavy", cpu)));
        Tutorial.say(Tutorial.highlight("✓") + " marks the fastest way in each row, and any within 30% of it.");
        Tutorial.noteIfCoresWereBusy("the pool's speed-up", (double) cpu[0].toNanos() / cpu[3].toNanos(), cores);

        Tutorial.say("Waiting: threads win, because waits overlap. A pool sized to the cores makes tasks queue "
                + "for no reason, since a waiting thread uses no core. Virtual threads tie with platform threads "
                + "at ten tasks; they are built for thousands of waiting tasks, which a later lesson measures.");
        Tutorial.say("Computing: threads help only as far as there are free cores. On a quiet machine every "
                + "threaded column beats sequential by about the core count, and none beats the others: more "
                + "threads than cores cannot add speed, so the usual tool is a pool sized to the cores. "
                + "Python's table needs a process pool for this row; in Java a thread pool already does that job.");
    }
}
