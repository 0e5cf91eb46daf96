// Mutant: inCompletionOrder waits for the futures in item order, so it returns them in item order.
// Rejected by: returnsResultsInFinishingOrder
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
        // A fixed pool runs at most `threads` calls at once; the rest wait in its queue. Closing it (the end
        // of try) waits for the tasks and shuts the pool down, so none of its threads outlives the call.
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> fn.apply(item)));
            }
            // Futures are kept in item order, so reading them in that order keeps the map's order, whichever
            // call finishes first. get() rethrows a call's exception as an ExecutionException.
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
        return parallelMap(items, fn, threads);
    }
}
