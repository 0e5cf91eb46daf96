///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 5 — Worker processes with queues: MODEL SOLUTION.
//
// run(jobs, workers) has each job, one line of text, done by a pool of `workers` worker PROCESSES:
// child JVMs that run this same class with --worker and answer one job a line (work() below does
// that for you, and the Worker class does the pipes). Write run so that:
//   - it starts `workers` worker processes and keeps each one for many jobs, never more at once;
//   - the jobs go out through ONE shared BlockingQueue, with a thread per worker (a bridge) that takes
//     the next job, sends it to its worker and reads the answer: a free worker takes the next job;
//   - the results come back in job order: result i is the answer to jobs.get(i), whoever finished first;
//   - a worker that dies mid-job (call returns null) is replaced by a fresh worker process, which gets
//     the same job once more; if that one dies too, run throws a JobFailedException for that job;
//   - when run returns or throws, every bridge thread has ended and no worker process is left running.
//
// What the solution does, and why:
//   - one LinkedBlockingQueue of job NUMBERS, filled before any bridge starts, then one poison pill per
//     bridge: each bridge swallows exactly one pill, so every bridge ends once the jobs run out, and a
//     bridge that is free simply takes the next number (the queue balances the load);
//   - each bridge owns its Worker and talks to it alone, so no lock is needed around the pipes;
//   - each result goes into its own slot results[i]: no two bridges write the same slot, and the
//     executor's close() (which waits for every bridge) makes their writes visible to run's thread;
//   - a null from call() means the worker died mid-job: the bridge closes it (reaps the process), starts a
//     fresh one and sends the same job once more; a second death becomes a JobFailedException;
//   - every Worker is closed in a finally, on the way out of its bridge, whether the bridge ends by its
//     pill or by an exception: closing stdin makes the worker exit, and close() waits for it;
//   - Future.get() hands a bridge's exception to run's thread, which rethrows it as it was.
//
package workerpool;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class WorkerPool {

    /// Does every job on `workers` worker processes and returns their answers in the order of `jobs`.
    public static List<String> run(List<String> jobs, int workers)
            throws IOException, InterruptedException, JobFailedException {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, not " + workers);
        // Job numbers, not jobs: a number says which slot of `results` the answer goes to.
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        for (int i = 0; i < jobs.size(); i++) queue.add(i);
        for (int k = 0; k < workers; k++) queue.add(POISON);

        String[] results = new String[jobs.size()];
        List<Future<Void>> bridges = new ArrayList<>();
        // Platform threads named bridge-1, bridge-2, …: a thread dump shows which bridge waits on what.
        // close() (the end of try) waits until every bridge has ended, whatever happened to it.
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("bridge-", 1).factory())) {
            for (int k = 0; k < workers; k++) {
                bridges.add(executor.submit(() -> {
                    bridge(jobs, queue, results);
                    return null;
                }));
            }
        }
        for (Future<Void> bridge : bridges) {
            try {
                bridge.get();
            } catch (ExecutionException e) {
                // Rethrow what the bridge threw, as it was: a JobFailedException, or a worker that would not start.
                switch (e.getCause()) {
                    case JobFailedException failed -> throw failed;
                    case IOException io -> throw io;
                    case InterruptedException interrupted -> throw interrupted;
                    case RuntimeException runtime -> throw runtime;
                    case Error error -> throw error;
                    default -> throw new IllegalStateException(e.getCause());
                }
            }
        }
        return Arrays.asList(results);
    }

    /// The poison pill: not a job number but "no more jobs". Compared by value (an int), so any -1 will do.
    private static final int POISON = -1;

    /// One bridge: a thread of this JVM that owns one worker process and feeds it jobs from the queue.
    private static void bridge(List<String> jobs, BlockingQueue<Integer> queue, String[] results)
            throws IOException, InterruptedException, JobFailedException {
        Worker worker = Worker.start();
        try {
            while (true) {
                int i = queue.take(); // waits while the queue is empty; there is always a pill at its end
                if (i == POISON) return;
                String answer = worker.call(jobs.get(i));
                if (answer == null) {
                    // The worker died mid-job: reap it, and give the same job once more to a fresh process.
                    worker.close();
                    worker = Worker.start();
                    answer = worker.call(jobs.get(i));
                    if (answer == null) throw new JobFailedException(i, jobs.get(i), worker.exitCode());
                }
                results[i] = answer; // slot i is this bridge's alone
            }
        } finally {
            worker.close(); // stdin closed: the worker exits, and close() waits until it has
        }
    }

    // ── Provided: you need not change anything below ───────────────────────────────────────────────

    /// Thrown by run when a job killed the worker that ran it and, on the retry, the fresh worker too.
    public static final class JobFailedException extends Exception {
        private final int index;
        private final String job;
        private final int exitCode;

        public JobFailedException(int index, String job, int exitCode) {
            super("job %d (%s) killed two workers; the last one exited with code %d".formatted(index, job, exitCode));
            this.index = index;
            this.job = job;
            this.exitCode = exitCode;
        }

        /// The job's position in run's list of jobs.
        public int index() {
            return index;
        }

        public String job() {
            return job;
        }

        /// The exit code of the last worker that died on it.
        public int exitCode() {
            return exitCode;
        }
    }

    /// One worker process and its pipes: jobs go down its stdin, answers come up its stdout, one a line.
    /// Its stderr goes where this JVM's goes. Use each Worker from one thread at a time.
    public static final class Worker implements AutoCloseable {
        private final Process process;
        private final BufferedWriter stdin;
        private final BufferedReader stdout;

        private Worker(Process process) {
            this.process = process;
            this.stdin = process.outputWriter(UTF_8);
            this.stdout = process.inputReader(UTF_8);
        }

        /// Starts a worker process: a new JVM that runs this class with --worker. Returns at once;
        /// the first call waits while the JVM starts up.
        public static Worker start() throws IOException {
            return new Worker(new ProcessBuilder(workerCommand())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start());
        }

        public long pid() {
            return process.pid();
        }

        /// Sends one job and waits for its answer. Returns null if the worker died before it answered
        /// (its stdout ended, or its stdin was broken): then exitCode() says how it ended.
        public String call(String job) {
            try {
                stdin.write(job);
                stdin.newLine();
                stdin.flush();
                return stdout.readLine();
            } catch (IOException died) {
                return null;
            }
        }

        /// Waits for the worker to exit and returns its exit code: 0 for a clean exit.
        public int exitCode() throws InterruptedException {
            return process.waitFor();
        }

        /// Ends the worker: closing its stdin tells it that no more jobs will come, and it exits;
        /// one that has not exited after 5 s is killed. Returns once the process has ended.
        @Override
        public void close() {
            try {
                stdin.close();
            } catch (IOException alreadyGone) {
                // it has exited already: waitFor returns at once
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                process.destroyForcibly(); // told to hurry: wait no longer, but leave no process behind
                Thread.currentThread().interrupt();
            }
        }
    }

    /// The command that starts this class as a worker: this JVM's java, flags that make a JVM cheap to
    /// start, and a class path that holds this class. (Under the grader this class is loaded from a folder
    /// that is not on java.class.path, so its code source is added first.)
    static List<String> workerCommand() {
        // Class data sharing maps the JDK's classes ready-made, the serial collector starts no GC threads, and
        // whatever the JVM says itself goes to stderr, so stdout carries only answers. (C1 alone, with
        // -XX:TieredStopAtLevel=1, would start no faster here, but would do the sums half as fast.)
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:+UseSerialGC", "-Xss256k", "-XX:-UsePerfData", "-XX:+DisplayVMOutputToStderr"));
        String sourceFile = System.getProperty("jdk.launcher.sourcefile");
        if (sourceFile != null) { // java WorkerPool.java (JDK 22+): no class path, so run the source again
            command.add(sourceFile);
        } else {
            command.addAll(List.of("-cp", classPath(), WorkerPool.class.getName()));
        }
        command.add("--worker");
        return command;
    }

    private static String classPath() {
        List<String> entries = new ArrayList<>();
        var codeSource = WorkerPool.class.getProtectionDomain().getCodeSource();
        if (codeSource != null && codeSource.getLocation() != null) {
            try {
                entries.add(Path.of(codeSource.getLocation().toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException notAFile) {
                // not loaded from a file or folder: java.class.path must do
            }
        }
        String classPath = System.getProperty("java.class.path");
        if (classPath != null && !classPath.isEmpty()) entries.add(classPath);
        return String.join(File.pathSeparator, entries);
    }

    // ── The worker side: this class, started with --worker ──────────────────────────────────────────

    /// Answers one job a line until its stdin ends (the parent closed it, or died). The jobs:
    ///   sum FROM TO        → √FROM + … + √(TO−1), as Double.toString writes it (CPU-bound work)
    ///   exit CODE          → exits at once with that code, without an answer: a crash mid-job
    ///   ask PORT QUESTION  → for the tests: sends "QUESTION PID" to 127.0.0.1:PORT and answers with the
    ///                        line that comes back; the line "exit CODE" makes it crash instead.
    static void work() throws IOException {
        var jobs = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        for (String job; (job = jobs.readLine()) != null; ) {
            String[] words = job.split(" ", 3);
            switch (words[0]) {
                case "sum" -> answer(Double.toString(sumOfSquareRoots(Long.parseLong(words[1]), Long.parseLong(words[2]))));
                case "exit" -> crash(Integer.parseInt(words[1]));
                case "ask" -> {
                    String reply = ask(Integer.parseInt(words[1]), words[2]);
                    if (reply.startsWith("exit ")) crash(Integer.parseInt(reply.substring(5)));
                    answer(reply);
                }
                default -> answer("unknown job: " + job);
            }
        }
    }

    /// CPU-bound work: the sum of the square roots of [from, to).
    static double sumOfSquareRoots(long from, long to) {
        double sum = 0;
        for (long i = from; i < to; i++) sum += Math.sqrt(i);
        return sum;
    }

    private static void answer(String line) {
        System.out.println(line);
        System.out.flush(); // the parent is waiting for it
    }

    private static void crash(int exitCode) {
        Runtime.getRuntime().halt(exitCode); // no shutdown hooks, no answer: as abrupt as a real crash
    }

    private static String ask(int port, String question) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            var out = new PrintWriter(socket.getOutputStream(), true, UTF_8);
            out.println(question + " " + ProcessHandle.current().pid());
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8)).readLine();
            return reply == null ? "no answer" : reply;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--worker")) {
            work();
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        long n = 400_000_000L, parts = 4L * cores;
        List<String> jobs = new ArrayList<>();
        for (long k = 0; k < parts; k++) jobs.add("sum " + n * k / parts + " " + n * (k + 1) / parts);

        for (int workers : List.of(1, cores)) {
            long start = System.nanoTime();
            double total = run(jobs, workers).stream().mapToDouble(Double::parseDouble).sum();
            System.out.printf("%d jobs on %d worker process%s: total %.6e in %.2f s%n",
                    jobs.size(), workers, workers == 1 ? "" : "es", total, (System.nanoTime() - start) / 1e9);
        }
        try {
            run(List.of("sum 0 1000", "exit 3", "sum 1000 2000"), 2);
            System.out.println("a job that crashes every worker it meets... did not fail?");
        } catch (JobFailedException e) {
            System.out.println("as expected: " + e.getMessage());
        }
        System.out.println("worker processes still running: " + ProcessHandle.current().descendants().count());
    }
}
