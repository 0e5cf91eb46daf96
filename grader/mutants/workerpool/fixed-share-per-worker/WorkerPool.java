// Mutant: Gives each worker a fixed share of the jobs (k, k + workers, …) up front, with no shared queue.
// Rejected by: handsTheNextJobToWhicheverWorkerIsFree
// Rejected by: handsOutItsJobsThroughABlockingQueue
package workerpool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

public class WorkerPool {

    /// Does every job on `workers` worker processes and returns their answers in the order of `jobs`.
    public static List<String> run(List<String> jobs, int workers)
            throws IOException, InterruptedException, JobFailedException {
        String[] results = new String[jobs.size()];
        List<Future<Void>> bridges = new ArrayList<>();
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("bridge-", 1).factory())) {
            for (int k = 0; k < workers; k++) {
                List<Integer> share = new ArrayList<>();
                for (int i = k; i < jobs.size(); i += workers) share.add(i);
                bridges.add(executor.submit(() -> {
                    bridge(jobs, share, results);
                    return null;
                }));
            }
        }
        for (Future<Void> bridge : bridges) {
            try {
                bridge.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof JobFailedException failed) throw failed;
                if (e.getCause() instanceof IOException io) throw io;
                throw new IllegalStateException(e.getCause());
            }
        }
        return Arrays.asList(results);
    }

    private static void bridge(List<String> jobs, List<Integer> share, String[] results)
            throws IOException, InterruptedException, JobFailedException {
        Worker worker = Worker.start();
        try {
            for (int i : share) {
                String answer = worker.call(jobs.get(i));
                if (answer == null) {
                    worker.close();
                    worker = Worker.start();
                    answer = worker.call(jobs.get(i));
                    if (answer == null) throw new JobFailedException(i, jobs.get(i), worker.exitCode());
                }
                results[i] = answer;
            }
        } finally {
            worker.close();
        }
    }
}
