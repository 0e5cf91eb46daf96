///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 1 — Make it concurrent: MODEL SOLUTION.
//
// What changed from fetchAllSequentially, and why:
//   - every task gets its own virtual thread, so all the waits overlap: waiting needs no CPU,
//     so the tasks need not be capped at the number of cores (as a parallel stream would be);
//   - the executor lives in try-with-resources: close() waits for every task and shuts it down,
//     so no task and no thread outlives fetchAll;
//   - results are read through the futures in input order, not in the order tasks finish;
//   - Future.get() rethrows a task's exception as an ExecutionException whose cause is it; invokeAll has
//     waited for every task first, so fetchAll throws only once all have finished, and reports the first
//     failure in the order of the tasks (an Error too: a Future catches every Throwable).
package fetchall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

public class FetchAll {

    /// Runs every task at the same time and returns their results in the order of `tasks`.
    public static <T> List<T> fetchAll(List<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // invokeAll starts every task, waits until all have finished, and returns the futures in input order.
            List<Future<T>> futures = executor.invokeAll(tasks);
            List<T> results = new ArrayList<>(futures.size());
            for (var future : futures) {
                results.add(future.get()); // throws ExecutionException(cause = the task's exception)
            }
            return results;
        }
    }

    /// Where you start from: correct, but each task waits for the one before it.
    public static <T> List<T> fetchAllSequentially(List<? extends Callable<T>> tasks)
            throws InterruptedException, ExecutionException {
        List<T> results = new ArrayList<>();
        for (var task : tasks) {
            try {
                results.add(task.call());
            } catch (InterruptedException e) {
                throw e; // this thread was interrupted: not the task's failure
            } catch (Exception e) {
                throw new ExecutionException(e);
            }
        }
        return results;
    }

    /// A simulated IO call (a download, a database query): waits `latency`, then returns `result`.
    public static <T> Callable<T> simulateIo(Duration latency, T result) {
        return () -> {
            Thread.sleep(latency);
            return result;
        };
    }

    public static void main(String[] args) throws Exception {
        var tasks = List.of(
                simulateIo(Duration.ofMillis(1000), "weather"),
                simulateIo(Duration.ofMillis(200), "news"),
                simulateIo(Duration.ofMillis(600), "prices"),
                simulateIo(Duration.ofMillis(400), "mail"),
                simulateIo(Duration.ofMillis(800), "calendar"));
        System.out.println("5 fetches: sum of the waits 3.0 s, longest 1.0 s");
        long start = System.nanoTime();
        System.out.printf("sequentially: %s in %.2f s%n", fetchAllSequentially(tasks), (System.nanoTime() - start) / 1e9);
        start = System.nanoTime();
        System.out.printf("concurrently: %s in %.2f s%n", fetchAll(tasks), (System.nanoTime() - start) / 1e9);
    }
}
