///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES Tutorial.java

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Lesson 5: worker processes that take jobs from a queue and send results back, next to the same with threads.
 * Run it with ./jbang lessons/lesson05.java (add --help to see the options).
 */
public class lesson05 {

    public static void main(String[] args) throws Exception {
        // Started with --worker, this program is a worker process, not the lesson (see work() below).
        if (args.length == 1 && args[0].equals("--worker")) {
            work();
            return;
        }
        try {
            Tutorial.run(args, "Lesson 5 · Processes with queues: worker JVMs, pipes and poison pills",
                    "Next: ./jbang grade ex05 (worker processes with queues) and then lesson06 (the event loop)",
                    new Tutorial.Section("Starting a worker process",
                            "A process is a running program with memory of its own: ProcessBuilder starts one, "
                                    + "and ProcessHandle names it by its pid.",
                            lesson05::startingAWorker),
                    new Tutorial.Section("A queue between threads, and the poison pill",
                            "A BlockingQueue hands jobs from producers to consumers: take() waits while it is "
                                    + "empty, so a consumer needs a poison pill to learn that no more jobs will come.",
                            lesson05::queueBetweenThreads),
                    new Tutorial.Section("A queue between processes",
                            "Processes share no memory, so jobs go to a worker down its stdin and results come "
                                    + "back up its stdout, one message a line.",
                            lesson05::queueBetweenProcesses),
                    new Tutorial.Section("When a worker crashes",
                            "A worker that dies mid-job takes only itself down: its parent sees the end of its "
                                    + "output and its exit code.",
                            lesson05::whenAWorkerCrashes),
                    new Tutorial.Section("What a process costs to start",
                            "Starting a process means starting a whole new JVM, which costs far more than "
                                    + "starting a thread inside this one.",
                            lesson05::startingCosts),
                    new Tutorial.Section("When Java needs processes",
                            "In Java a process buys isolation, not speed: its own heap, its own JVM flags, "
                                    + "and a crash that stays its own.",
                            lesson05::whenJavaNeedsProcesses));
        } finally {
            // On the way out, however the lesson ended: no worker may outlive it.
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    // ── The worker: this same program, started with --worker ──────────────────────────

    // It says "ready" with its pid, its parent's pid and its heap limit, then answers one job a line
    // until the poison pill "stop", or until its stdin ends: if the parent dies, the pipe closes and so
    // the worker exits too.
    static void work() throws IOException {
        var jobs = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        var me = ProcessHandle.current();
        reply("ready " + me.pid() + " " + me.parent().map(ProcessHandle::pid).orElse(-1L) + " " + heapLimitMb());
        for (String job; (job = jobs.readLine()) != null && !job.equals("stop"); ) {
            String[] words = job.split(" ");
            switch (words[0]) {
                case "sum" -> reply(Double.toString(sumOfRoots(Long.parseLong(words[1]), Long.parseLong(words[2]))));
                case "hold" -> reply("held " + hold(Integer.parseInt(words[1])) + " MB");
                default -> reply("unknown job: " + job);
            }
        }
    }

    // One message a line, flushed at once: the parent is waiting for it.
    static void reply(String message) {
        System.out.println(message);
        System.out.flush();
    }

    // A job that needs memory: keep `megabytes` MB on the heap at once.
    static int hold(int megabytes) {
        List<byte[]> held = new ArrayList<>();
        for (int mb = 0; mb < megabytes; mb++) held.add(new byte[1 << 20]);
        return held.size();
    }

    static long heapLimitMb() {
        return Runtime.getRuntime().maxMemory() >> 20;
    }

    // ── Starting a worker ─────────────────────────────────────────────────────────────

    // The command that starts this same program as a worker: the same java and the same classes, plus
    // --worker. JBang runs the lesson from a jar on the class path. JDK 22+'s source launcher
    // (java lesson05.java) compiles it in memory and leaves no class path, so the worker is started
    // from the source file, which it compiles again.
    static List<String> workerCommand(String... jvmFlags) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Cheap to start: class data sharing maps the JDK's classes ready-made, and the serial collector
        // starts no GC worker threads. Whatever the JVM says itself goes to stderr, so stdout carries only messages.
        // (-XX:TieredStopAtLevel=1 would start a little faster, but compute up to twice as slowly.)
        List<String> command = new ArrayList<>(List.of(java,
                "-Xshare:auto", "-XX:+UseSerialGC", "-XX:+DisplayVMOutputToStderr"));
        command.addAll(List.of(jvmFlags));
        String sourceFile = System.getProperty("jdk.launcher.sourcefile");
        if (sourceFile != null) command.add(sourceFile);
        else command.addAll(List.of("-cp", System.getProperty("java.class.path"), lesson05.class.getName()));
        command.add("--worker");
        return command;
    }

    // Under the source launcher every worker compiles the lesson before it starts, which its times include.
    static void noteIfWorkersCompiled() {
        if (System.getProperty("jdk.launcher.sourcefile") != null) {
            Tutorial.varies("this run was started as java lesson05.java, so each worker compiled the lesson "
                    + "before it started; through ./jbang a worker starts from compiled classes and costs far less.");
        }
    }

    // A worker JVM and its three pipes: jobs go down its stdin, results come up its stdout, one a line,
    // and a thread of its own collects its stderr, so that a chatty worker can never block on a full pipe.
    static final class Worker implements AutoCloseable {
        private final Process process;
        private final BufferedWriter stdin;
        private final BufferedReader stdout;
        private final StringBuilder stderr = new StringBuilder();
        private final Thread stderrReader;

        Worker(String... jvmFlags) throws IOException {
            process = new ProcessBuilder(workerCommand(jvmFlags)).start();
            stdin = process.outputWriter(UTF_8);
            stdout = process.inputReader(UTF_8);
            stderrReader = Thread.ofVirtual().start(
                    () -> process.errorReader(UTF_8).lines().forEach(line -> stderr.append(line).append('\n')));
        }

        long pid() {
            return process.pid();
        }

        void send(String message) throws IOException {
            stdin.write(message);
            stdin.newLine();
            stdin.flush();
        }

        // The worker's next message, or null at the end of its stdout: the worker has exited.
        String readLine() throws IOException {
            return stdout.readLine();
        }

        // The next message, where the end of stdout can only mean the worker died: say how.
        String expectLine() throws IOException, InterruptedException {
            String message = readLine();
            if (message == null) {
                throw new IOException("worker %d exited with code %d: %s".formatted(pid(), exitCode(), stderr()));
            }
            return message;
        }

        // Waits for the worker to exit; 0 means it ended cleanly.
        int exitCode() throws InterruptedException {
            return process.waitFor();
        }

        // What the worker wrote to stderr; waits for it to exit.
        String stderr() throws InterruptedException {
            process.waitFor();
            stderrReader.join();
            return stderr.toString().strip();
        }

        // Ends the worker: closing its stdin is its cue to exit, and one that does not exit is destroyed.
        @Override
        public void close() {
            try {
                stdin.close();
            } catch (IOException alreadyBroken) {
                // the worker has already gone, so waitFor returns at once
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
                stderrReader.join();
            } catch (InterruptedException interrupted) {
                process.destroyForcibly();              // told to hurry: wait no longer, but leave no process
                Thread.currentThread().interrupt();
            }
        }
    }

    // ── 1. Starting a worker process ──────────────────────────────────────────────────

    static void startingAWorker() throws Exception {
        var me = ProcessHandle.current();
        Tutorial.say("This lesson runs in process " + Tutorial.highlight("pid " + me.pid()) + ". To get a worker, "
                + "it starts itself again with --worker, which main checks before anything else:");
        Tutorial.code("""
                if (args.length == 1 && args[0].equals("--worker")) {    // in main
                    work();
                    return;
                }""");
        Tutorial.say("The command is this JVM's own java, its own classes, and a few flags that make a JVM "
                + "cheap to start:");
        Tutorial.code("""
                String java = ProcessHandle.current().info().command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                List<String> command = new ArrayList<>(List.of(java,
                        "-Xshare:auto", "-XX:+UseSerialGC", "-XX:+DisplayVMOutputToStderr"));
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), "lesson05", "--worker"));""");
        Tutorial.show("java:  " + workerCommand().getFirst());
        String sourceFile = System.getProperty("jdk.launcher.sourcefile");
        if (sourceFile != null) {
            Tutorial.show("source file:  " + sourceFile + "  (no class path under the source launcher)");
        } else {
            Tutorial.show("class path:  " + System.getProperty("java.class.path"));
        }

        // Start two workers. start() returns at once; each JVM boots while the next one is started.
        Tutorial.say("ProcessBuilder.start() launches the command and returns at once with a Process: its pid, "
                + "its pipes and, later, its exit code. Two workers, in try-with-resources so that neither "
                + "outlives the block:");
        Tutorial.code("""
                process = new ProcessBuilder(workerCommand()).start();      // in new Worker()

                try (var first = new Worker(); var second = new Worker()) {
                    first.expectLine();       // "ready PID PARENT-PID HEAP-MB": the worker's first message
                }""");
        try (var first = new Worker(); var second = new Worker()) {
            Tutorial.show("started pid " + first.pid() + " and pid " + second.pid() + "; this JVM now has "
                    + me.children().count() + " child processes");
            for (Worker worker : List.of(first, second)) {
                String ready = worker.expectLine();
                String[] words = ready.split(" ");
                Tutorial.show("pid %d says \"%s\": I am pid %s, my parent is pid %s"
                        .formatted(worker.pid(), ready, words[1], words[2]));
            }
        }
        Tutorial.show("after the block: " + me.children().count() + " child processes");
        Tutorial.varies("the pids: the operating system hands out a new one for every process.");
        Tutorial.say("Each worker's ProcessHandle.current().pid() matches the pid the parent got from "
                + "Process.pid(), and its parent is this JVM. It is like Python's multiprocessing with the spawn "
                + "start method: the child is a fresh program that starts from main, not a forked copy of the "
                + "parent, so it shares nothing with it but the pipes.");
    }

    // ── 2. A queue between threads ────────────────────────────────────────────────────

    // A job: the sum of √from … √(to−1), slice `number` of a bigger sum.
    record Slice(int number, long from, long to) {
        // The poison pill: not a job but the message "no more jobs". Checked by identity (==).
        static final Slice POISON = new Slice(0, 0, 0);
    }

    // A job's result, and who computed it.
    record Sum(int slice, double value, String by) {}

    // A task that never waits: √from + … + √(to−1), the job of lesson 1.
    static double sumOfRoots(long from, long to) {
        double sum = 0;
        for (long i = from; i < to; i++) sum += Math.sqrt(i);
        return sum;
    }

    // Four slices per core, each about 60 ms on one core (sizeFor also warms up the JIT).
    static List<Slice> slices(int cores) throws Exception {
        int count = 4 * cores;
        long n = count * Tutorial.sizeFor(Duration.ofMillis(60), size -> sumOfRoots(0, size));
        List<Slice> slices = new ArrayList<>();
        for (int k = 0; k < count; k++) slices.add(new Slice(k + 1, n * k / count, n * (k + 1) / count));
        return slices;
    }

    // The producer: every job, then one pill per consumer, since each consumer swallows exactly one.
    static void produce(List<Slice> slices, int consumers, BlockingQueue<Slice> jobs) throws InterruptedException {
        for (Slice slice : slices) jobs.put(slice);
        for (int i = 0; i < consumers; i++) jobs.put(Slice.POISON);
    }

    // A consumer: take a job, put its result, until the pill.
    static void consume(BlockingQueue<Slice> jobs, BlockingQueue<Sum> results, Tutorial.Timeline timeline)
            throws Exception {
        while (true) {
            Slice job = jobs.take();                        // waits while the queue is empty
            if (job == Slice.POISON) return;                // the pill: no more jobs will come
            double value = timeline.track("slice " + job.number(), () -> sumOfRoots(job.from(), job.to())).call();
            results.put(new Sum(job.number(), value, Thread.currentThread().getName()));
        }
    }

    // The broken version: the producer puts every job but no pill. take() waits for a job that never
    // comes, so the consumers are started as bare threads that the lesson can give up on and interrupt;
    // an executor's close() would wait for them for ever.
    static boolean withoutPoisonPill(List<Slice> slices, int consumers, Tutorial.Timeline timeline) throws Exception {
        BlockingQueue<Slice> jobs = new LinkedBlockingQueue<>();
        BlockingQueue<Sum> results = new LinkedBlockingQueue<>();
        List<Thread> threads = new ArrayList<>();
        var builder = Thread.ofPlatform().name("consumer-", 1);
        for (int k = 1; k <= consumers; k++) {
            Callable<Void> consumer = timeline.track("consumer " + k + " runs", () -> consume(jobs, results, timeline));
            threads.add(builder.start(() -> {
                try {
                    consumer.call();
                } catch (Exception interrupted) {
                    // interrupted below, and so it ends
                }
            }));
        }
        try {
            for (Slice slice : slices) jobs.put(slice);     // every job, and no pill
            for (Slice ignored : slices) results.take();    // every result is back
            boolean ended = threads.getFirst().join(Duration.ofSeconds(1));
            for (Thread thread : threads) Tutorial.show(thread.getName() + " one second later: " + thread.getState());
            return ended;
        } finally {
            for (Thread thread : threads) thread.interrupt();   // without a pill, the only way out of take()
            for (Thread thread : threads) thread.join();
        }
    }

    // The fix: the same consumers with pills, in an executor whose close() waits for all of them.
    static List<Sum> onThreads(List<Slice> slices, int consumers, Tutorial.Timeline timeline) throws Exception {
        BlockingQueue<Slice> jobs = new LinkedBlockingQueue<>();
        BlockingQueue<Sum> results = new LinkedBlockingQueue<>();
        List<Future<Void>> tasks = new ArrayList<>();
        try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("consumer-", 1).factory())) {
            for (int k = 1; k <= consumers; k++) {
                tasks.add(executor.submit(timeline.track("consumer " + k + " runs",
                        () -> consume(jobs, results, timeline))));
            }
            produce(slices, consumers, jobs);               // this thread is the producer
        }
        for (var task : tasks) task.get();                  // rethrows what a consumer threw, if any
        return inOrder(results);
    }

    // The results in slice order, so that every way of computing them adds them up in the same order.
    static List<Sum> inOrder(BlockingQueue<Sum> results) {
        return results.stream().sorted(Comparator.comparingInt(Sum::slice)).toList();
    }

    static double total(List<Sum> sums) {
        return sums.stream().mapToDouble(Sum::value).sum();
    }

    static void showSums(List<Sum> sums) {
        for (Sum sum : sums) Tutorial.show("slice %d = %.6e   by %s".formatted(sum.slice(), sum.value(), sum.by()));
    }

    static void queueBetweenThreads() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Slice> slices = slices(cores);
        Tutorial.say("The producer puts %d jobs, slices of lesson 1's sum of roots, on a queue; %d consumer "
                .formatted(slices.size(), cores) + "threads, one per core, take them and put their results on "
                + "a second queue. The consumer's loop:");
        Tutorial.code("""
                while (true) {
                    Slice job = jobs.take();                    // waits while the queue is empty
                    if (job == Slice.POISON) return;            // the pill: no more jobs will come
                    results.put(new Sum(job.number(), sumOfRoots(job.from(), job.to()), threadName));
                }""");

        // The broken version first: the producer forgets the pills.
        Tutorial.say("First the producer forgets the pills: it puts the %d jobs and nothing else."
                .formatted(slices.size()));
        Tutorial.code("for (Slice slice : slices) jobs.put(slice);");
        var prediction = Tutorial.predict("every result is back and the job queue is empty. "
                        + "What do the consumers do now?",
                "they end: there is nothing left to do",
                "they wait in take() for ever: an empty queue only means no job yet",
                "take() throws an exception on an empty queue");
        var withoutPills = new Tutorial.Timeline("without pills");
        boolean ended = withoutPoisonPill(slices, cores, withoutPills);
        prediction.reveal(ended ? 0 : 1);
        Tutorial.say("Every job is done, yet the consumers wait on in take(): to them an empty queue only means "
                + "that the next job has not come yet. The lesson had to interrupt them to end them.");

        // The fix: one pill per consumer after the jobs.
        Tutorial.say("The fix: after the jobs, one pill per consumer. Each consumer takes exactly one pill and "
                + "stops, so an executor's close() can wait for them all.");
        Tutorial.code("""
                for (Slice slice : slices) jobs.put(slice);
                for (int i = 0; i < consumers; i++) jobs.put(Slice.POISON);""");
        var withPills = new Tutorial.Timeline("with pills");
        List<Sum> sums = onThreads(slices, cores, withPills);
        showSums(sums);
        Tutorial.varies("which consumer took which slice: whichever was free first took the next job.");
        Tutorial.say("Total: %.6e. Who ran when, drawn to one time scale; without pills the consumers live on "
                .formatted(total(sums)) + "after the work is done:");
        Tutorial.Timeline.print(withoutPills, withPills);
        Tutorial.say("The queue also balances the load: a consumer that finishes early simply takes the next job. "
                + "A LinkedBlockingQueue grows as needed; an ArrayBlockingQueue(n) would also make put() wait "
                + "while n jobs are queued, so a fast producer cannot run far ahead of its consumers.");
    }

    // ── 3. A queue between processes ──────────────────────────────────────────────────

    // A bridge thread per worker: it takes a job from the shared queue, sends it down the worker's stdin
    // and waits for the answer on its stdout; the pill goes on to the worker as the line "stop".
    static void bridge(Worker worker, BlockingQueue<Slice> jobs, BlockingQueue<Sum> results,
            Tutorial.Timeline timeline) throws Exception {
        String name = Thread.currentThread().getName() + " (pid " + worker.pid() + ")";
        timeline.track(Thread.currentThread().getName() + " starts", worker::expectLine).call(); // until "ready"
        while (true) {
            Slice job = jobs.take();
            if (job == Slice.POISON) {
                worker.send("stop");
                return;
            }
            String answer = timeline.track("slice " + job.number(), () -> {
                worker.send("sum " + job.from() + " " + job.to());
                return worker.expectLine();
            }).call();
            results.put(new Sum(job.number(), Double.parseDouble(answer), name));
        }
    }

    // The same jobs on worker processes: start them all, give each a bridge, produce, and wait.
    // A worker that dies makes its bridge throw and end, so close() never waits on a dead worker.
    static List<Sum> onWorkerProcesses(List<Slice> slices, int count, Tutorial.Timeline timeline) throws Exception {
        BlockingQueue<Slice> jobs = new LinkedBlockingQueue<>();
        BlockingQueue<Sum> results = new LinkedBlockingQueue<>();
        List<Worker> workers = new ArrayList<>();
        List<Future<Void>> bridges = new ArrayList<>();
        try {
            for (int k = 0; k < count; k++) workers.add(new Worker());
            try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("worker-", 1).factory())) {
                for (Worker worker : workers) {
                    bridges.add(executor.submit(() -> {
                        bridge(worker, jobs, results, timeline);
                        return null;
                    }));
                }
                produce(slices, count, jobs);
            }
        } finally {
            for (Worker worker : workers) worker.close();
        }
        for (var bridge : bridges) bridge.get();             // rethrows a bridge's failure: a worker died
        return inOrder(results);
    }

    static void queueBetweenProcesses() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Slice> slices = slices(cores);
        Tutorial.say("Now %d such jobs go to %d worker JVMs. A process cannot take() from a queue in "
                .formatted(slices.size(), cores) + "another process's memory, so each worker gets a bridge: a "
                + "thread in this JVM that takes a job from the shared queue, writes it to the worker as a line of "
                + "text, and reads the answer back.");
        Tutorial.code("""
                while (true) {                                      // the bridge, in this JVM
                    Slice job = jobs.take();
                    if (job == Slice.POISON) { worker.send("stop"); return; }   // the pill, passed on as a line
                    worker.send("sum " + job.from() + " " + job.to());
                    results.put(new Sum(job.number(), Double.parseDouble(worker.expectLine()), name));
                }

                for (String job; (job = jobs.readLine()) != null && !job.equals("stop"); ) {   // the worker
                    reply(Double.toString(sumOfRoots(from, to)));   // println + flush
                }""");
        Tutorial.say("The pipes are the queues now: a worker's stdin holds the jobs sent to it, its stdout "
                + "the results it sent back. Double.toString writes the shortest text that parses back to "
                + "exactly the same double, so no precision is lost on the way.");
        var prediction = Tutorial.predict("on %d worker processes instead of %d threads, the same jobs will run…"
                        .formatted(cores, cores),
                "faster: each process has a core to itself (the Python advice)",
                "about as fast",
                "slower: a process costs a JVM start-up, and gains nothing");

        Tutorial.say("One run first, to see who did what:");
        var processes = new Tutorial.Timeline(cores + " worker processes");
        List<Sum> sums = onWorkerProcesses(slices, cores, processes);
        showSums(sums);
        boolean same = total(sums) == total(onThreads(slices, cores, new Tutorial.Timeline("check")));
        Tutorial.say("Total: %.6e, %s the threads' total.".formatted(total(sums),
                same ? Tutorial.highlight("to the last bit the same as") : "NOT the same as"));

        // Time both ways, taking turns; the timelines keep the last run of each.
        Tutorial.say("Now both ways, three times each, taking turns; each keeps its median. The worker "
                + "processes' time includes starting them, which is part of what they cost.");
        var threads = new Tutorial.Timeline(cores + " threads");
        Duration[] median = Tutorial.medians("threads and processes", 3,
                () -> onThreads(slices, cores, threads),
                () -> onWorkerProcesses(slices, cores, processes));
        double ratio = (double) median[1].toNanos() / median[0].toNanos();
        Tutorial.table(List.of("%d slices of the sum".formatted(slices.size()), "median of 3"), List.of(
                List.of(cores + " threads, one queue", Tutorial.seconds(median[0])),
                List.of(cores + " worker processes, over pipes", Tutorial.seconds(median[1])),
                List.of("processes / threads", Tutorial.highlight("%.2f×".formatted(ratio)))));
        prediction.reveal(ratio < 0.87 ? 0 : ratio <= 1.15 ? 1 : 2);
        noteIfWorkersCompiled();
        Tutorial.Timeline.print(threads, processes);
        Tutorial.varies("the times, and which worker took which slice; the start-up rows show each JVM booting "
                + "before it can take a job.");
        Tutorial.say("Python needs processes here because its threads take turns under the GIL. Java's threads "
                + "already use every core, so worker processes add a JVM start-up and a cold JIT, and gain "
                + "nothing: the longer the jobs, the smaller that fixed cost, but it never turns into a win.");
    }

    // ── 4. When a worker crashes ──────────────────────────────────────────────────────

    static void whenAWorkerCrashes() throws Exception {
        Tutorial.say("A worker can have JVM flags of its own. This one may use at most 32 MB of heap, and "
                + "-XX:+ExitOnOutOfMemoryError makes it exit at once when that runs out, rather than limp on.");
        Tutorial.code("""
                try (var worker = new Worker("-Xmx32m", "-XX:+ExitOnOutOfMemoryError")) {
                    worker.send("hold 64");                 // a job that needs 64 MB at once
                    String answer = worker.readLine();
                    int exitCode = worker.exitCode();       // process.waitFor()
                }""");
        try (var worker = new Worker("-Xmx32m", "-XX:+ExitOnOutOfMemoryError")) {
            String[] ready = worker.expectLine().split(" ");
            Tutorial.show("worker pid %d is ready; its heap may grow to %s MB, this JVM's to %,d MB"
                    .formatted(worker.pid(), ready[3], heapLimitMb()));
            worker.send("hold 8");
            Tutorial.show("hold 8   → " + worker.expectLine());

            var prediction = Tutorial.predict("the worker runs out of memory in the middle of \"hold 64\". "
                            + "What does this JVM see?",
                    "an OutOfMemoryError, thrown here in the parent",
                    "the end of the worker's stdout (readLine returns null), then an exit code",
                    "nothing: it waits for an answer for ever");
            worker.send("hold 64");
            String answer = worker.readLine();
            int exitCode = worker.exitCode();
            Tutorial.show("hold 64  → readLine() returned " + answer
                    + (answer == null ? ": the end of its stdout, so the worker has exited" : ""));
            Tutorial.show("exit code " + Tutorial.highlight(String.valueOf(exitCode))
                    + (exitCode == 3 ? " (the code that ExitOnOutOfMemoryError exits with)" : ""));
            Tutorial.show("its stderr: " + worker.stderr());
            prediction.reveal(answer == null ? 1 : 0);
        }
        Tutorial.show("this JVM: alive, and using %,d MB of its %,d MB heap".formatted(
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20, heapLimitMb()));
        Tutorial.say("The parent learns of a crash in two ways: the worker's stdout ends (readLine returns null, "
                + "a reader loop ends), and waitFor() returns its exit code, which is 0 only for a clean exit. "
                + "A pool would then start a fresh worker and decide about the lost job: it may have run halfway, "
                + "and a job that kills its worker would kill the next one too, so retry it at most once.");
        Tutorial.say("On a thread in this JVM, a job like this draws on the heap that every other thread shares: "
                + "when it runs out, any thread's next allocation may fail, not just the greedy one's; and a "
                + "System.exit or a crash in native code ends the whole program. A process draws a wall around "
                + "all of that.");
    }

    // ── 5. What a process costs to start ──────────────────────────────────────────────

    // Start `count` threads that do nothing, then wait for them all to end.
    static int startThreads(Thread.Builder builder, int count) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) threads.add(builder.start(() -> {}));
        for (Thread thread : threads) thread.join();
        return count;
    }

    // Start a worker, wait until it says "ready", and let it exit.
    static String startWorker() throws Exception {
        try (var worker = new Worker()) {
            return worker.expectLine();
        }
    }

    static void startingCosts() throws Exception {
        Tutorial.say("Each variant starts something that does nothing and waits for its end: a thousand "
                + "platform threads, a thousand virtual threads, and one worker JVM, up to its \"ready\".");
        Tutorial.code("""
                for (int i = 0; i < 1000; i++) threads.add(Thread.ofPlatform().start(() -> {}));
                for (Thread thread : threads) thread.join();
                // the same with Thread.ofVirtual(), and then:
                try (var worker = new Worker()) { worker.expectLine(); }""");
        Duration[] median = Tutorial.medians("starting threads and processes", 5,
                () -> startThreads(Thread.ofPlatform(), 1000),
                () -> startThreads(Thread.ofVirtual(), 1000),
                lesson05::startWorker);
        long platformPerProcess = 1000 * median[2].toNanos() / median[0].toNanos();
        long virtualPerProcess = 1000 * median[2].toNanos() / median[1].toNanos();
        Tutorial.table(List.of("start, run and end", "median of 5"), List.of(
                List.of("1,000 platform threads", Tutorial.seconds(median[0])),
                List.of("1,000 virtual threads", Tutorial.seconds(median[1])),
                List.of("1 worker JVM", Tutorial.seconds(median[2]))));
        Tutorial.say("One worker JVM costs as much as " + Tutorial.highlight("%,d platform threads"
                .formatted(platformPerProcess)) + ", or %,d virtual ones: a new JVM loads its classes, sets up "
                .formatted(virtualPerProcess) + "a heap and starts its JIT from scratch, where a thread needs "
                + "only a stack.");
        Tutorial.varies("these times swing with whatever else the machine is doing, platform threads most of all.");
        noteIfWorkersCompiled();
        Tutorial.say("So keep workers alive and feed them many jobs, as the bridges did; never start a "
                + "process per small job.");
    }

    // ── 6. When Java needs processes ──────────────────────────────────────────────────

    static void whenJavaNeedsProcesses() {
        Tutorial.say("The Python course reaches for processes to use every core. In Java threads do that, so "
                + "the reasons left are the ones this lesson showed:");
        Tutorial.table(List.of("you need to", "threads, one JVM", "worker processes"), List.of(
                List.of("use every core", "yes: no GIL", "yes, but no faster"),
                List.of("share data", "yes, with locks", "copies, as messages"),
                List.of("survive a crash or OOM", "no: one shared heap", "yes: EOF, exit code"),
                List.of("set JVM flags or heap", "no: one set for all", "yes, per worker"),
                List.of("start cheaply", "yes: microseconds", "no: a JVM start-up")));
        Tutorial.say("Other good reasons: running code you do not trust or cannot fix (a leaking library, native "
                + "code that may crash), or another program altogether, the way a build tool runs javac.");

        // None may survive the lesson: count what is left under this JVM.
        Tutorial.say("Every worker in this lesson was closed in try-with-resources: stdin closed, waitFor, "
                + "destroyForcibly if it lingers. A worker also exits when its stdin ends, so even a killed "
                + "lesson leaves none behind. ProcessHandle checks:");
        Tutorial.code("ProcessHandle.current().descendants().count()");
        long left = ProcessHandle.current().descendants().count();
        Tutorial.show("processes still running under this JVM: " + Tutorial.highlight(String.valueOf(left)));
    }
}
