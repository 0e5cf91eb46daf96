// Mutant: calls every worker on the caller's own thread: correct results, but no thread of its own.
// Rejected by: runsEachWorkerOnItsOwnNamedThread
// Rejected by: runsAllWorkersAtTheSameTime
package workers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

public class Workers {

    public static <T> List<T> runAll(List<? extends Callable<T>> workers) throws InterruptedException, WorkerFailedException {
        List<T> results = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            try {
                results.add(workers.get(i).call());
            } catch (Exception e) {
                throw new WorkerFailedException("worker-" + (i + 1), e);
            }
        }
        return results;
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
