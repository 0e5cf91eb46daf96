package parallelmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import check.Kernels;
import check.Latency;
import check.LiveThreads;
import check.SpeedUp;
import check.SpeedUpTest;
import check.Timeline;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

@DisplayName("parallelMap and inCompletionOrder")
class ParallelMapTest {

    private final Timeline timeline = new Timeline("calls");

    @Test
    @Tag("item-order:parallelMap")
    @DisplayName("parallelMap returns the results in the order of the items")
    void returnsResultsInItemOrder() throws Exception {
        // Item i sleeps (5 - i) × 60 ms, so the calls finish in the reverse of item order.
        var items = List.of(0, 1, 2, 3, 4);

        var results = ParallelMap.parallelMap(items, i -> sleepThen(Duration.ofMillis((5 - i) * 60L), "r" + i), 5);

        assertThat(results).as("results of items 0…4, whose calls finish in the order 4, 3, 2, 1, 0")
                .containsExactly("r0", "r1", "r2", "r3", "r4");
    }

    @Test
    @Tag("at-most-threads:parallelMap")
    @Tag("exactly-threads:parallelMap")
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
    @Tag("pool-shut-down:parallelMap")
    @DisplayName("parallelMap shuts its pool down before it returns")
    void shutsThePoolDown() throws Exception {
        assertShutsThePoolDown(Method.PARALLEL_MAP);
    }

    @Test
    @Tag("failure-reaches-caller:parallelMap")
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
    @Tag("faster-than-one-thread:parallelMap")
    @DisplayName("parallelMap computes CPU-bound work faster than one thread, as far as your cores allow")
    void speedsUpCpuBoundWork(TestReporter reporter) {
        assertSpeedsUp(reporter, Method.PARALLEL_MAP);
    }

    @Test
    @Tag("finishing-order:inCompletionOrder")
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

    @Test
    @Tag("item-order:parallelMap")
    @Tag("every-item-once:parallelMap")
    @DisplayName("parallelMap keeps the order of 200 unsorted, repeated items whose calls finish out of order")
    void keepsItemOrderWhenManyCallsFinishOutOfOrder() throws Exception {
        // 200 items drawn from 0…49, so they repeat and are not sorted, on a pool of 8. The calls are made to
        // finish in reverse within each group of 8 started together: each waits for the one started after it.
        int threads = 8;
        var items = unsortedWithRepeats(200);
        var calls = new AtomicInteger();
        var reversed = new ReverseFinish(threads, Duration.ZERO);

        var results = ParallelMap.parallelMap(items, item -> {
            calls.incrementAndGet();
            return reversed.call(() -> "v" + item);
        }, threads);

        assertThat(calls.get())
                .withFailMessage("parallelMap called fn %d times for %d items: call it once for every item, equal "
                        + "items too", calls.get(), items.size())
                .isEqualTo(items.size());
        var expected = items.stream().map(item -> "v" + item).toList();
        assertThat(results)
                .withFailMessage("parallelMap of %d items (from 0…49, repeated, unsorted) on %d threads, whose calls "
                        + "finished in reverse within each group of %d, returned the results out of item order: at "
                        + "position %s. Keep one future (or slot) per item, in item order, and read them in that "
                        + "order; don't collect results as calls finish, sort them or key them by item.",
                        items.size(), threads, threads, firstDifference(results, expected))
                .isEqualTo(expected);
    }

    @Test
    @Tag("finishing-order:inCompletionOrder")
    @Tag("every-item-once:inCompletionOrder")
    @DisplayName("inCompletionOrder returns the results of 16 calls on 4 threads in the order they finish")
    void returnsManyResultsInTheOrderTheyFinish() throws Exception {
        // 16 unsorted, repeated items on a pool of 4; the calls finish in reverse within each group of 4 started
        // together, 40 ms apart, so the finishing order is neither the item order nor a sorted one.
        int threads = 4;
        var items = unsortedWithRepeats(16);
        List<String> results = null, finishing = null;
        // A call finishes a few microseconds after it returns; on a busy machine that can take longer than the
        // 40 ms between two returns, so a run whose order differs is tried again, up to 3 times.
        for (int attempt = 1; attempt <= 3 && (results == null || !results.equals(finishing)); attempt++) {
            var reversed = new ReverseFinish(threads, Duration.ofMillis(40));
            var returned = new ConcurrentLinkedQueue<String>();
            results = ParallelMap.inCompletionOrder(items, item -> reversed.call(() -> {
                returned.add("v" + item);
                return "v" + item;
            }), threads);
            finishing = List.copyOf(returned);
        }
        assertThat(results)
                .withFailMessage("the calls for %d items (from 0…49, repeated, unsorted) on %d threads returned in the "
                        + "order %s, but inCompletionOrder returned %s (first difference at position %s). Take each "
                        + "result as its call finishes (ExecutorCompletionService.take()), once per item.",
                        items.size(), threads, finishing, results, firstDifference(results, finishing))
                .isEqualTo(finishing);
    }

    @Test
    @Tag("every-item-once:parallelMap")
    @Tag("every-item-once:inCompletionOrder")
    @DisplayName("parallelMap and inCompletionOrder map no items to no results")
    void mapsNoItemsToNoResults() throws Exception {
        for (Method method : Method.values()) {
            var before = LiveThreads.snapshot();
            var outcome = Outcome.of(method + "(an empty list, fn, 4)",
                    () -> method.apply(List.<Integer>of(), item -> item, 4));
            assertThat(outcome.thrown())
                    .withFailMessage("%s(an empty list, fn, 4) threw %s: no items give no results (an empty list). "
                            + "Is the pool sized from the number of items (a pool of 0 threads cannot be made)?",
                            method, outcome.thrown())
                    .isNull();
            assertThat(outcome.result()).as("what %s returned for no items", method).isEmpty();
            assertNoThreadLeft(method, before, List.of(), "returned for no items");
        }
    }

    @Test
    @Tag("at-most-threads:parallelMap")
    @Tag("exactly-threads:parallelMap")
    @Tag("fixed-pool:parallelMap")
    @DisplayName("parallelMap runs exactly 32 calls at once on a fixed pool of 32 threads, with 100 items")
    void parallelMapRunsExactlyThreadsCallsAtOnceHoweverMany() throws Exception {
        assertRunsExactlyThreadsAtOnceOnAFixedPool(Method.PARALLEL_MAP);
    }

    @Test
    @Tag("at-most-threads:inCompletionOrder")
    @Tag("exactly-threads:inCompletionOrder")
    @Tag("fixed-pool:inCompletionOrder")
    @DisplayName("inCompletionOrder runs exactly 32 calls at once on a fixed pool of 32 threads, with 100 items")
    void inCompletionOrderRunsExactlyThreadsCallsAtOnceHoweverMany() throws Exception {
        assertRunsExactlyThreadsAtOnceOnAFixedPool(Method.IN_COMPLETION_ORDER);
    }

    @Test
    @Tag("pool-shut-down:inCompletionOrder")
    @DisplayName("inCompletionOrder shuts its pool down before it returns")
    void inCompletionOrderShutsThePoolDown() throws Exception {
        assertShutsThePoolDown(Method.IN_COMPLETION_ORDER);
    }

    @Test
    @Tag("pool-shut-down:parallelMap")
    @DisplayName("parallelMap shuts its pool down before it throws: no call still running, no thread left")
    void parallelMapShutsThePoolDownWhenACallFails() throws Exception {
        assertShutsThePoolDownWhenACallFails(Method.PARALLEL_MAP);
    }

    @Test
    @Tag("pool-shut-down:inCompletionOrder")
    @DisplayName("inCompletionOrder shuts its pool down before it throws: no call still running, no thread left")
    void inCompletionOrderShutsThePoolDownWhenACallFails() throws Exception {
        assertShutsThePoolDownWhenACallFails(Method.IN_COMPLETION_ORDER);
    }

    @Test
    @Tag("failure-reaches-caller:inCompletionOrder")
    @DisplayName("inCompletionOrder throws an ExecutionException caused by a failing call")
    void inCompletionOrderPassesOnAFailingCall() {
        var failure = new IllegalStateException("item 2 is broken");

        var thrown = catchThrowable(() -> ParallelMap.inCompletionOrder(List.of(1, 2, 3), i -> {
            if (i == 2) throw failure;
            return i;
        }, 2));

        assertThat(thrown)
                .withFailMessage("fn threw %s for item 2, but inCompletionOrder %s: let it reach the caller as an "
                        + "ExecutionException whose cause is fn's exception (Future.get() does that)",
                        failure, thrown == null ? "returned normally" : "threw " + thrown)
                .isInstanceOf(ExecutionException.class)
                .cause().isSameAs(failure);
    }

    @Test
    @Tag("failure-reaches-caller:parallelMap")
    @DisplayName("parallelMap passes on an Error from a call, and one of two failures, among 100 items")
    void parallelMapPassesOnAnErrorAndOneOfTwoFailures() throws Exception {
        assertPassesOnAnErrorAndOneOfTwoFailures(Method.PARALLEL_MAP);
    }

    @Test
    @Tag("failure-reaches-caller:inCompletionOrder")
    @DisplayName("inCompletionOrder passes on an Error from a call, and one of two failures, among 100 items")
    void inCompletionOrderPassesOnAnErrorAndOneOfTwoFailures() throws Exception {
        assertPassesOnAnErrorAndOneOfTwoFailures(Method.IN_COMPLETION_ORDER);
    }

    @SpeedUpTest
    @Tag("faster-than-one-thread:inCompletionOrder")
    @DisplayName("inCompletionOrder computes CPU-bound work faster than one thread, as far as your cores allow")
    void inCompletionOrderSpeedsUpCpuBoundWork(TestReporter reporter) {
        assertSpeedsUp(reporter, Method.IN_COMPLETION_ORDER);
    }

    /// How long to wait for something a correct pool does at once, before calling it stuck.
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /// How long the first `threads` calls stay running together, to see whether one more call starts meanwhile.
    private static final Duration WINDOW = Duration.ofMillis(500);
    /// How long calls that run beside a failing one take (they end by themselves: the pool must wait for them).
    private static final Duration HOLD = Duration.ofSeconds(1);

    /// The two public methods, called the same way.
    enum Method {
        PARALLEL_MAP("parallelMap"), IN_COMPLETION_ORDER("inCompletionOrder");

        private final String name;

        Method(String name) {
            this.name = name;
        }

        <T, R> List<R> apply(List<T> items, Function<? super T, ? extends R> fn, int threads)
                throws InterruptedException, ExecutionException {
            return this == PARALLEL_MAP
                    ? ParallelMap.parallelMap(items, fn, threads)
                    : ParallelMap.inCompletionOrder(items, fn, threads);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /// What a call returned or threw. It runs on a thread of its own, so that a call that never returns fails the
    /// test after PATIENCE instead of hanging it.
    record Outcome<R>(R result, Throwable thrown) {
        static <R> Outcome<R> of(String call, Callable<R> body) throws InterruptedException {
            var result = new AtomicReference<R>();
            var thrown = new AtomicReference<Throwable>();
            Thread caller = Thread.ofPlatform().daemon().name("caller").start(() -> {
                try {
                    result.set(body.call());
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            boolean ended = caller.join(PATIENCE);
            assertThat(ended)
                    .withFailMessage("%s had neither returned nor thrown after %s, though every call of fn had "
                            + "ended: is it waiting for a result that a failing call never delivered?", call,
                            Latency.seconds(PATIENCE))
                    .isTrue();
            return new Outcome<>(result.get(), thrown.get());
        }
    }

    /// Makes the calls finish in reverse within each group of `group` calls started one after another: the n-th
    /// call to start waits for the (n+1)-th to return (unless it is the last of its group), then `gap` more. No
    /// call waits past PATIENCE after the first one started, so a pool of the wrong size is slow, not stuck.
    static final class ReverseFinish {
        private final int group;
        private final Duration gap;
        private final AtomicInteger started = new AtomicInteger();
        private final Map<Integer, CountDownLatch> returned = new ConcurrentHashMap<>();
        private final AtomicLong giveUp = new AtomicLong();

        ReverseFinish(int group, Duration gap) {
            this.group = group;
            this.gap = gap;
        }

        <R> R call(Supplier<R> body) {
            giveUp.compareAndSet(0, System.nanoTime() + PATIENCE.toNanos());
            int n = started.getAndIncrement();
            if (n % group != group - 1) {
                awaitUntil(returned(n + 1), giveUp.get());
                if (!gap.isZero()) sleepThen(gap, null);
            }
            R result = body.get();
            returned(n).countDown();
            return result;
        }

        private CountDownLatch returned(int n) {
            return returned.computeIfAbsent(n, k -> new CountDownLatch(1));
        }
    }

    /// `count` items drawn from 0…49 (fixed seed): they repeat, and they are not in sorted order.
    private static List<Integer> unsortedWithRepeats(int count) {
        return new Random(42).ints(count, 0, 50).boxed().toList();
    }

    /// Where two lists first differ, for a message.
    private static String firstDifference(List<?> actual, List<?> expected) {
        for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
            if (!Objects.equals(actual.get(i), expected.get(i))) {
                return i + " (" + actual.get(i) + " where " + expected.get(i) + " belongs)";
            }
        }
        return "the end (" + actual.size() + " results where " + expected.size() + " belong)";
    }

    private void assertShutsThePoolDown(Method method) throws Exception {
        var before = LiveThreads.snapshot();

        method.apply(List.of(1, 2, 3, 4), recorded(i -> sleepThen(Duration.ofMillis(20), i)), 2);

        assertNoThreadLeft(method, before, timeline.threads(), "returned");
    }

    private static void assertNoThreadLeft(Method method, Set<Thread> before, Collection<Thread> callThreads,
            String how) throws InterruptedException {
        var leaked = LiveThreads.leakedSince(before, callThreads, Duration.ofSeconds(1));
        assertThat(leaked)
                .withFailMessage("%d pool thread(s) are still alive 1 s after %s %s: %s. Shut the pool down before "
                        + "you return or throw, on every way out: open it in try-with-resources.", leaked.size(),
                        method, how, LiveThreads.describe(leaked))
                .isEmpty();
    }

    /// 100 items on 4 threads; the call for item 0 throws once items 1…3 are running too; those take HOLD (and
    /// ignore interrupts), the rest return at once. When the method throws, every call must have ended and no
    /// thread of its pool may be left.
    private void assertShutsThePoolDownWhenACallFails(Method method) throws Exception {
        int threads = 4;
        var items = IntStream.range(0, 100).boxed().toList();
        var failure = new IllegalStateException("item 0 is broken");
        var othersRunning = new CountDownLatch(threads - 1);
        var release = new CountDownLatch(1);
        var methodThrew = new AtomicBoolean();
        var endedAfter = new ConcurrentLinkedQueue<Integer>();
        var heldEnded = new CountDownLatch(threads - 1);
        var before = LiveThreads.snapshot();

        var thrown = catchThrowable(() -> {
            try {
                method.apply(items, recorded(item -> {
                    if (item == 0) {
                        awaitAtMost(othersRunning, PATIENCE);
                        throw failure;
                    }
                    if (item < threads) {
                        othersRunning.countDown();
                        awaitIgnoringInterrupts(release, HOLD);
                        if (methodThrew.get()) endedAfter.add(item);
                        heldEnded.countDown();
                    } else if (methodThrew.get()) {
                        endedAfter.add(item);
                    }
                    return item;
                }), threads);
            } finally {
                methodThrew.set(true);
                release.countDown();
            }
        });

        assertThat(thrown).as("what %s threw when the call for item 0 threw %s", method, failure)
                .isInstanceOf(ExecutionException.class);
        awaitAtMost(heldEnded, PATIENCE);
        var late = List.copyOf(endedAfter);
        assertThat(late)
                .withFailMessage("%s threw while the calls for items %s were still running (they ended after it had "
                        + "thrown). Before you throw, shut the pool down AND wait for its calls to end: closing the "
                        + "pool (try-with-resources) does both; shutdown() or shutdownNow() alone does not wait.",
                        method, late)
                .isEmpty();
        assertNoThreadLeft(method, before, timeline.threads(), "threw");
    }

    private static void assertPassesOnAnErrorAndOneOfTwoFailures(Method method) throws Exception {
        var items = IntStream.range(0, 100).boxed().toList();
        var error = new StackOverflowError("item 17 recursed too deep");
        var exception = new IllegalStateException("item 60 is broken");

        var alone = Outcome.of(method + " of 100 items whose call for item 17 threw " + error,
                () -> method.apply(items, item -> {
                    if (item == 17) throw error;
                    return item;
                }, 4));
        assertThat(alone.thrown())
                .withFailMessage("fn threw %s (an Error, not an Exception) for item 17 of 100, but %s %s: let it reach "
                        + "the caller as an ExecutionException whose cause is that Error (Future.get() does that; a "
                        + "catch (Exception e) or catch (RuntimeException e) lets an Error slip by).", error, method,
                        alone.thrown() == null ? "returned normally" : "threw " + alone.thrown())
                .isInstanceOf(ExecutionException.class);
        assertThat(alone.thrown().getCause()).as("the cause of the ExecutionException %s threw", method)
                .isSameAs(error);

        var both = Outcome.of(method + " of 100 items whose calls for items 17 and 60 threw",
                () -> method.apply(items, item -> {
                    if (item == 17) throw error;
                    if (item == 60) throw exception;
                    return item;
                }, 4));
        assertThat(both.thrown())
                .withFailMessage("fn threw %s for item 17 and %s for item 60, but %s %s: throw an ExecutionException "
                        + "whose cause is one of the two.", error, exception, method,
                        both.thrown() == null ? "returned normally" : "threw " + both.thrown())
                .isInstanceOf(ExecutionException.class);
        assertThat(both.thrown().getCause())
                .withFailMessage("fn threw %s for item 17 and %s for item 60, but the cause of %s's "
                        + "ExecutionException is %s: it should be one of the two, as it was thrown.", error,
                        exception, method, both.thrown().getCause())
                .isIn(error, exception);
    }

    /// threads = 32 with 100 items: the first 32 calls stay running until a 33rd starts, or for WINDOW once all 32
    /// run, or until PATIENCE after the first started; the rest return at once.
    private static void assertRunsExactlyThreadsAtOnceOnAFixedPool(Method method) throws Exception {
        int threads = 32;
        var items = IntStream.range(0, 100).boxed().toList();
        var running = new AtomicInteger();
        var most = new AtomicInteger();
        var full = new CountDownLatch(1);
        var overfull = new CountDownLatch(1);
        var giveUp = new AtomicLong();
        var holding = new AtomicBoolean(true);
        Set<Thread> callThreads = ConcurrentHashMap.newKeySet();

        var results = method.apply(items, item -> {
            callThreads.add(Thread.currentThread());
            giveUp.compareAndSet(0, System.nanoTime() + PATIENCE.toNanos());
            int now = running.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            if (now >= threads) full.countDown();
            if (now > threads) overfull.countDown();
            try {
                if (holding.get()) {
                    awaitUntil(full, giveUp.get());
                    awaitAtMost(overfull, WINDOW);
                    holding.set(false);
                }
                return item;
            } finally {
                running.decrementAndGet();
            }
        }, threads);

        assertThat(most.get())
                .withFailMessage("with threads = %d and %d items, %s ran %d calls at once: never more than `threads`. "
                        + "A fixed pool (Executors.newFixedThreadPool(threads)) runs at most that many; a cached "
                        + "pool or a thread per item runs them all.", threads, items.size(), method, most.get())
                .isLessThanOrEqualTo(threads);
        assertThat(most.get())
                .withFailMessage("with threads = %d and %d items, %s ran at most %d calls at once (waited %s for "
                        + "more): with enough items exactly `threads` run at once. Is the pool's size fixed in the "
                        + "code, or capped by the number of cores? Make it exactly `threads`.", threads,
                        items.size(), method, most.get(), Latency.seconds(PATIENCE))
                .isEqualTo(threads);
        var virtual = callThreads.stream().filter(Thread::isVirtual).count();
        assertThat(callThreads.size())
                .withFailMessage("%s ran its %d calls on %d different threads (%d of them virtual), with threads = %d: "
                        + "run them on a fixed pool of `threads` platform threads, each taking item after item "
                        + "(Executors.newFixedThreadPool(threads)), not a new thread per item.", method, items.size(),
                        callThreads.size(), virtual, threads)
                .isLessThanOrEqualTo(threads);
        assertThat(virtual).as("virtual threads among those that ran %s's calls (a fixed pool's are platform "
                + "threads)", method).isZero();
        assertThat(results).as("%s's results for items 0…99 (fn returns its item), in any order", method)
                .containsExactlyInAnyOrderElementsOf(items);
    }

    private static void assertSpeedsUp(TestReporter reporter, Method method) {
        int cores = Runtime.getRuntime().availableProcessors();
        // 4 chunks per core of the sum of square roots, about 40 ms each on one core.
        long chunk = 8_000_000;
        var chunks = LongStream.range(0, 4L * cores).boxed().toList();
        Function<Long, Double> work = c -> Kernels.sumOfSquareRoots(c * chunk, (c + 1) * chunk);

        SpeedUp.assertFaster(reporter, chunks.size(),
                () -> Kernels.sink = chunks.stream().map(work).mapToDouble(Double::doubleValue).sum(),
                () -> {
                    try {
                        Kernels.sink = method.apply(chunks, work, cores).stream()
                                .mapToDouble(Double::doubleValue).sum();
                    } catch (InterruptedException | ExecutionException e) {
                        throw new AssertionError(method + " threw " + e, e);
                    }
                });
    }

    /// Waits for the latch until System.nanoTime() reaches `deadline`.
    private static void awaitUntil(CountDownLatch latch, long deadline) {
        awaitAtMost(latch, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /// Waits for the latch, at most `limit`, going on waiting if interrupted (the interrupt is kept).
    private static void awaitIgnoringInterrupts(CountDownLatch latch, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        boolean interrupted = false;
        while (true) {
            try {
                latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
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
