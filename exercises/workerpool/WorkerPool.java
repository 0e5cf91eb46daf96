///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES Worker.java JobFailedException.java

// Exercise 5 — Worker processes with queues.
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
// Try it:  ./jbang ex05          Check it:  ./jbang grade ex05
package workerpool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

public class WorkerPool {

    /// Does every job on `workers` worker processes and returns their answers in the order of `jobs`.
    public static List<String> run(List<String> jobs, int workers)
            throws IOException, InterruptedException, JobFailedException {
        // TODO: put the jobs on one BlockingQueue, then one poison pill per bridge; start a bridge thread per
        //  worker, each with a Worker of its own; wait for every bridge; return the results in job order.
        //  A bridge: take the next job; worker.call(job); on null (the worker died) close it, start a fresh
        //  one and call once more; if that dies too, throw new JobFailedException(...). Close its worker at the end.
        throw new UnsupportedOperationException("TODO");
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
