///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 2 — Start, name and join threads: the reference solution.
// A worker may return null (its result, like any other): the results list must take it.
package workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

public class Workers {

    /// Runs every worker on its own named thread, waits for all, and returns their results in order.
    public static <T> List<T> runAll(List<? extends Callable<T>> workers)
            throws InterruptedException, WorkerFailedException {
        int n = workers.size();
        // Each thread writes only its own slot, and join() makes those writes visible to this thread:
        // no lock is needed. A failure is kept the same way, so it can be reported after all have ended.
        Object[] results = new Object[n];
        Throwable[] failures = new Throwable[n];
        List<Thread> threads = new ArrayList<>(n);

        // Start them all first: starting one and joining it before the next would run them one by one.
        for (int i = 0; i < n; i++) {
            int slot = i;
            Callable<T> worker = workers.get(i);
            threads.add(Thread.ofPlatform().name("worker-" + (i + 1)).start(() -> {
                try {
                    results[slot] = worker.call();
                } catch (Throwable e) {
                    failures[slot] = e; // reported by the caller's thread, after every join
                }
            }));
        }

        // Then wait for every one, even after a failure: no thread may outlive the call.
        for (Thread thread : threads) {
            thread.join();
        }

        for (int i = 0; i < n; i++) {
            if (failures[i] != null) throw new WorkerFailedException(threads.get(i).getName(), failures[i]);
        }
        @SuppressWarnings("unchecked")
        List<T> inOrder = (List<T>) Arrays.asList(results); // unlike List.of, it allows a null result
        return inOrder;
    }

    /// Thrown when a worker failed: names the worker's thread; the worker's exception is the cause.
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

    public static void main(String[] args) throws Exception {
        List<Callable<String>> workers = List.of(
                () -> slowSquare(3), () -> slowSquare(4), () -> slowSquare(5));
        long start = System.nanoTime();
        System.out.printf("%s in %.2f s (each worker takes 0.5 s)%n", runAll(workers), (System.nanoTime() - start) / 1e9);
    }

    private static String slowSquare(int n) throws InterruptedException {
        Thread.sleep(Duration.ofMillis(500));
        return Thread.currentThread().getName() + ": " + n + "² = " + n * n;
    }
}
