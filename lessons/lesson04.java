///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES Tutorial.java

import java.io.FileNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Lesson 4: thread pools and futures — submit, get, map in order or as completed, failures, and how big
 * a pool should be, measured on your machine.
 * Run it with ./jbang lessons/lesson04.java (add --help to see the options).
 */
public class lesson04 {

    public static void main(String[] args) throws Exception {
        Tutorial.run(args, "Lesson 4 · Thread pools and futures",
                "Next: ./jbang grade ex04 (parallel map on a fixed pool) and then lesson05 (processes with queues)",
                new Tutorial.Section("submit hands back a Future; get waits for it",
                        "An ExecutorService runs the tasks you hand it on threads it owns, and submit returns at "
                                + "once with a Future: a handle on a result that does not exist yet.",
                        lesson04::submitAndGet),
                new Tutorial.Section("Three kinds of executor",
                        "A fixed pool keeps a set number of threads and queues the rest of the tasks; a cached "
                                + "pool makes a thread whenever all are busy; a virtual-thread executor gives "
                                + "every task a new virtual thread.",
                        lesson04::threeKinds),
                new Tutorial.Section("Results in input order, or as they complete",
                        "invokeAll hands back the futures in the order the tasks were given, while an "
                                + "ExecutorCompletionService hands back each one as soon as its task is done.",
                        lesson04::inOrderOrAsCompleted),
                new Tutorial.Section("Exceptions travel through the Future",
                        "A task's exception is caught by the pool and kept in its Future, and get() throws it "
                                + "again wrapped in an ExecutionException.",
                        lesson04::exceptions),
                new Tutorial.Section("A thread pool does ProcessPoolExecutor's job",
                        "Computing speeds up by as many cores as work on it, and Java threads run on every core "
                                + "at once, so a fixed pool with one thread per core is Java's process pool.",
                        lesson04::processPoolCarriedOver),
                new Tutorial.Section("How many threads: cores for computing, many for waiting",
                        "A pool for computing needs about one thread per core; a pool for waiting needs about "
                                + "one thread per wait it should overlap.",
                        lesson04::poolSizing));
    }

    // invokeAll has already waited for every task; get() hands back each result, or rethrows the task's exception.
    static <T> List<T> resultsOf(List<Future<T>> futures) throws Exception {
        List<T> results = new ArrayList<>();
        for (var future : futures) results.add(future.get());
        return results;
    }

    // The time since start (a System.nanoTime reading), as a person reads it.
    // ── 1. submit and get ─────────────────────────────────────────────────────────────

    // A task that waits 300 ms, the way a network call would, then returns its answer.
    static int square(int n) throws InterruptedException {
        Thread.sleep(Duration.ofMillis(300));
        return n * n;
    }

    // Submits square(5), then waits for its result, timing both steps.
    static void squareOfFive(ExecutorService executor) throws Exception {
        long start = System.nanoTime();
        Future<Integer> future = executor.submit(() -> square(5));
        double submitMillis = (System.nanoTime() - start) / 1e6;
        boolean doneAtOnce = future.isDone();
        int result = future.get();
        Tutorial.show("submit returned after %.2f ms, with future.isDone() = %s".formatted(submitMillis, doneAtOnce));
        Tutorial.show("future.get() returned " + result + " after " + Tutorial.seconds(Tutorial.since(start)));
    }

    // The names of the live threads whose name starts with prefix.
    static List<String> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName).filter(name -> name.startsWith(prefix)).sorted().toList();
    }

    static void submitAndGet() throws Exception {
        Tutorial.say("The Python course's first pool was executor.submit(square, 5) and then future.result(). "
                + "Here square(n) waits 300 ms and returns n × n.");

        // The broken version first: the pool is never closed.
        Tutorial.say("A pool that nobody closes:");
        Tutorial.code("""
                ExecutorService executor = Executors.newFixedThreadPool(3,
                        Thread.ofPlatform().name("forgotten-", 1).factory());
                Future<Integer> future = executor.submit(() -> square(5));   // returns at once
                int result = future.get();                                     // waits for the task
                // ... and no executor.close()""");
        ExecutorService forgotten =
                Executors.newFixedThreadPool(3, Thread.ofPlatform().name("forgotten-", 1).factory());
        try {
            squareOfFive(forgotten);
            Tutorial.show("threads of the pool still alive after get(): " + liveThreads("forgotten-"));
        } finally {
            // The lesson closes it here; the broken version above never does.
            forgotten.close();
        }
        Tutorial.say("submit only hands the task to a pool thread (starting the thread, the first time), so it "
                + "returns long before the task ends, with a Future that is not done yet; get() waits until the "
                + "task has returned. But the pool's thread lives on, waiting for a next task that never comes. "
                + "It is not a daemon thread, so the JVM cannot exit while it lives: a program that forgets to "
                + "close its pool never ends. (The lesson closed this one for you.)");

        // The fix: try-with-resources. Leaving the block calls close(): it waits for the tasks, then ends the threads.
        Tutorial.say("The fix is try-with-resources, Java's twin of Python's with ThreadPoolExecutor() as executor:");
        Tutorial.code("""
                ExecutorService executor = Executors.newFixedThreadPool(3);
                try (executor) {
                    Future<Integer> future = executor.submit(() -> square(5));
                    int result = future.get();
                }                                      // close(): wait for the tasks, end the threads""");
        ExecutorService executor = Executors.newFixedThreadPool(3, Thread.ofPlatform().name("closed-", 1).factory());
        try (executor) {
            squareOfFive(executor);
        }
        Tutorial.show("after the block: executor.isTerminated() = " + executor.isTerminated());
        Tutorial.say("Every executor in this course lives in a try block like this one: no thread outlives it.");
    }

    // ── 2. Three kinds of executor ────────────────────────────────────────────────────

    // Six tasks that each wait 200 ms, run on the given executor; returns how long they took, close() included.
    // Each task notes its thread, so we can count how many threads the executor used.
    static Duration sixWaitsOn(ExecutorService executor, Tutorial.Timeline timeline, Set<Thread> threads)
            throws Exception {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int task = 1; task <= 6; task++) {
            tasks.add(timeline.track("task " + task, () -> {
                threads.add(Thread.currentThread());
                Thread.sleep(Duration.ofMillis(200));
            }));
        }
        return Tutorial.time(() -> {
            try (executor) {
                return resultsOf(executor.invokeAll(tasks));
            }
        });
    }

    static List<String> row(String executor, Set<Thread> threads, Duration took) {
        return List.of(executor, String.valueOf(threads.size()), Tutorial.highlight(Tutorial.seconds(took)));
    }

    static void threeKinds() throws Exception {
        Tutorial.say("The same six tasks, each waiting 200 ms, on each kind of executor. invokeAll submits them "
                + "all and waits for all; the next section looks at it closely.");
        Tutorial.code("""
                Executors.newFixedThreadPool(3, Thread.ofPlatform().name("fixed-", 1).factory())
                Executors.newCachedThreadPool(Thread.ofPlatform().name("cached-", 1).factory())
                Executors.newVirtualThreadPerTaskExecutor()

                try (executor) {
                    resultsOf(executor.invokeAll(tasks));
                }""");
        var fixedLine = new Tutorial.Timeline("fixed pool of 3");
        var cachedLine = new Tutorial.Timeline("cached pool");
        var virtualLine = new Tutorial.Timeline("virtual thread per task");
        Set<Thread> fixedThreads = ConcurrentHashMap.newKeySet();
        Set<Thread> cachedThreads = ConcurrentHashMap.newKeySet();
        Set<Thread> virtualThreads = ConcurrentHashMap.newKeySet();
        Duration fixed = sixWaitsOn(Executors.newFixedThreadPool(3, Thread.ofPlatform().name("fixed-", 1).factory()),
                fixedLine, fixedThreads);
        Duration cached = sixWaitsOn(Executors.newCachedThreadPool(Thread.ofPlatform().name("cached-", 1).factory()),
                cachedLine, cachedThreads);
        Duration virtual = sixWaitsOn(Executors.newVirtualThreadPerTaskExecutor(), virtualLine, virtualThreads);
        Tutorial.table(List.of("6 tasks × 200 ms wait", "threads used", "took"), List.of(
                row("fixed pool of 3", fixedThreads, fixed),
                row("cached pool", cachedThreads, cached),
                row("virtual thread per task", virtualThreads, virtual)));
        Tutorial.Timeline.print(fixedLine, cachedLine, virtualLine);
        Tutorial.varies("which fixed- thread picks up tasks 4 to 6: whichever finishes its first task first.");

        Tutorial.say("The fixed pool ran three tasks, queued three, and reused its threads: two rounds. "
                + "It is the pool to choose when the number of threads must stay bounded, as for computing. "
                + "The cached pool made a thread for each task that found all threads busy, and would reuse an "
                + "idle one for up to a minute; with no bound, a flood of tasks makes a flood of threads. "
                + "Virtual threads cost so little that one per task is the rule: the choice for tasks that wait.");
    }

    // ── 3. In input order, or as completed ────────────────────────────────────────────

    // Four downloads that take different times; each returns its name.
    static final int[] DOWNLOAD_MILLIS = {400, 100, 300, 200};

    static List<Callable<String>> downloads(Tutorial.Timeline timeline) {
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < DOWNLOAD_MILLIS.length; i++) {
            String name = "download " + (i + 1);
            int millis = DOWNLOAD_MILLIS[i];
            tasks.add(timeline.track(name + " (" + millis + " ms)", () -> {
                Thread.sleep(Duration.ofMillis(millis));
                return name;
            }));
        }
        return tasks;
    }

    // Which choice an order of results matches: 0 the input order, 1 the finishing order, 2 neither.
    static int whichOrder(List<String> order) {
        if (order.equals(List.of("download 1", "download 2", "download 3", "download 4"))) return 0;
        if (order.equals(List.of("download 2", "download 4", "download 3", "download 1"))) return 1;
        return 2;
    }

    static void inOrderOrAsCompleted() throws Exception {
        Tutorial.say("Four downloads take 400, 100, 300 and 200 ms. They run on a pool of four threads, so all "
                + "four start at once.");
        var prediction = Tutorial.predict("invokeAll hands back the four results in which order?",
                "1, 2, 3, 4: the order the tasks were given", "2, 4, 3, 1: the order they finish",
                "a different order each run");

        // invokeAll: Python's executor.map. It waits for every task, then gives the futures in input order.
        var inOrder = new Tutorial.Timeline("invokeAll");
        Tutorial.code("""
                try (var executor = Executors.newFixedThreadPool(4)) {
                    for (var future : executor.invokeAll(tasks))
                        show(future.get() + "  got at " + Tutorial.seconds(Tutorial.since(start)));
                }""");
        List<String> inputOrder = new ArrayList<>();
        long start = System.nanoTime();
        try (var executor = Executors.newFixedThreadPool(4, Thread.ofPlatform().name("pool-", 1).factory())) {
            for (var future : executor.invokeAll(downloads(inOrder))) {
                String result = future.get();
                inputOrder.add(result);
                Tutorial.show(result + "  got at " + Tutorial.seconds(Tutorial.since(start)));
            }
        }
        prediction.reveal(whichOrder(inputOrder));
        Tutorial.say("Input order, always: results line up with their inputs, as a map should. The price is that "
                + "nothing arrives before the slowest task is done, even the download that took 100 ms.");

        // ExecutorCompletionService: Python's as_completed. take() waits for the next task to finish, whichever it is.
        var asCompleted = new Tutorial.Timeline("ExecutorCompletionService");
        Tutorial.say("An ExecutorCompletionService wraps the pool and queues each future as its task finishes:");
        Tutorial.code("""
                try (var executor = Executors.newFixedThreadPool(4)) {
                    var completion = new ExecutorCompletionService<String>(executor);
                    for (var task : tasks) completion.submit(task);
                    for (int i = 0; i < tasks.size(); i++)
                        show(completion.take().get() + "  got at " + Tutorial.seconds(Tutorial.since(start)));
                }""");
        List<String> finishOrder = new ArrayList<>();
        start = System.nanoTime();
        try (var executor = Executors.newFixedThreadPool(4, Thread.ofPlatform().name("pool-", 1).factory())) {
            var completion = new ExecutorCompletionService<String>(executor);
            List<Callable<String>> tasks = downloads(asCompleted);
            for (var task : tasks) completion.submit(task);
            for (int i = 0; i < tasks.size(); i++) {
                String result = completion.take().get();
                finishOrder.add(result);
                Tutorial.show(result + "  got at " + Tutorial.seconds(Tutorial.since(start)));
            }
        }
        Tutorial.varies("the finishing order, " + String.join(", ", finishOrder).replace("download ", "")
                + " this run: the waits are 100 ms apart, so it follows them unless the machine is very busy.");
        Tutorial.say("The same four tasks, the same threads:");
        Tutorial.Timeline.print(inOrder, asCompleted);
        Tutorial.say("Use invokeAll when each result belongs to its input (a parallel map: exercise ex04); use a "
                + "completion service to act on each result the moment it is ready.");
    }

    // ── 4. Exceptions ─────────────────────────────────────────────────────────────────

    // A download that fails for page 3, which does not exist.
    static String download(int page) throws FileNotFoundException, InterruptedException {
        Thread.sleep(Duration.ofMillis(50));
        if (page == 3) throw new FileNotFoundException("page " + page + " does not exist");
        return "page " + page;
    }

    static void exceptions() throws Exception {
        Tutorial.say("download(page) waits 50 ms and returns the page, except page 3, for which it throws "
                + "FileNotFoundException.");
        var prediction = Tutorial.predict("a task on a pool throws, and nobody calls get(). What do you see?",
                "a stack trace", "the lesson crashes", "nothing at all");

        // The broken version first: submit, and never look at the Future.
        Tutorial.code("""
                try (var executor = Executors.newFixedThreadPool(2)) {
                    Future<String> forgotten = executor.submit(() -> download(3));
                }                                      // nobody calls forgotten.get()""");
        Future<String> forgotten;
        try (var executor = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("pool-", 1).factory())) {
            forgotten = executor.submit(() -> download(3));
        }
        prediction.reveal(forgotten.state() == Future.State.FAILED ? 2 : 0);
        Tutorial.say("Nothing was printed: the pool caught the exception and put it in the Future, where it "
                + "waits for a get() that never comes. Asked directly, the Future knows:");
        Tutorial.show("forgotten.state() = " + forgotten.state());
        Tutorial.show("forgotten.exceptionNow() = " + forgotten.exceptionNow());

        // The fix: get() every Future. It throws ExecutionException, whose cause is the task's own exception.
        var pages = new Tutorial.Timeline("four downloads, page 3 fails");
        Tutorial.say("The fix: call get() on every Future and catch ExecutionException. Its cause is the "
                + "exception the task threw. (Python's future.result() raises the task's exception itself; "
                + "Java wraps it, so that get() declares one checked exception whatever the task throws.)");
        Tutorial.code("""
                try (var executor = Executors.newFixedThreadPool(2)) {
                    for (var future : executor.invokeAll(tasks)) {   // download(1) … download(4)
                        try {
                            show(future.get());
                        } catch (ExecutionException failed) {
                            show("failed: " + failed.getCause());     // the task's own exception
                        }
                    }
                }""");
        List<Callable<String>> tasks = new ArrayList<>();
        for (int page = 1; page <= 4; page++) {
            int number = page;
            tasks.add(pages.track("page " + number, () -> download(number)));
        }
        try (var executor = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("pool-", 1).factory())) {
            for (var future : executor.invokeAll(tasks)) {
                try {
                    Tutorial.show(future.get());
                } catch (ExecutionException failed) {
                    Tutorial.show("failed: " + failed.getCause());
                }
            }
        }
        Tutorial.Timeline.print(pages);
        Tutorial.say("One failure does not stop the other tasks, and each Future answers for its own task only.");
    }

    // ── 5. ProcessPoolExecutor, carried over ──────────────────────────────────────────

    // The Python course's cpu_bound: the sum of the square roots below size. Pure computing, no waiting.
    static double cpuBound(long size) {
        double sum = 0;
        for (long i = 0; i < size; i++) sum += Math.sqrt(i);
        return sum;
    }

    // Its ex.map(cpu_bound, range(4)) on a fixed pool of the given size.
    static <T> List<T> mapOnPool(int threads, List<Callable<T>> tasks) throws Exception {
        try (var pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("pool-", 1).factory())) {
            return resultsOf(pool.invokeAll(tasks));
        }
    }

    static List<Callable<Double>> fourCpuBound(long size) {
        List<Callable<Double>> tasks = new ArrayList<>();
        for (int n = 0; n < 4; n++) tasks.add(() -> cpuBound(size));
        return tasks;
    }

    // A speed-up well short of what the cores allow usually means other programs were busy on some cores.
    static void processPoolCarriedOver() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int usable = Math.min(4, cores);
        Tutorial.say("The Python course ran cpu_bound four times with ProcessPoolExecutor().map(cpu_bound, "
                + "range(4)), because its threads take turns on one core (the GIL). Java threads have no GIL, "
                + "so the same map goes on a fixed pool of threads, one per core, as ProcessPoolExecutor() "
                + "makes one process per core:");
        Tutorial.code("""
                static double cpuBound(long size) {
                    double sum = 0;
                    for (long i = 0; i < size; i++) sum += Math.sqrt(i);
                    return sum;              // returned, so the JIT cannot skip the loop
                }

                int cores = Runtime.getRuntime().availableProcessors();
                try (var pool = Executors.newFixedThreadPool(cores)) {
                    return resultsOf(pool.invokeAll(fourCpuBound(size)));
                }""");
        Tutorial.say("Java sees " + Tutorial.highlight(cores + " cores") + " here; four tasks can use at most "
                + usable + " of them.");
        var prediction = Tutorial.predict("the four tasks on a pool of " + cores + " threads instead of 1 will be…",
                "about as fast (as Python threads would be)", "about " + usable + "× faster",
                "far more than " + usable + "× faster");

        // Size each task to about 250 ms on one core; the trial runs also let the JIT compile cpuBound first.
        long size = Tutorial.sizeFor(Duration.ofMillis(250), lesson04::cpuBound);
        Tutorial.say("size = %,d, so that each task needs about 250 ms on one core. Both pools run three times, "
                .formatted(size) + "taking turns, and each keeps its median.");
        var oneThread = new Tutorial.Timeline("pool of 1");
        var allCores = new Tutorial.Timeline("pool of " + cores);
        var onOne = oneThread.trackEach("task", fourCpuBound(size));
        var onCores = allCores.trackEach("task", fourCpuBound(size));
        Duration[] median = Tutorial.medians("4 tasks on 1 thread and on " + cores, 3,
                () -> mapOnPool(1, onOne), () -> mapOnPool(cores, onCores));
        double speedUp = (double) median[0].toNanos() / median[1].toNanos();
        Tutorial.table(List.of("4 × cpuBound(%,d)".formatted(size), "median of 3"), List.of(
                List.of("fixed pool of 1 thread", Tutorial.seconds(median[0])),
                List.of("fixed pool of " + cores + " threads (cores)", Tutorial.seconds(median[1])),
                List.of("speed-up", Tutorial.highlight("%.2f×".formatted(speedUp)) + " of " + usable + "× at most")));
        prediction.reveal(speedUp < 1.25 ? 0 : speedUp <= usable * 1.15 ? 1 : 2);
        Tutorial.noteIfCoresWereBusy("the speed-up", speedUp, usable);
        Tutorial.say("The last of the three runs of each:");
        Tutorial.Timeline.print(oneThread, allCores);
        Tutorial.say("What Python needs processes for, a Java thread pool does, and without a process pool's "
                + "costs: no processes to start, and no pickling of arguments and results, because the tasks "
                + "share the heap.");
    }

    // ── 6. Sizing a pool ──────────────────────────────────────────────────────────────

    static void poolSizing() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int tasks = Math.max(8, 2 * cores);

        // Two jobs of the same shape: tasks that each wait, and tasks that each compute, 400 ms of either in all.
        Duration share = Duration.ofMillis(400).dividedBy(tasks);
        List<Callable<Void>> waits = new ArrayList<>();
        for (int i = 0; i < tasks; i++) waits.add(() -> { Thread.sleep(share); return null; });
        long size = Tutorial.sizeFor(share, lesson04::cpuBound);
        List<Callable<Double>> sums = new ArrayList<>();
        for (int i = 0; i < tasks; i++) sums.add(() -> cpuBound(size));

        Tutorial.say(("Two jobs of %d tasks: in one each task waits %s, in the other each computes for about "
                + "%s. Both run on fixed pools of 1, %d (the cores) and %d (one thread per task):")
                .formatted(tasks, Tutorial.seconds(share), Tutorial.seconds(share), cores, tasks));
        Tutorial.code("""
                try (var pool = Executors.newFixedThreadPool(threads)) {
                    return resultsOf(pool.invokeAll(tasks));
                }""");
        Duration[] waiting = Tutorial.medians("timing the waiting job", 3,
                () -> mapOnPool(1, waits), () -> mapOnPool(cores, waits), () -> mapOnPool(tasks, waits));

        // The computing job is tracked, to draw how the cores were shared.
        var coresLine = new Tutorial.Timeline("computing on a pool of " + cores);
        var perTaskLine = new Tutorial.Timeline("computing on a pool of " + tasks);
        var onCores = coresLine.trackEach("task", sums);
        var perTask = perTaskLine.trackEach("task", sums);
        Duration[] computing = Tutorial.medians("timing the computing job", 3,
                () -> mapOnPool(1, sums), () -> mapOnPool(cores, onCores), () -> mapOnPool(tasks, perTask));

        List<String> waitingRow = new ArrayList<>(List.of("waiting"));
        waitingRow.addAll(Tutorial.markFastest(waiting));
        List<String> computingRow = new ArrayList<>(List.of("computing"));
        computingRow.addAll(Tutorial.markFastest(computing));
        Tutorial.table(List.of(tasks + " tasks, median of 3", "pool of 1", "pool of " + cores + " (cores)",
                "pool of " + tasks + " (per task)"), List.of(waitingRow, computingRow));
        Tutorial.say(Tutorial.highlight("✓") + " marks the fastest pool in each row, and any within 30% of it.");
        Tutorial.noteIfCoresWereBusy("the computing job's speed-up on a pool of " + cores,
                (double) computing[0].toNanos() / computing[1].toNanos(), cores);

        Tutorial.say("Waiting: every extra thread overlaps one more wait, so the pool with a thread per task wins; "
                + "a waiting thread needs no core. Computing: past the cores, extra threads only take turns on "
                + "them, each running slower, as the second picture shows (the last run of each):");
        Tutorial.Timeline.print(coresLine, perTaskLine);
        Tutorial.varies("how the threads share the cores is up to the operating system's scheduler.");
        Tutorial.say("So: a pool for computing gets about as many threads as cores, "
                + "Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors()). A pool for tasks "
                + "that mostly wait needs roughly cores × (1 + waiting time / computing time) threads; or skip "
                + "the arithmetic and use newVirtualThreadPerTaskExecutor(), which needs no size at all.");
    }
}
