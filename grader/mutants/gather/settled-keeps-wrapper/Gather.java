// Mutant: gatherSettled builds its outcomes with handle(), so a Failure holds the CompletionException that wraps the task's exception.
// Rejected by: settledReturnsEveryOutcomeInTaskOrder
package gather;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

public class Gather {

    public sealed interface Outcome<T> {
        record Success<T>(T value) implements Outcome<T> {}

        record Failure<T>(Throwable exception) implements Outcome<T> {}
    }

    public static <T> List<T> gather(List<Supplier<T>> tasks) throws InterruptedException, ExecutionException {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<T>> futures = startAll(tasks, executor);
            try {
                allOrFirstFailure(futures).get();
            } catch (ExecutionException | InterruptedException stop) {
                executor.shutdownNow();
                throw stop;
            }
            return futures.stream().map(CompletableFuture::resultNow).toList();
        }
    }

    public static <T> List<T> gather(List<Supplier<T>> tasks, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<T>> futures = startAll(tasks, executor);
            try {
                allOrFirstFailure(futures).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException | InterruptedException stop) {
                executor.shutdownNow();
                throw stop;
            }
            return futures.stream().map(CompletableFuture::resultNow).toList();
        }
    }

    public static <T> List<Outcome<T>> gatherSettled(List<Supplier<T>> tasks) throws InterruptedException {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Outcome<T>>> outcomes = tasks.stream()
                    .map(task -> CompletableFuture.supplyAsync(task, executor)
                            .handle((value, failure) -> failure == null
                                    ? (Outcome<T>) new Outcome.Success<>(value)
                                    : new Outcome.Failure<T>(failure)))
                    .toList();
            try {
                CompletableFuture.allOf(outcomes.toArray(new CompletableFuture<?>[0])).get();
            } catch (ExecutionException impossible) {
                throw new IllegalStateException(impossible);
            }
            return outcomes.stream().map(CompletableFuture::resultNow).toList();
        }
    }

    private static <T> List<CompletableFuture<T>> startAll(List<Supplier<T>> tasks, ExecutorService executor) {
        return tasks.stream().map(task -> CompletableFuture.supplyAsync(task, executor)).toList();
    }

    private static CompletableFuture<Void> allOrFirstFailure(List<? extends CompletableFuture<?>> futures) {
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        for (var future : futures) {
            future.whenComplete((value, failure) -> {
                if (failure != null) all.completeExceptionally(failure);
            });
        }
        return all;
    }

    private static <T> Outcome<T> outcome(CompletableFuture<T> done) {
        return switch (done.state()) {
            case SUCCESS -> new Outcome.Success<>(done.resultNow());
            case FAILED -> new Outcome.Failure<>(done.exceptionNow());
            case CANCELLED, RUNNING -> throw new IllegalStateException("not settled: " + done);
        };
    }
}
