// Mutant: A bridge whose worker dies mid-job gives up, and the job is lost with it: run waits for its answer for ever.
// Rejected by: replacesAWorkerThatDiesMidJob
package workerpool;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

public class WorkerPool {

    /// Does every job on `workers` worker processes and returns their answers in the order of `jobs`.
    public static List<String> run(List<String> jobs, int workers)
            throws IOException, InterruptedException, JobFailedException {
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        for (int i = 0; i < jobs.size(); i++) queue.add(i);
        for (int k = 0; k < workers; k++) queue.add(POISON);
        String[] results = new String[jobs.size()];
        CountDownLatch answered = new CountDownLatch(jobs.size());
        for (int k = 0; k < workers; k++) {
            Thread.ofPlatform().name("bridge-" + (k + 1)).start(() -> {
                try (Worker worker = Worker.start()) {
                    while (true) {
                        int i = queue.take();
                        if (i == POISON) return;
                        String answer = worker.call(jobs.get(i));
                        if (answer == null) return; // the worker died: this bridge gives up, and the job is lost
                        results[i] = answer;
                        answered.countDown();
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        answered.await(); // waits for every answer, including the lost one
        return Arrays.asList(results);
    }

    private static final int POISON = -1;
}
