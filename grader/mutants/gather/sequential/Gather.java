// Mutant: runs the tasks one after another in the calling thread, waiting for each before starting the next.
// Rejected by: runsAllTasksAtTheSameTime
// Rejected by: takesAboutTheLongestWaitNotTheSum
// Rejected by: settledRunsAllTasksAtTheSameTime
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
        try {
            return oneAfterAnother(tasks, Long.MAX_VALUE);
        } catch (TimeoutException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    public static <T> List<T> gather(List<Supplier<T>> tasks, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        return oneAfterAnother(tasks, System.nanoTime() + timeout.toNanos());
    }

    public static <T> List<Outcome<T>> gatherSettled(List<Supplier<T>> tasks) throws InterruptedException {
        List<Outcome<T>> outcomes = new ArrayList<>();
        for (var task : tasks) {
            try {
                outcomes.add(new Outcome.Success<>(task.get()));
            } catch (RuntimeException e) {
                outcomes.add(new Outcome.Failure<>(e));
            }
        }
        return outcomes;
    }

    private static <T> List<T> oneAfterAnother(List<Supplier<T>> tasks, long deadline)
            throws ExecutionException, TimeoutException {
        List<T> results = new ArrayList<>();
        for (var task : tasks) {
            if (System.nanoTime() > deadline) throw new TimeoutException();
            try {
                results.add(task.get());
            } catch (RuntimeException e) {
                throw new ExecutionException(e);
            }
        }
        return results;
    }
}
