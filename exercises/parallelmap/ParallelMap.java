///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 4 — A parallel map on a thread pool.
//
// parallelMap(items, fn, threads) applies fn to every item on a FIXED pool of `threads` threads:
//   - the results come back in the order of the items (a map keeps order);
//   - never more than `threads` calls run at once, and with enough items exactly that many do;
//   - the pool is shut down before parallelMap returns: no thread of it outlives the call;
//   - if a call of fn throws, parallelMap throws an ExecutionException whose cause is that exception;
//   - CPU-bound work runs faster than on one thread, by about as much as your cores allow.
// inCompletionOrder(items, fn, threads) does the same work but returns the results in the order the
// calls FINISH, first finished first: ExecutorCompletionService hands back futures in that order.
//
// Try it:  ./jbang ex04          Check it:  ./jbang grade ex04
package parallelmap;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.LongStream;

public class ParallelMap {

    /// Applies `fn` to every item on a fixed pool of `threads` threads; returns the results in item order.
    public static <T, R> List<R> parallelMap(List<T> items, Function<? super T, ? extends R> fn, int threads)
            throws InterruptedException, ExecutionException {
        // TODO: a fixed pool in try-with-resources, one task per item, results collected in item order.
        throw new UnsupportedOperationException("TODO");
    }

    /// Applies `fn` to every item on a fixed pool of `threads` threads; returns the results in finishing order.
    public static <T, R> List<R> inCompletionOrder(List<T> items, Function<? super T, ? extends R> fn, int threads)
            throws InterruptedException, ExecutionException {
        // TODO: submit every item to an ExecutorCompletionService, then take() as many results as items.
        throw new UnsupportedOperationException("TODO");
    }

    /// CPU-bound work: the sum of the square roots of [from, to).
    static double sumOfSquareRoots(long from, long to) {
        return LongStream.range(from, to).mapToDouble(Math::sqrt).sum();
    }

    public static void main(String[] args) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Long> chunks = LongStream.range(0, 8).boxed().toList();
        Function<Long, Double> work = chunk -> sumOfSquareRoots(chunk * 50_000_000, (chunk + 1) * 50_000_000);
        long start = System.nanoTime();
        List<Double> sequential = chunks.stream().map(work).toList();
        double oneThread = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        List<Double> parallel = parallelMap(chunks, work, cores);
        double pool = (System.nanoTime() - start) / 1e9;
        System.out.printf("1 thread: %.2f s; pool of %d: %.2f s (%.2f×); same results: %b%n",
                oneThread, cores, pool, oneThread / pool, sequential.equals(parallel));
    }
}
