///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES Tutorial.java

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lesson 9: choosing a model. The same jobs run one after another, on platform threads, on virtual threads,
 * on an event loop and in child processes, and the lesson fills in "when to use what" from what it measured.
 * Run it with ./jbang lessons/lesson09.java (add --help to see the options).
 */
public class lesson09 {

    public static void main(String[] args) throws Exception {
        // Relaunched as a child process (see inProcesses): do the work asked for, and nothing else.
        if (args.length > 1 && args[0].equals(WORKER)) {
            worker(args);
            return;
        }
        Tutorial.run(args, "Lesson 9 · Choosing a model: the right tool for the job, measured on your machine",
                "Next: ./jbang grade ex09 (the right model for the job: a download-then-hash pipeline), "
                        + "and that is the course: ./jbang grade --all",
                new Tutorial.Section("Five ways to run the same job",
                        "A concurrency model is how a program runs its tasks: one after another, on threads, "
                                + "as callbacks on an event loop, or in separate processes.",
                        lesson09::fiveWays),
                new Tutorial.Section("Many connections: a thread each, or one event loop",
                        "A virtual thread that waits holds no operating-system thread, so plain blocking code "
                                + "scales to thousands of connections the way an event loop does.",
                        lesson09::manyConnections),
                new Tutorial.Section("Computing on the event loop stalls everyone",
                        "An event loop runs one callback at a time, so a long computation on it delays every "
                                + "other connection it serves.",
                        lesson09::computingOnTheLoop),
                new Tutorial.Section("Processes: for isolation, not for speed",
                        "A process is a separate program with its own memory: a crash in it cannot harm the "
                                + "parent, at the price of starting a JVM and passing data in and out.",
                        lesson09::processes),
                new Tutorial.Section("When to use what, measured",
                        "The right model depends on what the tasks spend their time on (waiting, computing or "
                                + "both) and on how many there are.",
                        lesson09::whenToUseWhat));
    }

    // ── The job: download a page, then hash it ────────────────────────────────────────

    // A workload: so many pages, each downloaded (a wait of downloadTime) and then hashed (CPU work for about
    // hashTime, which is hashRounds rounds of SHA-256 on this machine).
    record Workload(String name, int pages, Duration downloadTime, Duration hashTime, long hashRounds) {}

    // Sizes the hashing here and now, so that no timed run includes the sizing.
    static Workload workload(String name, int pages, Duration downloadTime, Duration hashTime) throws Exception {
        return new Workload(name, pages, downloadTime, hashTime, hashRounds(hashTime));
    }

    // The page's content: 4 KiB that depend only on the page number, so every model computes the same hashes.
    static byte[] content(int page) {
        byte[] bytes = new byte[4096];
        new SplittableRandom(page).nextBytes(bytes);
        return bytes;
    }

    // Downloading blocks its thread: Thread.sleep stands in for the network.
    static byte[] download(int page, Duration wait) throws InterruptedException {
        Thread.sleep(wait);
        return content(page);
    }

    // Hashing is pure CPU work: SHA-256 over the page, fed in `rounds` times.
    static String hash(byte[] content, long rounds) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (long round = 0; round < rounds; round++) sha256.update(content);
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException everyJdkHasSha256) {
            throw new IllegalStateException(everyJdkHasSha256);
        }
    }

    // Hash rounds per millisecond on this machine, measured on first use. Sizing runs hash() a lot, which
    // gets the JIT to compile it, so the rate rises from pass to pass: measure until it stops rising.
    // Only the main thread sizes jobs, so this plain field needs no synchronisation.
    private static long hashRoundsPerMilli;

    static long hashRounds(Duration hashTime) throws Exception {
        if (hashTime.isZero()) return 1;
        if (hashRoundsPerMilli == 0) {
            long previous;
            do {
                previous = hashRoundsPerMilli;
                long rate = Tutorial.sizeFor(Duration.ofMillis(50), rounds -> hash(content(0), rounds)) / 50;
                hashRoundsPerMilli = Math.max(previous, Math.max(1, rate));
            } while (hashRoundsPerMilli > previous * 1.2);
        }
        return Math.max(1, hashRoundsPerMilli * hashTime.toNanos() / 1_000_000);
    }

    // The workload as blocking tasks, one per page, for the thread-based ways to run.
    static List<Callable<String>> jobs(Workload work) {
        List<Callable<String>> jobs = new ArrayList<>();
        for (int page = 1; page <= work.pages(); page++) {
            int number = page;
            jobs.add(() -> hash(download(number, work.downloadTime()), work.hashRounds()));
        }
        return jobs;
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    // ── Five ways to run it ───────────────────────────────────────────────────────────

    // 1. One after another: each call returns only when its task is done.
    static <T> List<T> oneAfterAnother(List<Callable<T>> tasks) throws Exception {
        List<T> results = new ArrayList<>();
        for (var task : tasks) results.add(task.call());
        return results;
    }

    // 2. Platform threads: an operating-system thread per task. Capped, because each one costs the OS memory
    //    and a slot in its limits: past the cap, tasks queue for a free thread.
    static final int MAX_PLATFORM_THREADS = 2_000;

    static <T> List<T> onPlatformThreads(List<Callable<T>> tasks) throws Exception {
        int threads = Math.min(tasks.size(), MAX_PLATFORM_THREADS);
        try (var executor = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("platform-", 1).factory())) {
            return resultsOf(executor.invokeAll(tasks));
        }
    }

    // 3. Virtual threads: a thread per task, managed by the JVM; while one waits, it holds no OS thread.
    static <T> List<T> onVirtualThreads(List<Callable<T>> tasks) throws Exception {
        try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("virtual-", 1).factory())) {
            return resultsOf(executor.invokeAll(tasks));
        }
    }

    static <T> List<T> resultsOf(List<Future<T>> futures) throws Exception {
        List<T> results = new ArrayList<>();
        for (var future : futures) results.add(future.get());
        return results;
    }

    // 4. An event loop: one thread running short callbacks one at a time, like asyncio's loop. Nothing waits on
    //    it: a download is a timer, and when the timer fires the page is hashed on the loop.
    static ExecutorService eventLoop() {
        return Executors.newSingleThreadExecutor(Thread.ofPlatform().name("event-loop").factory());
    }

    static CompletableFuture<String> downloadThenHashAsync(int page, Duration wait, long rounds, Executor loop,
            Tutorial.Timeline timeline) {
        Executor afterTheWait = CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS, loop);
        return CompletableFuture.supplyAsync(() -> content(page), afterTheWait)
                .thenApplyAsync(content -> tracked(timeline, "page " + page, () -> hash(content, rounds)), loop);
    }

    static List<String> onEventLoop(Workload work, Tutorial.Timeline timeline) throws Exception {
        try (var loop = eventLoop()) {
            // Like asyncio.gather run on the loop: start every download, then collect the hashes as they arrive.
            Callable<List<CompletableFuture<String>>> startAll = timeline.track("start", () -> {
                List<CompletableFuture<String>> pages = new ArrayList<>();
                for (int page = 1; page <= work.pages(); page++) {
                    pages.add(downloadThenHashAsync(page, work.downloadTime(), work.hashRounds(), loop, timeline));
                }
                return pages;
            });
            List<String> hashes = new ArrayList<>();
            for (var page : loop.submit(startAll).get()) hashes.add(page.get());
            return hashes;
        }
    }

    // A CompletableFuture stage may not throw checked exceptions, so a tracked step rethrows them unchecked.
    static <T> T tracked(Tutorial.Timeline timeline, String label, Callable<T> step) {
        try {
            return timeline.track(label, step).call();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    // 5. Processes: this lesson relaunched as child JVMs, one per core, each doing its share of the pages one
    //    after another, like Python's ProcessPoolExecutor. A virtual thread in this JVM waits for each child.
    static List<String> inProcesses(Workload work, Tutorial.Timeline timeline) throws Exception {
        int workers = Math.min(cores(), work.pages());
        List<Callable<List<String>>> children = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int first = 1 + work.pages() * w / workers, last = work.pages() * (w + 1) / workers;
            children.add(timeline.track("process " + (w + 1),
                    () -> hashInChild(work.downloadTime(), work.hashRounds(), first, last)));
        }
        try (var watchers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("watcher-", 1).factory())) {
            List<String> hashes = new ArrayList<>();
            for (var share : resultsOf(watchers.invokeAll(children))) hashes.addAll(share);
            return hashes;
        }
    }

    // The child gets its share as arguments and answers with one hash per line on its standard output.
    static List<String> hashInChild(Duration wait, long rounds, int first, int last) throws Exception {
        Process child = workerCommand(List.of(), "pages", "" + wait.toMillis(), "" + rounds, "" + first, "" + last)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int exitCode = finish(child);
        if (exitCode != 0) throw new IllegalStateException("worker " + child.pid() + " exited with " + exitCode);
        return child.inputReader().lines().toList();
    }

    // The command that starts this lesson again in a new JVM: same java, same class path.
    static ProcessBuilder workerCommand(List<String> jvmOptions, String... workerArgs) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), lesson09.class.getName(), WORKER));
        command.addAll(List.of(workerArgs));
        return new ProcessBuilder(command);
    }

    // Waits a minute at most, so a stuck child cannot hang the lesson, and never leaves a child running.
    // A child's answer is a few lines, which the pipe holds until they are read.
    static int finish(Process child) throws Exception {
        try {
            if (!child.waitFor(1, TimeUnit.MINUTES)) throw new TimeoutException("worker " + child.pid() + " hung");
            return child.exitValue();
        } finally {
            if (child.isAlive()) child.destroyForcibly();
        }
    }

    // A child JVM can run this lesson only if the class path holds it as a compiled class: true under JBang,
    // false under the JDK's source launcher (java lesson09.java), which compiles it in memory.
    static boolean canStartWorkers() {
        return ClassLoader.getSystemResource(lesson09.class.getName() + ".class") != null;
    }

    static final String WORKER = "--worker";

    // What a child process does: hash its pages, or (section 4) leak memory until it runs out.
    static void worker(String[] args) throws Exception {
        switch (args[1]) {
            case "pages" -> {
                Duration wait = Duration.ofMillis(Long.parseLong(args[2]));
                long rounds = Long.parseLong(args[3]);
                int first = Integer.parseInt(args[4]), last = Integer.parseInt(args[5]);
                for (int page = first; page <= last; page++) System.out.println(hash(download(page, wait), rounds));
            }
            case "leak" -> {
                List<byte[]> leaked = new ArrayList<>();
                while (true) leaked.add(new byte[1 << 20]);
            }
            default -> throw new IllegalArgumentException("unknown worker job: " + args[1]);
        }
    }

    static void sayProcessesNeedJBang() {
        Tutorial.say("Processes are left out here: the JDK's source launcher compiled this lesson in memory, "
                + "so a child JVM could not find it. Run it with ./jbang lessons/lesson09.java to see them.");
    }

    // ── 1. Five ways ──────────────────────────────────────────────────────────────────

    static void fiveWays() throws Exception {
        var work = workload("download then hash", 4, Duration.ofMillis(50), Duration.ofMillis(40));
        Tutorial.say("The job of this lesson, and of exercise 9: download a page (a 50 ms wait), then hash it "
                + "(about 40 ms of SHA-256 on one core). Here are 4 pages, run five ways.");
        Tutorial.code("""
                static byte[] download(int page, Duration wait) throws InterruptedException {
                    Thread.sleep(wait);                         // stands in for the network
                    return content(page);
                }
                jobs.add(() -> hash(download(number, work.downloadTime()), work.hashRounds()));""");

        Tutorial.say("1. One after another, 2. on platform threads (now at most 2,000), 3. on virtual threads: "
                + "lesson 1's runners.");
        Tutorial.code("""
                for (var task : tasks) results.add(task.call());                 // 1
                Executors.newFixedThreadPool(threads, Thread.ofPlatform()...)    // 2
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual()...)        // 3""");
        var sequential = new Tutorial.Timeline("1. one after another");
        var platform = new Tutorial.Timeline("2. platform threads");
        var virtual = new Tutorial.Timeline("3. virtual threads");
        List<String> expected = oneAfterAnother(sequential.trackEach("page", jobs(work)));
        List<List<String>> others = new ArrayList<>();
        others.add(onPlatformThreads(platform.trackEach("page", jobs(work))));
        others.add(onVirtualThreads(virtual.trackEach("page", jobs(work))));

        Tutorial.say("4. On an event loop: one thread, like asyncio's. A download is a timer, not a waiting "
                + "thread; when it fires, the loop hashes the page. CompletableFuture chains the two steps.");
        Tutorial.code("""
                Executor afterTheWait = CompletableFuture.delayedExecutor(wait.toNanos(), NANOSECONDS, loop);
                return CompletableFuture.supplyAsync(() -> content(page), afterTheWait)
                        .thenApplyAsync(content -> hash(content, rounds), loop);""");
        var loop = new Tutorial.Timeline("4. event loop");
        others.add(onEventLoop(work, loop));
        var processes = new Tutorial.Timeline("5. processes (drawn to its own scale)");
        if (canStartWorkers()) {
            Tutorial.say("5. In processes: this lesson started again as " + Math.min(cores(), work.pages())
                    + " child JVMs, one per core, each given its share of the pages, answering on its output. "
                    + "Here, a virtual thread (watcher-1, …) waits for each child.");
            Tutorial.code("""
                    new ProcessBuilder(ProcessHandle.current().info().command().get(),
                            "-cp", System.getProperty("java.class.path"), "lesson09", "--worker", ...)
                    ...
                    return child.inputReader().lines().toList();     // one hash per line""");
            others.add(inProcesses(work, processes));
        } else {
            sayProcessesNeedJBang();
        }

        boolean allAgree = others.stream().allMatch(expected::equals);
        Tutorial.say("Every way computed the same " + work.pages() + " hashes: "
                + (allAgree ? Tutorial.highlight("yes") : "NO, which is a bug") + " (page 1's begins "
                + expected.get(0).substring(0, 12) + "). Who ran what when, and on which thread:");
        Tutorial.Timeline.print(sequential, platform, virtual, loop);
        if (canStartWorkers()) Tutorial.Timeline.print(processes);
        Tutorial.varies("the times, and the order in which overlapping pages finish.");
        Tutorial.say("Threads overlap the waits and hash on all cores at once. The loop overlaps the waits too, "
                + "but hashes on its one thread, one page after another. Each child process starts a JVM first, "
                + "then works through its share one page at a time.");
    }

    // ── 2. Many connections ───────────────────────────────────────────────────────────

    // Tracks one task in every `every`, so that a picture of thousands of tasks stays a few rows tall.
    static <T> List<Callable<T>> trackEvery(int every, Tutorial.Timeline timeline, String label,
            List<Callable<T>> tasks) {
        List<Callable<T>> tracked = new ArrayList<>(tasks);
        for (int i = 0; i < tasks.size(); i += every) {
            tracked.set(i, timeline.track(label + " " + (i + 1), tasks.get(i)));
        }
        return tracked;
    }

    static void manyConnections() throws Exception {
        var connections = workload("many connections", 2_000, Duration.ofMillis(100), Duration.ZERO);
        int before = ManagementFactory.getThreadMXBean().getThreadCount();
        Tutorial.say("A chat server holds many connections that mostly wait. Here: %,d connections, each waiting "
                .formatted(connections.pages()) + "100 ms for a message, run by the same jobs() as before. "
                + "Java counts OS threads only, and this JVM runs " + before + " already (JIT compiler, garbage "
                + "collector, carriers for virtual threads, …).");
        var prediction = Tutorial.predict("%,d virtual threads are all asleep at once. How many more OS threads "
                .formatted(connections.pages()) + "do they need?",
                "about %,d, one each".formatted(connections.pages()),
                "a handful, about one per core (" + cores() + " cores): they wait without one");

        // One run of each, platform threads last, so that none of their 2,000 threads is still exiting
        // when another run counts its own.
        var virtual = new Tutorial.Timeline("virtual threads (every 200th connection)");
        var platform = new Tutorial.Timeline("platform threads (every 200th connection)");
        Run onVirtual, onLoop, onPlatform;
        try (var progress = new Tutorial.Progress("%,d connections, three ways".formatted(connections.pages()), 3)) {
            onVirtual = measure(() -> onVirtualThreads(trackEvery(200, virtual, "conn", jobs(connections))));
            progress.step();
            onLoop = measure(() -> onEventLoop(connections, new Tutorial.Timeline("not drawn")));
            progress.step();
            onPlatform = measure(() -> onPlatformThreads(trackEvery(200, platform, "conn", jobs(connections))));
            progress.step();
        }
        Tutorial.table(List.of("%,d × 100 ms wait".formatted(connections.pages()), "took", "OS threads added"),
                List.of(row("virtual threads", onVirtual), row("event loop", onLoop),
                        row("platform threads", onPlatform)));
        prediction.reveal(onVirtual.threadsAdded() > connections.pages() / 2 ? 0 : 1);
        Tutorial.varies("the times (one run each; section 5 takes the median of three) and, by a few, the "
                + "thread counts: the JVM starts and retires helper threads on its own.");
        Tutorial.say("Drawn for one connection in every 200:");
        Tutorial.Timeline.print(virtual, platform);
        Tutorial.say("Platform threads work, but each is an OS thread that must be created, scheduled and given a "
                + "stack: starting %,d of them shows up as the stagger above. ".formatted(connections.pages())
                + "Virtual threads park while they wait, on a few carrier threads, and keep up with the event "
                + "loop while the code stays plain blocking calls: no callbacks, no async/await. That is Java's "
                + "answer to asyncio.");
    }

    // One run, timed, and how many OS threads it added: the most alive at any moment, less those before.
    record Run(Duration took, int threadsAdded) {}

    static Run measure(Callable<?> work) throws Exception {
        var osThreads = ManagementFactory.getThreadMXBean();
        int before = osThreads.getThreadCount();
        osThreads.resetPeakThreadCount();
        Duration took = Tutorial.time(work);
        return new Run(took, Math.max(0, osThreads.getPeakThreadCount() - before));
    }

    static List<String> row(String way, Run run) {
        return List.of(way, Tutorial.seconds(run.took()), "%,d".formatted(run.threadsAdded()));
    }

    // ── 3. Computing on the event loop ────────────────────────────────────────────────

    // A chat message is due on the loop in 20 ms, and a page to hash (about 300 ms) arrives at the same moment.
    // Returns how late the message went out.
    static Duration messageDelay(Executor hashOn, Executor loop, long rounds, Tutorial.Timeline timeline)
            throws Exception {
        long due = System.nanoTime() + MESSAGE_DUE.toNanos();
        var sent = CompletableFuture.supplyAsync(() -> tracked(timeline, "send message", System::nanoTime),
                CompletableFuture.delayedExecutor(MESSAGE_DUE.toNanos(), TimeUnit.NANOSECONDS, loop));
        var hashed = CompletableFuture.supplyAsync(
                () -> tracked(timeline, "hash page", () -> hash(content(1), rounds)), hashOn);
        hashed.get();
        return Duration.ofNanos(sent.get() - due);
    }

    static final Duration MESSAGE_DUE = Duration.ofMillis(20);

    static void computingOnTheLoop() throws Exception {
        long rounds = hashRounds(Duration.ofMillis(300));
        Tutorial.say("A chat message is due in 20 ms on the event loop; at the same moment a page arrives "
                + "that takes about 300 ms to hash on an idle core.");

        // The broken version: the hash runs on the loop, so the message's callback waits behind it.
        Tutorial.code("""
                var sent = CompletableFuture.supplyAsync(() -> System.nanoTime(),
                        CompletableFuture.delayedExecutor(20, MILLISECONDS, loop));
                var hashed = CompletableFuture.supplyAsync(() -> hash(content, rounds), loop);""");
        var prediction = Tutorial.predict("with the hash on the loop, the message goes out…",
                "on time", "late, by about as long as the hash takes", "never");
        var onTheLoop = new Tutorial.Timeline("hash on the loop");
        Duration late;
        try (var loop = eventLoop()) {
            late = messageDelay(loop, loop, rounds, onTheLoop);
        }
        Tutorial.say("The message went out " + Tutorial.highlight(Tutorial.seconds(late)) + " late.");
        prediction.reveal(late.toMillis() < 100 ? 0 : 1);

        // The fix: the loop hands CPU work to a pool sized to the cores and stays free for its connections.
        Tutorial.say("The fix: hand CPU work to a pool sized to the cores, so the loop stays free.");
        Tutorial.code("var hashed = CompletableFuture.supplyAsync(() -> hash(content, rounds), cpuPool);");
        var offTheLoop = new Tutorial.Timeline("hash on a pool");
        try (var loop = eventLoop();
                var cpuPool = Executors.newFixedThreadPool(cores(), Thread.ofPlatform().name("cpu-", 1).factory())) {
            late = messageDelay(cpuPool, loop, rounds, offTheLoop);
        }
        Tutorial.say("Now it went out " + Tutorial.highlight(Tutorial.seconds(late)) + " late.");
        Tutorial.varies("the exact delays, by a few milliseconds.");
        Tutorial.Timeline.print(onTheLoop, offTheLoop);
        Tutorial.say("This is why Python's table keeps the event loop for realtime work and never for CPU work. "
                + "Platform threads don't stall like this: the OS shares the cores among them. A virtual thread "
                + "keeps its carrier until it blocks, so long computations belong on a pool sized to the cores "
                + "there too.");
    }

    // ── 4. Processes ──────────────────────────────────────────────────────────────────

    // Starts `count` threads that do nothing, and waits for them all.
    static Void startAndJoin(int count, Thread.Builder builder) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) threads.add(builder.start(() -> {}));
        for (var thread : threads) thread.join();
        return null;
    }

    static void processes() throws Exception {
        if (!canStartWorkers()) {
            sayProcessesNeedJBang();
            return;
        }
        Tutorial.say("What does a process cost? Start one JVM that does nothing, against 1,000 threads:");
        Tutorial.code("""
                Process child = new ProcessBuilder(java, "-cp", classPath, "lesson09", "--worker", ...).start();
                child.waitFor(1, MINUTES);""");
        // A child given no pages: all it does is start a JVM and exit.
        Duration[] start = Tutorial.medians("starting a JVM, and 1,000 threads of each kind", 3,
                () -> hashInChild(Duration.ZERO, 1, 1, 0),
                () -> startAndJoin(1_000, Thread.ofPlatform()),
                () -> startAndJoin(1_000, Thread.ofVirtual()));
        Tutorial.table(List.of("start, then finish", "median of 3"), List.of(
                List.of("1 JVM process", Tutorial.seconds(start[0])),
                List.of("1,000 platform threads", Tutorial.seconds(start[1])),
                List.of("1,000 virtual threads", Tutorial.seconds(start[2]))));
        Tutorial.say("One JVM costs as much as about " + Tutorial.highlight("%,d platform threads".formatted(
                Math.round(1_000.0 * start[0].toNanos() / start[1].toNanos()))) + ", before it has done any work. "
                + "Its JIT starts cold too, and every input and answer must be copied through a pipe.");

        // What a process buys: a child that leaks memory until its heap is full dies alone.
        Tutorial.say("What it buys: isolation. This child leaks memory in a 32 MB heap until it runs out:");
        Tutorial.code("""
                List<byte[]> leaked = new ArrayList<>();
                while (true) leaked.add(new byte[1 << 20]);""");
        Process leaky = workerCommand(List.of("-Xmx32m"), "leak").start();
        int exitCode = finish(leaky);
        String firstError = leaky.errorReader().lines().findFirst().orElse("(nothing on stderr)");
        Tutorial.show("child exited with " + exitCode + ": " + firstError);
        Tutorial.say("The child is gone and this JVM carries on, its heap untouched. Threads share one heap: "
                + "the same leak in a thread would starve every other thread in the program. That is what "
                + "processes are for in Java: isolation (a crash, a leak, native code, different JVM options, "
                + "a different user). Speed on many cores, threads already give.");
    }

    // ── 5. When to use what ───────────────────────────────────────────────────────────

    // A way to run a workload, returning the pages' hashes in page order.
    interface Runner {
        List<String> run(Workload work) throws Exception;
    }

    record Way(String name, Runner runner) {}

    static final List<Way> WAYS = List.of(
            new Way("sync", work -> oneAfterAnother(jobs(work))),
            new Way("platform", work -> onPlatformThreads(jobs(work))),
            new Way("virtual", work -> onVirtualThreads(jobs(work))),
            new Way("async", work -> onEventLoop(work, new Tutorial.Timeline("not drawn"))),
            new Way("processes", work -> inProcesses(work, new Tutorial.Timeline("not drawn"))));

    // What a way would need, by arithmetic: one after another adds up every page; each process its share.
    static Duration estimate(Way way, Workload work) {
        Duration perPage = work.downloadTime().plus(work.hashTime());
        return switch (way.name()) {
            case "sync" -> perPage.multipliedBy(work.pages());
            case "processes" -> perPage.multipliedBy(Math.ceilDiv(work.pages(), Math.min(cores(), work.pages())));
            default -> perPage;
        };
    }

    static final Duration LONGEST_RUN = Duration.ofSeconds(2);

    // A row of the verdict table: Python's row from the original course, and the Java workload that matches it.
    record Row(String name, List<String> python, Workload work) {}

    // Python's words for a measured row: of the ways within 30% of the fastest, the simplest is "Better" and the
    // others "yes"; the rest "No". Simplest first: sync, threads (the faster kind), async, processes.
    static List<String> verdicts(Duration[] time) {
        Duration[] byColumn = {time[0], fasterOf(time[1], time[2]), time[3], time[4]};
        long fastest = Arrays.stream(byColumn).filter(t -> t != null).mapToLong(Duration::toNanos).min()
                .orElseThrow();
        List<String> words = new ArrayList<>();
        boolean betterGiven = false;
        for (Duration t : byColumn) {
            boolean fine = t != null && t.toNanos() <= fastest * 1.3;
            words.add(!fine ? "No" : betterGiven ? "yes" : Tutorial.highlight("Better"));
            betterGiven |= fine;
        }
        if (!canStartWorkers()) words.set(3, "—");
        return words;
    }

    static Duration fasterOf(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static void whenToUseWhat() throws Exception {
        int cores = cores();
        var io = workload("IO-heavy", 8, Duration.ofMillis(30), Duration.ZERO);
        var cpu = workload("CPU-heavy", 4 * cores, Duration.ZERO, Duration.ofMillis(240).dividedBy(4L * cores));
        var mixed = workload("mixed", 6, Duration.ofMillis(30), Duration.ofMillis(20));
        var many = workload("many connections", 2_000, Duration.ofMillis(100), Duration.ZERO);
        var small = workload("one small job", 1, Duration.ofMillis(30), Duration.ofMillis(20));
        List<Row> rows = List.of(
                new Row("I/O heavy", List.of("No", "yes", "Better", "yes"), io),
                new Row("CPU heavy", List.of("No", "No", "No", "Better"), cpu),
                new Row("realtime (chat)", List.of("No", "No", "Better", "No"), many),
                new Row("simple scripting", List.of("Better", "No", "No", "No"), small),
                new Row("mixed", List.of("—", "—", "—", "—"), mixed));

        Tutorial.say("The Python course ends with a table of when to use what. Here is Java's, filled in by "
                + "running five workloads every way just now (each way three times, taking turns):");
        Tutorial.say("""
                IO-heavy: %d downloads of %s.
                CPU-heavy: %d hashes of %s each, no waiting.
                mixed: %d pages, each %s of download then %s of hashing.
                many connections: %,d connections, each waiting %s (realtime, like a chat server).
                one small job: one page, downloaded and hashed (a simple script)."""
                .formatted(io.pages(), Tutorial.seconds(io.downloadTime()),
                        cpu.pages(), Tutorial.seconds(cpu.hashTime()),
                        mixed.pages(), Tutorial.seconds(mixed.downloadTime()), Tutorial.seconds(mixed.hashTime()),
                        many.pages(), Tutorial.seconds(many.downloadTime())));
        var prediction = Tutorial.predict("for CPU-heavy work Python's table says processes. In Java the "
                + "fastest will be…", "processes, as in Python", "threads", "all about the same");

        Map<Workload, Duration[]> times = new HashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Row row : rows) {
            Workload work = row.work();
            // Ways that can't run here, or would take too long, are left out; the rest take turns.
            List<Way> run = new ArrayList<>();
            for (Way way : WAYS) {
                if (way.name().equals("processes") && !canStartWorkers()) continue;
                Duration needs = estimate(way, work);
                if (needs.compareTo(LONGEST_RUN) <= 0) run.add(way);
                else skipped.add("%s on %s (≈ %,d s)".formatted(way.name(), work.name(), needs.toSeconds()));
            }
            Callable<?>[] variants = run.stream().map(way -> (Callable<?>) () -> way.runner().run(work))
                    .toArray(Callable<?>[]::new);
            Duration[] measured = Tutorial.medians("timing " + work.name(), 3, variants);
            Duration[] byWay = new Duration[WAYS.size()];
            for (int i = 0; i < run.size(); i++) byWay[WAYS.indexOf(run.get(i))] = measured[i];
            times.put(work, byWay);
        }

        // The measured table: each way's median, ✓ on the fastest and any within 30% of it.
        List<String> header = new ArrayList<>(List.of("median of 3"));
        WAYS.forEach(way -> header.add(way.name()));
        List<List<String>> measuredRows = new ArrayList<>();
        for (Row row : rows) measuredRows.add(cells(row.work().name(), times.get(row.work())));
        Tutorial.table(header, measuredRows);
        if (!skipped.isEmpty()) Tutorial.say("Not run, as it would take too long: " + String.join(", ", skipped) + ".");
        if (!canStartWorkers()) sayProcessesNeedJBang();

        // The verdicts, Python's above Java's.
        Duration[] cpuTimes = times.get(cpu);
        Duration threads = fasterOf(cpuTimes[1], cpuTimes[2]);
        boolean processesRan = cpuTimes[4] != null;
        prediction.reveal(processesRan && cpuTimes[4].compareTo(threads) < 0 ? 0
                : cpuTimes[0].toNanos() > threads.toNanos() * 1.3 ? 1 : 2);
        Tutorial.say("The same words as the Python table: Better for the simplest way within 30% of the "
                + "fastest, yes for the others within 30%, No for the rest (simplest first: sync, threads, async, "
                + "processes). Realtime is the many-connections row, simple scripting the one small job.");
        List<List<String>> verdictRows = new ArrayList<>();
        for (Row row : rows) {
            verdictRows.add(withLabels(row.name(), "Python", row.python()));
            verdictRows.add(withLabels("", "Java here", verdicts(times.get(row.work()))));
        }
        Tutorial.table(List.of("when to use what", "by", "sync", "threads", "async", "processes"), verdictRows);
        Tutorial.varies("the verdicts near the 30% line can change from run to run, most of all CPU-heavy on a "
                + "busy machine.");

        double speedUp = (double) cpuTimes[0].toNanos() / threads.toNanos();
        Tutorial.say("CPU heavy: Java threads computed " + Tutorial.highlight("%.2f×".formatted(speedUp))
                + " as fast as one after another, on " + cores + " cores. There is no GIL: threads already use "
                + "every core, so the process pool Python needs here only adds a JVM start and a cold JIT"
                + (processesRan ? " (processes " + Tutorial.seconds(cpuTimes[4]) + ", threads "
                        + Tutorial.seconds(threads) + ")." : "."));
        if (cores > 1 && speedUp < 1 + 0.5 * (cores - 1)) {
            Tutorial.varies("a speed-up well short of %d× means other programs were busy on some cores; "
                    .formatted(cores) + "run the lesson again on a quiet machine.");
        }
        Duration[] manyTimes = times.get(many), smallTimes = times.get(small), mixedTimes = times.get(mixed);
        Tutorial.say("I/O heavy and realtime: Python prefers async, because its threads are costly and the GIL "
                + "lets one run at a time. For %,d connections Java's virtual threads took ".formatted(many.pages())
                + Tutorial.seconds(manyTimes[2]) + ", the event loop " + Tutorial.seconds(manyTimes[3])
                + " and platform threads " + Tutorial.seconds(manyTimes[1]) + ": virtual threads wait as cheaply "
                + "as a loop, with plain blocking code, so threads come first here. CompletableFuture stays "
                + "useful for composing steps and for APIs that are asynchronous already, such as "
                + "HttpClient.sendAsync; keep CPU work off a loop (section 3).");
        Duration[] ioTimes = times.get(io);
        if (ioTimes[4] != null) {
            Tutorial.say("Python's table says yes to processes for I/O: they do overlap waits, but only one per "
                    + "worker, after starting a JVM. The " + io.pages() + " downloads took "
                    + Tutorial.seconds(ioTimes[4]) + " in " + Math.min(cores, io.pages()) + " processes, against "
                    + Tutorial.seconds(fasterOf(ioTimes[1], ioTimes[2])) + " on threads.");
        }
        Tutorial.say("Simple scripting: the same answer in both languages. One job took "
                + Tutorial.seconds(smallTimes[0]) + " one after another, " + Tutorial.seconds(smallTimes[2])
                + " on a virtual thread and " + Tutorial.seconds(smallTimes[3]) + " on a loop: with nothing to "
                + "overlap, the simplest code wins (Python's No for threads and async there is about the extra "
                + "code, not the time)"
                + (smallTimes[4] != null ? ", and a process (" + Tutorial.seconds(smallTimes[4])
                        + ") spends most of its time starting a JVM." : "."));
        Tutorial.say("Mixed, which the Python table leaves out and exercise 9 is about: virtual threads took "
                + Tutorial.seconds(mixedTimes[2]) + ", the loop " + Tutorial.seconds(mixedTimes[3]) + " and one "
                + "after another " + Tutorial.seconds(mixedTimes[0]) + ". Threads overlap the downloads and hash "
                + "on every core at once; the loop overlaps the downloads but hashes on its one thread, unless it "
                + "hands the hashing to a pool sized to the cores.");
    }

    // A measured row: the workload's name, then each way's time (✓ on the fastest), or "—" where it did not run.
    static List<String> cells(String name, Duration[] times) {
        Duration[] measured = Arrays.stream(times).filter(t -> t != null).toArray(Duration[]::new);
        List<String> marked = Tutorial.markFastest(measured);
        List<String> cells = new ArrayList<>(List.of(name));
        int next = 0;
        for (Duration t : times) cells.add(t == null ? "—" : marked.get(next++));
        return cells;
    }

    static List<String> withLabels(String name, String by, List<String> words) {
        List<String> cells = new ArrayList<>(List.of(name, by));
        cells.addAll(words);
        return cells;
    }
}
