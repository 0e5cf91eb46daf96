///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 7 — Gather: fail fast, settle, time out: MODEL SOLUTION.
//
// What it does, and why:
//   - every task runs on a virtual thread of its own (supplyAsync with an executor of virtual threads), so all
//     the waits overlap whatever the core count; supplyAsync WITHOUT an executor would use the common
//     ForkJoinPool, sized for computing, and nothing we own could interrupt its tasks or wait for them;
//   - the executor lives in try-with-resources: close() waits for every task, so none outlives the call;
//   - allOf's future completes only when EVERY task has; each task's failure also completes it at once
//     (completeExceptionally), so gather wakes up at the FIRST failure, whichever task it comes from;
//   - on a failure, a timeout or an interrupt, executor.shutdownNow() interrupts the tasks still running
//     (CompletableFuture.cancel(true) would not: a CompletableFuture does not know its task's thread), and
//     close() then waits for them to stop, so that gather never returns with a task still running;
//   - get(), unlike join(), reports a failure as an ExecutionException whose cause is the task's own
//     exception, and it can be interrupted; get(timeout) throws the TimeoutException itself
//     (orTimeout would wrap it in an ExecutionException);
//   - results and outcomes are read from the futures in the order of the tasks, not in finishing order;
//   - given no tasks, allOf() of no futures is complete already: each method returns an empty list at once.
package gather;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<T>> futures = startAll(tasks, executor);
            try {
                allOrFirstFailure(futures).get();
            } catch (ExecutionException | InterruptedException stop) {
                executor.shutdownNow(); // interrupt the tasks still running; close() waits for them to end
                throw stop;             // ExecutionException: its cause is the first task's exception
            }
            return futures.stream().map(CompletableFuture::resultNow).toList(); // all done: in task order
        }
    }

    /// `gather(tasks)`, but if the tasks are not all done within `timeout`, stops them and throws a TimeoutException.
    public static <T> List<T> gather(List<Supplier<T>> tasks, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<T>> futures = startAll(tasks, executor);
            try {
                allOrFirstFailure(futures).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException late) {
                long unfinished = futures.stream().filter(future -> !future.isDone()).count();
                executor.shutdownNow(); // the unfinished tasks are no longer wanted: interrupt them
                throw new TimeoutException("%d of %d tasks were not done after %d ms"
                        .formatted(unfinished, futures.size(), timeout.toMillis()));
            } catch (ExecutionException | InterruptedException stop) {
                executor.shutdownNow();
                throw stop;
            }
            return futures.stream().map(CompletableFuture::resultNow).toList();
        }
    }

    /// Runs every task at the same time and waits for all of them; returns each one's outcome, in the order of `tasks`.
    public static <T> List<Outcome<T>> gatherSettled(List<Supplier<T>> tasks) throws InterruptedException {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<T>> futures = startAll(tasks, executor);
            try {
                // A failure is one more outcome here: wait for every task, and let none of them stop the others.
                CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                        .exceptionally(failure -> null)
                        .get();
            } catch (ExecutionException impossible) { // exceptionally() turned every failure into a value
                throw new IllegalStateException(impossible);
            } catch (InterruptedException stop) {
                executor.shutdownNow();
                throw stop;
            }
            return futures.stream().map(Gather::outcome).toList();
        }
    }

    // Starts every task on the executor; the futures are in the order of the tasks.
    private static <T> List<CompletableFuture<T>> startAll(List<Supplier<T>> tasks, ExecutorService executor) {
        return tasks.stream().map(task -> CompletableFuture.supplyAsync(task, executor)).toList();
    }

    // allOf completes when every future has; here the first failure completes it too, without waiting for the rest.
    private static CompletableFuture<Void> allOrFirstFailure(List<? extends CompletableFuture<?>> futures) {
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        for (var future : futures) {
            future.whenComplete((value, failure) -> {
                if (failure != null) all.completeExceptionally(failure); // only the first completion counts
            });
        }
        return all;
    }

    // A finished future's outcome. exceptionNow() is the task's own exception, not the CompletionException
    // that wraps it inside the future (which handle() or whenComplete() would hand you).
    private static <T> Outcome<T> outcome(CompletableFuture<T> done) {
        return switch (done.state()) {
            case SUCCESS -> new Outcome.Success<>(done.resultNow());
            case FAILED -> new Outcome.Failure<>(done.exceptionNow());
            case CANCELLED, RUNNING -> throw new IllegalStateException("not settled: " + done);
        };
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
