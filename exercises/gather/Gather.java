///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 7 — Gather: fail fast, settle, time out.
//
// A task is a Supplier<T>, as in lesson 7: it fails by throwing an (unchecked) exception, and when it is
// interrupted while it waits (sleep, IO) it ends by throwing one too. Write three ways to gather tasks:
//
// gather(tasks): Python's asyncio.gather.
//   - runs every task at the same time, so the whole takes about as long as the slowest task;
//   - returns the results in the order of the tasks, whatever order they finish in;
//   - FAILS FAST: as soon as one task throws, it interrupts the tasks still running and throws an
//     ExecutionException whose cause is that task's exception (the first failure to happen, not the first
//     task in the list), without waiting for the slow tasks to end on their own.
// gatherSettled(tasks): Python's gather(..., return_exceptions=True).
//   - runs every task at the same time and waits for ALL of them, failed or not; interrupts none;
//   - returns one Outcome per task, in the order of the tasks: a Success with its value, or a Failure
//     with the exception the task threw (its own, not a wrapper around it).
// gather(tasks, timeout): gather with a deadline.
//   - like gather(tasks); but if the tasks are not all done within `timeout`, it interrupts the unfinished
//     ones and throws a TimeoutException, on time.
// For all three:
//   - when the method returns or throws, none of its tasks is still running and no thread it started is
//     alive: a task you stop is interrupted, and you wait for it to end;
//   - if the calling thread is interrupted while it waits, interrupt the tasks and throw InterruptedException;
//   - given no tasks, return an empty list at once.
//
// Try it:  ./jbang ex07          Check it:  ./jbang grade ex07
package gather;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

public class Gather {

    /// What became of one task: it returned a value, or it threw an exception.
    public sealed interface Outcome<T> {
        record Success<T>(T value) implements Outcome<T> {}

        record Failure<T>(Throwable exception) implements Outcome<T> {}
    }

    /// Runs every task at the same time; returns their results in the order of `tasks`, or fails fast.
    public static <T> List<T> gather(List<Supplier<T>> tasks) throws InterruptedException, ExecutionException {
        // TODO: start every task, wait until all are done OR the first one fails; on a failure interrupt the rest.
        throw new UnsupportedOperationException("TODO");
    }

    /// `gather(tasks)`, but if the tasks are not all done within `timeout`, stops them and throws a TimeoutException.
    public static <T> List<T> gather(List<Supplier<T>> tasks, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        // TODO: the same, with a deadline for the wait; when it passes, interrupt the unfinished tasks.
        throw new UnsupportedOperationException("TODO");
    }

    /// Runs every task at the same time and waits for all of them; returns each one's outcome, in the order of `tasks`.
    public static <T> List<Outcome<T>> gatherSettled(List<Supplier<T>> tasks) throws InterruptedException {
        // TODO: start every task, wait for every one of them, then read each one's outcome in task order.
        throw new UnsupportedOperationException("TODO");
    }

    /// A simulated IO call (a download, a query): waits `latency`, then returns `result`. If it is interrupted
    /// while it waits, it says so and ends with a CompletionException, as a Supplier must (it may not throw
    /// InterruptedException), with the thread's interrupt flag set again.
    public static <T> Supplier<T> simulateIo(Duration latency, T result) {
        return () -> {
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                System.out.println("    (" + result + " was interrupted)");
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
            return result;
        };
    }

    /// A simulated IO call that fails: waits `latency`, then throws `failure`.
    public static <T> Supplier<T> failAfter(Duration latency, RuntimeException failure) {
        return () -> {
            simulateIo(latency, failure.getMessage()).get();
            throw failure;
        };
    }

    public static void main(String[] args) throws Exception {
        List<Supplier<String>> fetches = List.of(
                simulateIo(Duration.ofMillis(1000), "weather"),
                simulateIo(Duration.ofMillis(200), "news"),
                simulateIo(Duration.ofMillis(600), "prices"));
        List<Supplier<String>> oneFails = List.of(
                simulateIo(Duration.ofMillis(1000), "weather"),
                failAfter(Duration.ofMillis(200), new IllegalStateException("news server down")),
                simulateIo(Duration.ofMillis(600), "prices"));
        System.out.println("3 fetches of 1.0 s, 0.2 s and 0.6 s; in the second list the 0.2 s one fails");
        show("gather", () -> gather(fetches));
        show("gather, one fails", () -> gather(oneFails));
        show("gatherSettled, one fails", () -> gatherSettled(oneFails));
        show("gather within 0.5 s", () -> gather(fetches, Duration.ofMillis(500)));
    }

    // Runs `action`, then prints what it returned or threw, and how long it took.
    private static void show(String label, Callable<?> action) {
        System.out.println(label + ":");
        long start = System.nanoTime();
        String outcome;
        try {
            outcome = "returned " + action.call();
        } catch (Exception e) {
            outcome = "threw " + e.getClass().getSimpleName()
                    + (e.getCause() != null ? " caused by " + e.getCause() : ": " + e.getMessage());
        }
        System.out.printf("  %s in %.2f s%n", outcome, (System.nanoTime() - start) / 1e9);
    }
}
