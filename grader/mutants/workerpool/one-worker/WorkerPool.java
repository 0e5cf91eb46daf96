// Mutant: Starts a single worker and bridge whatever `workers` says: right answers, but one job at a time.
// Rejected by: runsWorkersJobsAtOnceEachInAProcessOfItsOwn
// Rejected by: handsTheNextJobToWhicheverWorkerIsFree
// Rejected by: computesCpuBoundJobsFasterOnSeveralWorkers
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
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        for (int i = 0; i < jobs.size(); i++) queue.add(i);
        for (int k = 0; k < 1; k++) queue.add(POISON);
        String[] results = new String[jobs.size()];
        List<Future<Void>> bridges = new ArrayList<>();
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("bridge-", 1).factory())) {
            for (int k = 0; k < 1; k++) {
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
                if (e.getCause() instanceof JobFailedException failed) throw failed;
                if (e.getCause() instanceof IOException io) throw io;
                throw new IllegalStateException(e.getCause());
            }
        }
        return Arrays.asList(results);
    }

    private static final int POISON = -1;

    private static void bridge(List<String> jobs, BlockingQueue<Integer> queue, String[] results)
            throws IOException, InterruptedException, JobFailedException {
        Worker worker = Worker.start();
        try {
            while (true) {
                int i = queue.take();
                if (i == POISON) return;
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
