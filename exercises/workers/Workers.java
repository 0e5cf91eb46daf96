///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 2 — Start, name and join threads.
//
// runAll gets a list of workers (each a Callable that computes one result). Run each worker on a
// platform thread of its own, all at the same time, and wait for every one of them:
//   - name the threads "worker-1", "worker-2", … in the order of the list, so a thread dump reads well;
//   - return the results in the order of the list (a worker may return null: that is its result);
//   - when runAll returns (or throws), every thread it started has ended: join them all;
//   - if a worker throws, finish waiting for the others, then throw a WorkerFailedException that names
//     the thread of the first failing worker (in list order), with the worker's exception as its cause.
// This exercise is about Thread itself: use Thread.ofPlatform() or new Thread(...), start() and join(),
// not an ExecutorService (that is lesson 4).
//
// Try it:  ./jbang ex02          Check it:  ./jbang grade ex02
package workers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

public class Workers {

    /// Runs every worker on its own named thread, waits for all, and returns their results in order.
    public static <T> List<T> runAll(List<? extends Callable<T>> workers)
            throws InterruptedException, WorkerFailedException {
        // TODO: start one named thread per worker, join them all, then return the results or the first failure.
        throw new UnsupportedOperationException("TODO");
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
