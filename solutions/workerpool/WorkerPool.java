///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../../exercises/workerpool/Worker.java ../../exercises/workerpool/JobFailedException.java

// Exercise 5 — Worker processes with queues: MODEL SOLUTION.
//
// run(jobs, workers) has each job, one line of text, done by a pool of `workers` worker PROCESSES:
// child JVMs that answer one job a line. Worker.java starts them and does the pipes, and
// JobFailedException.java is the failure to throw: both are provided. Write run so that:
//   - it starts `workers` worker processes and keeps each one for many jobs, never more at once;
//   - the jobs go out through ONE shared BlockingQueue, with a thread per worker (a bridge) that takes
//     the next job, sends it to its worker and reads the answer: a free worker takes the next job;
//   - the results come back in job order: result i is the answer to jobs.get(i), whoever finished first;
//   - a worker that dies mid-job (call returns null) is replaced by a fresh worker process, which gets
//     the same job once more; if that one dies too, run throws a JobFailedException for that job;
//   - when run returns or throws, every bridge thread has ended and no worker process is left running;
//   - fewer than 1 worker is the caller's mistake: run throws an IllegalArgumentException.
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

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;

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

    public static void main(String[] args) throws Exception {
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
