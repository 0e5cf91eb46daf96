// Mutant: starts the threads but never joins them, returning whatever results are already there.
// Rejected by: joinsEveryThreadBeforeReturning
// Rejected by: returnsResultsInListOrder
package workers;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

public class Workers {

    @SuppressWarnings("unchecked")
    public static <T> List<T> runAll(List<? extends Callable<T>> workers) throws InterruptedException, WorkerFailedException {
        Object[] results = new Object[workers.size()];
        for (int i = 0; i < workers.size(); i++) {
            int slot = i;
            Thread.ofPlatform().name("worker-" + (i + 1)).start(() -> {
                try {
                    results[slot] = workers.get(slot).call();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
        }
        return (List<T>) Arrays.asList(results);
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
