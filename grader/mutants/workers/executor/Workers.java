// Mutant: hands the workers to an ExecutorService instead of starting threads itself.
// Rejected by: usesThreadsNotExecutors
package workers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

public class Workers {

    public static <T> List<T> runAll(List<? extends Callable<T>> workers) throws InterruptedException, WorkerFailedException {
        int[] next = {0};
        try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("worker-", 1).factory())) {
            List<Future<T>> futures = executor.invokeAll(workers);
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                next[0]++;
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw new WorkerFailedException("worker-" + next[0], e.getCause());
                }
            }
            return results;
        }
    }

    public static class WorkerFailedException extends Exception {
        private final String threadName;

        public WorkerFailedException(String threadName, Throwable cause) {
            super(threadName + " failed: " + cause, cause);
            this.threadName = threadName;
        }

        public String threadName() {
            return threadName;
        }
    }
}
