// Mutant: a cached pool starts a thread per item, so far more than `threads` calls run at once.
// Rejected by: runsExactlyThreadsCallsAtOnce
package parallelmap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

public class ParallelMap {

    /// Applies `fn` to every item on a fixed pool of `threads` threads; returns the results in item order.
    public static <T, R> List<R> parallelMap(List<T> items, Function<? super T, ? extends R> fn, int threads)
            throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newCachedThreadPool()) {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> fn.apply(item)));
            }
            List<R> results = new ArrayList<>(items.size());
            for (Future<R> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    /// Applies `fn` to every item on a fixed pool of `threads` threads; returns the results in finishing order.
    public static <T, R> List<R> inCompletionOrder(List<T> items, Function<? super T, ? extends R> fn, int threads)
            throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            // The completion service queues each future as its task finishes: take() hands back the first done.
            CompletionService<R> finished = new ExecutorCompletionService<>(pool);
            for (T item : items) {
                finished.submit(() -> fn.apply(item));
            }
            List<R> results = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                results.add(finished.take().get());
            }
            return results;
        }
    }
}
