package workers;

import static check.TaskLists.GIVE_UP;
import static check.TaskLists.abbreviated;
import static check.TaskLists.copyOf;
import static check.TaskLists.outcome;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import check.Declared;
import check.LiveThreads;
import check.TaskLists;
import check.Timeline;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@DisplayName("runAll")
class WorkersTest {

    static final ArchRule runAllStartsItsOwnThreads = noClasses()
            .that(Declared.inFile("Workers.java"))
            .should().dependOnClassesThat(executorsOrPools())
            .as("Workers.java uses no ExecutorService, thread pool or CompletableFuture")
            .because("this exercise is about Thread itself: start() a thread per worker and join() it; "
                    + "pools and futures, which do this for you, are lesson 4's subject");

    private final Timeline timeline = new Timeline("workers");

    @Test
    @Tag("input-order:runAll")
    @DisplayName("returns every worker's result in the order of the list, not in the order they finish")
    void returnsResultsInListOrder() throws Exception {
        int n = 100;
        var finishOrder = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(finishOrder, new Random(n)); // the same shuffle every run, far from the list order
        var workers = finishingIn(finishOrder, Thread.currentThread());
        var expected = IntStream.range(0, n).mapToObj(WorkersTest::resultOf).toList();

        var results = new AtomicReference<List<String>>();
        var thrown = catchThrowable(() -> results.set(copyOf(Workers.runAll(workers)))); // as it was on return

        assertThat(thrown)
                .withFailMessage("no worker failed, but runAll threw %s. Note that worker-%d returned null, a result "
                        + "like any other (List.of and List.copyOf refuse null elements; Arrays.asList takes them)",
                        thrown, NULL_RESULT + 1)
                .isNull();
        assertThat(results.get())
                .withFailMessage("%d workers, made to finish in a shuffled order (worker-%d first, then worker-%d, "
                        + "worker-%d, …), returned %s. Expected the result of worker-1, worker-2, … in that order "
                        + "(worker-%d's is null): let each thread write its own slot, whatever order they finish in.",
                        n, finishOrder.get(0) + 1, finishOrder.get(1) + 1, finishOrder.get(2) + 1,
                        abbreviated(results.get()), NULL_RESULT + 1)
                .containsExactlyElementsOf(expected);
    }

    @Test
    @Tag("input-order:runAll")
    @DisplayName("returns an empty list when there are no workers")
    void returnsAnEmptyListForNoWorkers() throws Exception {
        List<Callable<String>> none = List.of();

        var thrown = catchThrowable(() -> Workers.runAll(none));

        assertThat(thrown)
                .withFailMessage("runAll(an empty list) threw %s: no workers is a valid input, whose results are an "
                        + "empty list", thrown)
                .isNull();
        assertThat(Workers.runAll(none)).as("the results of no workers at all").isEmpty();
    }

    @Test
    @Tag("thread-names:runAll")
    @DisplayName("runs each worker on a thread of its own, named worker-1, worker-2, …")
    void runsEachWorkerOnItsOwnNamedThread() throws Exception {
        int n = 120;
        var workers = new ArrayList<Callable<String>>();
        for (int i = 1; i <= n; i++) {
            workers.add(() -> Thread.currentThread().getName());
        }
        var expected = IntStream.rangeClosed(1, n).mapToObj(i -> "worker-" + i).toList();

        var names = Workers.runAll(workers);

        assertThat(names)
                .withFailMessage("each of %d workers reported the name of the thread it ran on: %s. Expected %s: "
                        + "start a new thread per worker, named in list order (Thread.ofPlatform().name(...)).",
                        n, abbreviated(names), abbreviated(expected))
                .containsExactlyElementsOf(expected);
    }

    @Test
    @Tag("own-platform-thread:runAll")
    @DisplayName("runs each worker on a platform thread of its own, not a virtual thread")
    void runsEachWorkerOnAPlatformThreadOfItsOwn() throws Exception {
        int n = 50;
        var ranOn = new AtomicReferenceArray<Thread>(n);
        var workers = new ArrayList<Callable<String>>();
        for (int i = 0; i < n; i++) {
            int slot = i;
            workers.add(() -> {
                ranOn.set(slot, Thread.currentThread());
                return "done";
            });
        }
        var caller = Thread.currentThread();

        Workers.runAll(workers);

        var threads = IntStream.range(0, n).mapToObj(ranOn::get).toList();
        var virtual = threads.stream().filter(t -> t != null && t.isVirtual()).map(LiveThreads::describe).toList();
        assertThat(virtual)
                .withFailMessage("%d of %d workers ran on virtual threads (%s): this exercise asks for a platform "
                        + "thread per worker, Thread.ofPlatform() or new Thread(...)", virtual.size(), n,
                        abbreviated(virtual))
                .isEmpty();
        assertThat(threads)
                .withFailMessage("some workers ran on the caller's thread (%s) instead of a thread of their own",
                        caller.getName())
                .doesNotContain(caller);
        long distinct = threads.stream().distinct().count();
        assertThat(distinct)
                .withFailMessage("%d workers ran on only %d different threads: start one thread per worker",
                        n, distinct)
                .isEqualTo(n);
    }

    @Test
    @Tag("all-at-once:runAll")
    @DisplayName("runs all workers at the same time, even 200 of them")
    void runsAllWorkersAtTheSameTime() throws Exception {
        int n = 200; // well past any batch size picked in advance (the cores, 8, 16, 64, 100, …)
        var allStarted = new CyclicBarrier(n);
        var workers = new ArrayList<Callable<String>>();
        for (int i = 1; i <= n; i++) {
            workers.add(timeline.record("worker " + i, () -> {
                try {
                    allStarted.await(2, TimeUnit.SECONDS); // passes only once all n workers are running
                } catch (TimeoutException | BrokenBarrierException gaveUp) {
                    // not all were running at once: finish, so that the test can tell how many were
                }
                return "done";
            }));
        }

        Workers.runAll(workers);

        int atOnce = timeline.maxRunningAtOnce();
        assertThat(atOnce)
                .withFailMessage("only %d of %d workers were running at once: start every thread before you join "
                        + "any (start() then join() in the same loop runs them one after another), and do not start "
                        + "them in batches. Timeline:%s",
                        atOnce, n, timeline)
                .isEqualTo(n);
    }

    @Test
    @Tag("all-joined:runAll")
    @DisplayName("has joined every thread it started by the time it returns, even one that runs over 2 seconds")
    void joinsEveryThreadBeforeReturning() throws Exception {
        // a outlasts a join with a timeout of a second or two (it is joined first, so such a join times out on it)
        var workers = List.of(work("a", 2400), work("b", 200), work("c", 50), work("d", 100));

        var results = Workers.runAll(workers);

        // A worker that had not even started yet counts too: under load the scheduler may not have run it.
        var unfinished = timeline.notEndedBy(System.nanoTime());
        assertThat(unfinished)
                .withFailMessage("when runAll returned, workers %s had not finished (results: %s). join() every thread "
                        + "you started, without a timeout, before you return. Timeline:%s", unfinished, results, timeline)
                .isEmpty();
        var stillAlive = timeline.threads().stream().filter(Thread::isAlive).map(Thread::getName).toList();
        assertThat(stillAlive)
                .withFailMessage("when runAll returned, these threads were still alive: %s (results: %s). "
                        + "join() every thread you started before you return. Timeline:%s", stillAlive, results, timeline)
                .isEmpty();
        assertThat(results).as("the results of workers a, b, c, d").containsExactly("a", "b", "c", "d");
    }

    @Test
    @Tag("first-failure-named:runAll")
    @Tag("failure-cause:runAll")
    @Tag("all-joined:runAll")
    @DisplayName("when a worker fails, waits for the others, then names the failed thread")
    void reportsAFailingWorkerByName() throws InterruptedException {
        var failure = new IOException("disk full");
        var checked = new CountDownLatch(1);
        List<Callable<String>> workers = List.of(work("a", 50), timeline.record("b", () -> {
            throw failure;
        }), untilJoined("c", Thread.currentThread(), checked));

        try {
            var thrown = catchThrowable(() -> Workers.runAll(workers));
            long threw = System.nanoTime();

            // A worker that had not even started yet counts too: under load the scheduler may not have run it.
            var unfinished = timeline.notEndedBy(threw);
            var stillAlive = timeline.threads().stream().filter(Thread::isAlive).map(Thread::getName).toList();
            assertThat(unfinished)
                    .withFailMessage("after a worker failed, runAll %s while workers %s had not finished (threads "
                            + "still alive: %s; c runs until runAll joins its thread). Join every thread first, then "
                            + "report the failure. Timeline:%s", outcome(thrown), unfinished, stillAlive, timeline)
                    .isEmpty();
            assertThat(stillAlive)
                    .withFailMessage("after a worker failed, runAll %s while these threads were still alive: %s. "
                            + "Join every thread first, then report the failure. Timeline:%s",
                            outcome(thrown), stillAlive, timeline)
                    .isEmpty();
            assertThat(thrown)
                    .withFailMessage("worker-2 threw %s, but runAll %s: throw a WorkerFailedException naming the thread, "
                            + "with the worker's exception as its cause", failure, outcome(thrown))
                    .isInstanceOf(Workers.WorkerFailedException.class);
            var failed = (Workers.WorkerFailedException) thrown;
            assertThat(failed.threadName()).as("the name of the failed worker's thread").isEqualTo("worker-2");
            assertThat(failed.getCause()).as("the cause: the worker's own exception").isSameAs(failure);
        } finally {
            checked.countDown();
        }
    }

    @Test
    @Tag("first-failure-named:runAll")
    @Tag("failure-cause:runAll")
    @DisplayName("when several workers fail, names the first of them in list order, not the first to fail")
    void namesTheFirstFailingWorkerInListOrder() {
        int n = 20;
        var earlier = new IOException("worker-4: disk full");
        var later = new IllegalStateException("worker-13: bad input");
        var workers = new ArrayList<Callable<String>>();
        for (int i = 1; i <= n; i++) {
            workers.add(work("w" + i, 0));
        }
        TaskLists.laterFailsFirst(workers, timeline, i -> "w" + (i + 1), 3, earlier, 12, later, GIVE_UP);

        var thrown = catchThrowable(() -> Workers.runAll(workers));

        assertThat(thrown)
                .withFailMessage("worker-13 failed with %s, then worker-4 with %s; runAll %s. Expected a "
                        + "WorkerFailedException naming worker-4: report the first failure in list order, not the "
                        + "first to happen or the last", later, earlier, outcome(thrown))
                .isInstanceOf(Workers.WorkerFailedException.class);
        var failed = (Workers.WorkerFailedException) thrown;
        assertThat(failed.threadName()).as("the name of the first failed worker's thread, in list order")
                .isEqualTo("worker-4");
        assertThat(failed.getCause()).as("the cause: worker-4's own exception").isSameAs(earlier);
    }

    @Test
    @Tag("failure-cause:runAll")
    @Tag("first-failure-named:runAll")
    @DisplayName("when a worker throws an Error, names its thread, with that Error as the cause")
    void reportsAWorkerThatThrowsAnError() {
        var failure = new StackOverflowError("simulated: the worker recursed too deep");
        List<Callable<String>> workers = List.of(work("a", 50), timeline.record("b", () -> {
            throw failure;
        }), work("c", 100));

        var thrown = catchThrowable(() -> Workers.runAll(workers));

        assertThat(thrown)
                .withFailMessage("worker-2 threw %s, but runAll %s: an Error is a failure too. Catch Throwable, not just "
                        + "Exception, in the thread, and throw a WorkerFailedException naming the thread, with the "
                        + "Error as its cause", failure, outcome(thrown))
                .isInstanceOf(Workers.WorkerFailedException.class);
        var failed = (Workers.WorkerFailedException) thrown;
        assertThat(failed.threadName()).as("the name of the failed worker's thread").isEqualTo("worker-2");
        assertThat(failed.getCause()).as("the cause: the worker's own Error").isSameAs(failure);
    }

    @Test
    @Tag("first-failure-named:runAll")
    @Tag("failure-cause:runAll")
    @DisplayName("names the failed worker wherever it stands in the list, the first one or the last one")
    void namesTheFailedWorkerFirstOrLastInTheList() {
        int n = 12;
        for (int failing : List.of(0, n - 1)) {
            var failure = new IllegalStateException("worker-" + (failing + 1) + ": bad input");
            var workers = new ArrayList<Callable<String>>();
            for (int i = 0; i < n; i++) {
                workers.add(i == failing ? () -> { throw failure; } : work("w" + (i + 1), 0));
            }

            var thrown = catchThrowable(() -> Workers.runAll(workers));

            assertThat(thrown)
                    .withFailMessage("of %d workers only worker-%d threw (%s), but runAll %s: look at every worker's "
                            + "failure, the first and the last included", n, failing + 1, failure, outcome(thrown))
                    .isInstanceOf(Workers.WorkerFailedException.class);
            var failed = (Workers.WorkerFailedException) thrown;
            assertThat(failed.threadName()).as("the name of the failed worker's thread")
                    .isEqualTo("worker-" + (failing + 1));
            assertThat(failed.getCause()).as("the cause: the worker's own exception").isSameAs(failure);
        }
    }

    @Test
    @Tag("threads-not-executors:Workers")
    @DisplayName("uses threads, not executors (this exercise is about Thread)")
    void usesThreadsNotExecutors() {
        runAllStartsItsOwnThreads.check(new ClassFileImporter().importPackagesOf(Workers.class));
    }

    /// The worker (by index) of finishingIn whose result is null.
    private static final int NULL_RESULT = 7;

    /// Workers that return `resultOf(their index)`, made to finish in `finishOrder` (a permutation of their
    /// indices): the first of them once `caller` joins a thread, each other one once the one before it in that order
    /// has finished; or, if that does not happen, GIVE_UP after this call. So none finishes before runAll joins.
    private List<Callable<String>> finishingIn(List<Integer> finishOrder, Thread caller) {
        return TaskLists.finishingIn(finishOrder, timeline, worker -> "w" + (worker + 1), WorkersTest::resultOf,
                deadline -> awaitJoin(caller, null, new CountDownLatch(1), deadline));
    }

    /// A worker that runs until `caller` is joining its thread, so that it is still running whenever runAll has
    /// not joined it; or until `released`, or GIVE_UP has passed (for a runAll that waits without join()).
    private Callable<String> untilJoined(String name, Thread caller, CountDownLatch released) {
        return timeline.record(name, () -> {
            awaitJoin(caller, Thread.currentThread(), released, System.nanoTime() + GIVE_UP.toNanos());
            return name;
        });
    }

    /// Waits until `caller` is in Thread.join on `thread` (any thread, if null), i.e. waits on its monitor; or
    /// until `released`, or the System.nanoTime() `deadline`.
    private static void awaitJoin(Thread caller, Thread thread, CountDownLatch released, long deadline)
            throws InterruptedException {
        var threads = ManagementFactory.getThreadMXBean();
        while (System.nanoTime() < deadline && !released.await(1, TimeUnit.MILLISECONDS)) {
            var info = threads.getThreadInfo(caller.threadId());
            var lock = info == null ? null : info.getLockInfo();
            if (lock != null && (thread == null ? isAThread(lock.getClassName())
                    : lock.getIdentityHashCode() == System.identityHashCode(thread)
                            && lock.getClassName().equals(thread.getClass().getName()))) {
                return;
            }
        }
    }

    private static boolean isAThread(String className) {
        try {
            return Thread.class.isAssignableFrom(Class.forName(className, false, WorkersTest.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String resultOf(int worker) {
        return worker == NULL_RESULT ? null : "result-" + (worker + 1);
    }

    /// A simulated worker, recorded in the timeline: waits `millis`, then returns `name`.
    private Callable<String> work(String name, long millis) {
        return timeline.record(name, () -> {
            Thread.sleep(Duration.ofMillis(millis));
            return name;
        });
    }

    private static DescribedPredicate<JavaClass> executorsOrPools() {
        return DescribedPredicate.describe("are executors, pools or futures",
                c -> resideInAPackage("java.util.concurrent").test(c)
                        && c.getSimpleName().matches(".*(Executor.*|Pool|Future|CompletionService)"));
    }
}
