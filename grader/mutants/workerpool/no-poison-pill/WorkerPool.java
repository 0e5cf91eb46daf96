// Mutant: Puts no poison pills: run waits for every answer and closes the workers itself, but the bridges wait in take() for ever.
// Rejected by: leavesNoWorkerProcessAndNoBridgeThreadRunning
package workerpool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

public class WorkerPool {

    /// Does every job on `workers` worker processes and returns their answers in the order of `jobs`.
    public static List<String> run(List<String> jobs, int workers)
            throws IOException, InterruptedException, JobFailedException {
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        for (int i = 0; i < jobs.size(); i++) queue.add(i);
        String[] results = new String[jobs.size()];
        CountDownLatch answered = new CountDownLatch(jobs.size());
        List<Worker> started = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failedJob = new AtomicInteger(-1);
        AtomicInteger failedCode = new AtomicInteger();
        for (int k = 0; k < workers; k++) {
            Thread.ofPlatform().name("bridge-" + (k + 1)).start(() -> {
                try {
                    Worker worker = Worker.start();
                    started.add(worker);
                    while (true) {
                        int i = queue.take(); // no pill will ever come: once the jobs run out, this waits for ever
                        String answer = worker.call(jobs.get(i));
                        if (answer == null) {
                            worker = Worker.start();
                            started.add(worker);
                            answer = worker.call(jobs.get(i));
                            if (answer == null) {
                                failedCode.set(worker.exitCode());
                                failedJob.set(i);
                                while (answered.getCount() > 0) answered.countDown();
                                return;
                            }
                        }
                        results[i] = answer;
                        answered.countDown();
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        answered.await();
        synchronized (started) {
            for (Worker worker : started) worker.close();
        }
        int failed = failedJob.get();
        if (failed >= 0) throw new JobFailedException(failed, jobs.get(failed), failedCode.get());
        return Arrays.asList(results);
    }
}
