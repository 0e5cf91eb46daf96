///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 1 — Make it concurrent.
//
// fetchAllSequentially (below) runs its tasks one after another, so 5 fetches that each wait
// 200–1000 ms take the SUM of their waits. Waiting needs no CPU: all 5 could wait at the same time.
//
// Goal: write fetchAll so that the tasks run at the same time and the whole takes about the
// LONGEST wait, with the same contract as fetchAllSequentially:
//   - the results come back in the order of the tasks, whatever order they finish in;
//   - if a task throws, fetchAll throws an ExecutionException whose cause is that exception
//     (if several throw: the exception of the first of them in the order of the tasks);
//   - when fetchAll returns (or throws), every task has finished and no thread it started is still running.
//
// Try it:  ./jbang ex01          Check it:  ./jbang grade ex01
package fetchall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

public class FetchAll {

    /// Runs every task at the same time and returns their results in the order of `tasks`.
    public static <T> List<T> fetchAll(List<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        // TODO: start every task before waiting for any, then collect the results in input order.
        throw new UnsupportedOperationException("TODO");
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
