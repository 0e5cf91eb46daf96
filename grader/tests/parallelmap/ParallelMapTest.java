package parallelmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import check.Kernels;
import check.LiveThreads;
import check.SpeedUp;
import check.SpeedUpTest;
import check.Timeline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

@DisplayName("parallelMap and inCompletionOrder")
class ParallelMapTest {

    private final Timeline timeline = new Timeline("calls");

    @Test
    @DisplayName("parallelMap returns the results in the order of the items")
    void returnsResultsInItemOrder() throws Exception {
        // Item i sleeps (5 - i) × 60 ms, so the calls finish in the reverse of item order.
        var items = List.of(0, 1, 2, 3, 4);

        var results = ParallelMap.parallelMap(items, i -> sleepThen(Duration.ofMillis((5 - i) * 60L), "r" + i), 5);

        assertThat(results).as("results of items 0…4, whose calls finish in the order 4, 3, 2, 1, 0")
                .containsExactly("r0", "r1", "r2", "r3", "r4");
    }

    @Test
    @DisplayName("parallelMap runs exactly `threads` calls at once, never more")
    void runsExactlyThreadsCallsAtOnce() throws Exception {
        int threads = 3;
        var fullPool = new CyclicBarrier(threads);
        Function<Integer, Integer> call = item -> {
            try {
                fullPool.await(1, TimeUnit.SECONDS); // trips once `threads` calls are running together
            } catch (TimeoutException | BrokenBarrierException | InterruptedException gaveUp) {
                // fewer were running at once: finish, so the test can tell how many were
            }
            return sleepThen(Duration.ofMillis(50), item);
        };
        var items = IntStream.range(0, 2 * threads).boxed().toList();

        ParallelMap.parallelMap(items, recorded(call), threads);

        int atOnce = timeline.maxRunningAtOnce();
        assertThat(atOnce)
                .withFailMessage("with threads = %d and %d items, %d calls ran at once. A fixed pool of %d threads "
                        + "(Executors.newFixedThreadPool(threads)) runs exactly that many at once: fewer means the "
                        + "calls waited for each other, more means the pool is not fixed. Timeline:%s",
                        threads, items.size(), atOnce, threads, timeline)
                .isEqualTo(threads);
    }

    @Test
    @DisplayName("parallelMap shuts its pool down before it returns")
    void shutsThePoolDown() throws Exception {
        var before = LiveThreads.snapshot();

        ParallelMap.parallelMap(List.of(1, 2, 3, 4), recorded(i -> sleepThen(Duration.ofMillis(20), i)), 2);

        var leaked = LiveThreads.leakedSince(before, timeline.threads(), Duration.ofSeconds(1));
        assertThat(leaked)
                .withFailMessage("%d pool thread(s) are still alive 1 s after parallelMap returned: %s. Shut the pool "
                        + "down before you return: open it in try-with-resources.", leaked.size(),
                        LiveThreads.describe(leaked))
                .isEmpty();
    }

    @Test
    @DisplayName("parallelMap throws an ExecutionException caused by a failing call")
    void passesOnAFailingCall() {
        var failure = new IllegalStateException("item 2 is broken");

        var thrown = catchThrowable(() -> ParallelMap.parallelMap(List.of(1, 2, 3), i -> {
            if (i == 2) throw failure;
            return i;
        }, 2));

        assertThat(thrown)
                .withFailMessage("fn threw %s for item 2, but parallelMap %s: let it reach the caller as an "
                        + "ExecutionException whose cause is fn's exception (Future.get() does that)",
                        failure, thrown == null ? "returned normally" : "threw " + thrown)
                .isInstanceOf(ExecutionException.class)
                .cause().isSameAs(failure);
    }

    @SpeedUpTest
    @DisplayName("parallelMap computes CPU-bound work faster than one thread, as far as your cores allow")
    void speedsUpCpuBoundWork(TestReporter reporter) {
        int cores = Runtime.getRuntime().availableProcessors();
        // 4 chunks per core of the sum of square roots, about 40 ms each on one core.
        long chunk = 8_000_000;
        var chunks = LongStream.range(0, 4L * cores).boxed().toList();
        Function<Long, Double> work = c -> Kernels.sumOfSquareRoots(c * chunk, (c + 1) * chunk);

        SpeedUp.assertFaster(reporter, chunks.size(),
                () -> Kernels.sink = chunks.stream().map(work).mapToDouble(Double::doubleValue).sum(),
                () -> {
                    try {
                        Kernels.sink = ParallelMap.parallelMap(chunks, work, cores).stream()
                                .mapToDouble(Double::doubleValue).sum();
                    } catch (InterruptedException | ExecutionException e) {
                        throw new AssertionError("parallelMap threw " + e, e);
                    }
                });
    }

    @Test
    @DisplayName("inCompletionOrder returns the results in the order the calls finish")
    void returnsResultsInFinishingOrder() throws Exception {
        // All 4 run at once (4 threads) and finish in the order r1, r3, r0, r2. The order is forced, not left to
        // the scheduler: each call waits until the call due before it has returned, then 100 ms more.
        var finishing = List.of(1, 3, 0, 2);
        var returned = IntStream.range(0, 4).mapToObj(i -> new CountDownLatch(1)).toList();

        var results = ParallelMap.inCompletionOrder(List.of(0, 1, 2, 3), recorded(i -> {
            int place = finishing.indexOf(i);
            if (place > 0) awaitAtMost(returned.get(finishing.get(place - 1)), Duration.ofSeconds(5));
            String result = sleepThen(Duration.ofMillis(100), "r" + i);
            returned.get(i).countDown();
            return result;
        }), 4);

        assertThat(results)
                .withFailMessage("the calls finish in the order r1, r3, r0, r2, 100 ms apart; inCompletionOrder "
                        + "returned %s. Take each result as its call finishes (ExecutorCompletionService.take()), "
                        + "not in item order. When each call ran:%s", results, timeline)
                .containsExactly("r1", "r3", "r0", "r2");
    }

    /// Waits for the latch, but no longer than `limit`: a call that never comes must not hang the test.
    private static void awaitAtMost(CountDownLatch latch, Duration limit) {
        try {
            latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /// `fn`, with each call's start and end recorded in the timeline as "item i".
    private <T, R> Function<T, R> recorded(Function<T, R> fn) {
        return item -> {
            try {
                return timeline.record("item " + item, () -> fn.apply(item)).call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static <R> R sleepThen(Duration wait, R result) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result;
    }
}
