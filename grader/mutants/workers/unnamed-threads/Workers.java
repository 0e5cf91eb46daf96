// Mutant: runs the workers concurrently and correctly, but leaves the threads with default names.
// Rejected by: runsEachWorkerOnItsOwnNamedThread
package workers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

public class Workers {

    @SuppressWarnings("unchecked")
    public static <T> List<T> runAll(List<? extends Callable<T>> workers) throws InterruptedException, WorkerFailedException {
        Object[] results = new Object[workers.size()];
        Throwable[] failures = new Throwable[workers.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            int slot = i;
            Thread thread = new Thread(() -> {
                try {
                    results[slot] = workers.get(slot).call();
                } catch (Throwable e) {
                    failures[slot] = e;
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) thread.join();
        for (int i = 0; i < failures.length; i++) {
            if (failures[i] != null) throw new WorkerFailedException(threads.get(i).getName(), failures[i]);
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
