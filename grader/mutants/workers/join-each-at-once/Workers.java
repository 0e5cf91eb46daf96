// Mutant: joins each thread right after starting it, so the workers run one after another.
// Rejected by: runsAllWorkersAtTheSameTime
package workers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

public class Workers {

    public static <T> List<T> runAll(List<? extends Callable<T>> workers) throws InterruptedException, WorkerFailedException {
        List<T> results = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            Callable<T> worker = workers.get(i);
            Object[] slot = new Object[1];
            Throwable[] failure = new Throwable[1];
            Thread thread = Thread.ofPlatform().name("worker-" + (i + 1)).start(() -> {
                try {
                    slot[0] = worker.call();
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            thread.join();
            if (failure[0] != null) throw new WorkerFailedException(thread.getName(), failure[0]);
            @SuppressWarnings("unchecked") T result = (T) slot[0];
            results.add(result);
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
