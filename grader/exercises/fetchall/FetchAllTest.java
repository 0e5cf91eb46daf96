package fetchall;

import static check.TaskLists.GIVE_UP;
import static check.TaskLists.abbreviated;
import static check.TaskLists.copyOf;
import static check.TaskLists.outcome;
import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import check.Declared;
import check.Latency;
import check.LiveThreads;
import check.TaskLists;
import check.Timeline;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

@DisplayName("fetchAll")
class FetchAllTest {

    static final ArchRule fetchAllDoesNotUseParallelStreams = noClasses()
            .that(Declared.inFile("FetchAll.java"))
            .should().accessTargetWhere(target(name("parallelStream")).and(target(owner(resideInAPackage("java.util..")))))
            .orShould().accessTargetWhere(target(name("parallel")).and(target(owner(resideInAPackage("java.util.stream")))))
            .as("FetchAll.java calls neither parallelStream() nor parallel()")
            .because("a parallel stream runs on the common ForkJoinPool, which has about one thread per CPU core: "
                    + "on a 2-core machine only 2 of your IO tasks would wait at once. "
                    + "Waiting needs no core: give each task its own (virtual) thread");

    private final Timeline timeline = new Timeline();

    @Test
    @Tag("input-order:fetchAll")
    @DisplayName("returns every value in the order of the tasks, not in the order they finish")
    void returnsEveryValueInInputOrder() throws Exception {
        int n = 120;
        var finishOrder = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(finishOrder, new Random(n)); // the same shuffle every run, far from the input order
        var tasks = TaskLists.finishingIn(finishOrder, timeline, i -> "task-" + (i + 1), FetchAllTest::resultOf,
                deadline -> {});
        var expected = IntStream.range(0, n).mapToObj(FetchAllTest::resultOf).toList();

        var results = copyOf(FetchAll.fetchAll(tasks)); // as it was on return

        assertThat(results)
                .withFailMessage("%d tasks, made to finish in a shuffled order (task-%d first, then task-%d, task-%d, …), "
                        + "returned %s. Expected the result of task-1, task-2, … in that order: keep each result in "
                        + "the place of its task (e.g. read the futures in the order of the tasks), whatever order "
                        + "they finish in.", n, finishOrder.get(0) + 1, finishOrder.get(1) + 1, finishOrder.get(2) + 1,
                        abbreviated(results))
                .containsExactlyElementsOf(expected);
    }

    @Test
    @Tag("input-order:fetchAll")
    @DisplayName("returns an empty list when there are no tasks")
    void returnsAnEmptyListForNoTasks() throws Exception {
        List<Callable<String>> none = List.of();

        var thrown = catchThrowable(() -> FetchAll.fetchAll(none));

        assertThat(thrown)
                .withFailMessage("fetchAll(an empty list) threw %s: no tasks is a valid input, whose results are an "
                        + "empty list (note that a thread pool sized to the number of tasks cannot have 0 threads)",
                        thrown)
                .isNull();
        assertThat(FetchAll.fetchAll(none)).as("the results of no tasks at all").isEmpty();
    }

    @Test
    @Tag("longest-wait:fetchAll")
    @DisplayName("takes about as long as the slowest task, not the sum of all waits")
    void takesAboutTheLongestWaitNotTheSum(TestReporter reporter) throws Exception {
        var waits = List.of(600, 300, 500, 400, 350, 550, 450, 300).stream().map(Duration::ofMillis).toList();
        var tasks = new ArrayList<Callable<Duration>>();
        for (var wait : waits) {
            tasks.add(timeline.record("task-" + (tasks.size() + 1), sleepThenReturn(wait, wait)));
        }

        var took = Latency.assertAboutTheLongest(waits, Duration.ofMillis(600), 3, timeline,
                () -> FetchAll.fetchAll(tasks));
        reporter.publishEntry("fetchAll took", Latency.seconds(took) + " (longest wait 0.60 s, sum 3.45 s)");
    }

    @Test
    @Tag("all-at-once:fetchAll")
    @DisplayName("runs all tasks at the same time, even 500 of them")
    void runsAllTasksAtTheSameTime() throws Exception {
        int n = 500; // well past any pool size picked in advance (the cores, 16, 64, 100, …)
        var allStarted = new CyclicBarrier(n);
        var tasks = new ArrayList<Callable<String>>();
        for (int i = 1; i <= n; i++) {
            tasks.add(timeline.record("task-" + i, () -> {
                try {
                    allStarted.await(2, TimeUnit.SECONDS); // passes only once all n tasks are running
                } catch (TimeoutException | BrokenBarrierException gaveUp) {
                    // not all were running at once: finish, so that the test can tell how many were
                }
                return "done";
            }));
        }

        FetchAll.fetchAll(tasks);

        int atOnce = timeline.maxRunningAtOnce();
        assertThat(atOnce)
                .withFailMessage("only %d of %d tasks were running at once. Each task waits until all %d have started, "
                        + "so they must all run at the same time: start every task before you wait for any, and do "
                        + "not cap how many run at once (a pool of a fixed size, the cores). Timeline:%s",
                        atOnce, n, n, timeline)
                .isEqualTo(n);
    }

    @Test
    @Tag("no-thread-left:fetchAll")
    @DisplayName("leaves no thread running after it returns")
    void leavesNoThreadRunning() throws Exception {
        var tasks = List.of(fetch("task-1", 100), fetch("task-2", 200), fetch("task-3", 150), fetch("task-4", 50));
        var before = LiveThreads.snapshot();

        FetchAll.fetchAll(tasks);

        var leaked = LiveThreads.leakedSince(before, timeline.threads(), Duration.ofSeconds(1));
        assertThat(leaked)
                .withFailMessage("%d thread(s) that fetchAll started or ran tasks on are still alive 1 s after it returned: %s. "
                        + "Shut down every executor you create, e.g. open it in try-with-resources. Timeline:%s",
                        leaked.size(), LiveThreads.describe(leaked), timeline)
                .isEmpty();
    }

    @Test
    @Tag("all-finished:fetchAll")
    @DisplayName("returns only after every task has finished, even one that takes over 2 seconds")
    void returnsOnlyAfterEveryTaskHasFinished() throws Exception {
        // task-2 outlasts a safety timeout of a second or two (invokeAll's, awaitTermination's, get's)
        var tasks = List.of(fetch("task-1", 100), fetch("task-2", 2200), fetch("task-3", 400), fetch("task-4", 900));

        var results = new AtomicReference<List<String>>();
        var thrown = catchThrowable(() -> results.set(FetchAll.fetchAll(tasks)));
        long returned = System.nanoTime();

        var running = timeline.notEndedBy(returned);
        assertThat(running)
                .withFailMessage("fetchAll %s while %d of %d tasks had not finished (%s): wait for every task, "
                        + "however long it takes (no timeout), before you return. Timeline:%s",
                        thrown == null ? "returned" : "threw " + thrown, running.size(), tasks.size(),
                        String.join(", ", running), timeline)
                .isEmpty();
        assertThat(thrown)
                .withFailMessage("no task failed, but fetchAll threw %s: wait for every task, however long it takes "
                        + "(a timeout cancels or gives up on the slow ones). Timeline:%s", thrown, timeline)
                .isNull();
        assertThat(results.get())
                .as("the results of task-1…4, the slowest of which takes 2.2 s")
                .containsExactly("task-1", "task-2", "task-3", "task-4");
    }

    @Test
    @Tag("all-finished:fetchAll")
    @Tag("no-thread-left:fetchAll")
    @DisplayName("when a task fails, throws only after every other task has finished, and leaves no thread running")
    void afterAFailureEveryTaskHasFinishedAndNoThreadIsLeft() throws Exception {
        int n = 100;
        var failure = new IOException("connection reset");
        var checked = new CountDownLatch(1);
        var tasks = new ArrayList<Callable<String>>();
        tasks.add(fetch("task-1", 0));
        tasks.add(timeline.record("task-2", () -> {
            throw failure;
        }));
        for (int i = 3; i <= n; i++) {
            tasks.add(timeline.record("task-" + i, () -> {
                try {
                    Thread.sleep(600);
                } catch (InterruptedException cancelled) {
                    stopsSlowly(checked); // like closing a connection: a cancelled task takes a while to stop
                    throw cancelled;
                }
                return "done";
            }));
        }
        var before = LiveThreads.snapshot();

        try {
            var thrown = catchThrowable(() -> FetchAll.fetchAll(tasks));
            long threw = System.nanoTime();

            var running = timeline.notEndedBy(threw);
            assertThat(running)
                    .withFailMessage("task-2 failed and fetchAll %s while %d other tasks had not finished (%s): a "
                            + "failure too must wait for every task to finish (or, if you cancel them, to stop) before "
                            + "it reaches the caller, e.g. close the executor in try-with-resources. Timeline:%s",
                            outcome(thrown), running.size(), abbreviated(running), timeline)
                    .isEmpty();
            assertThat(thrown)
                    .withFailMessage("task-2 threw %s, but fetchAll %s: let the failure reach the caller as an "
                            + "ExecutionException whose cause is the task's exception", failure, outcome(thrown))
                    .isInstanceOf(ExecutionException.class);
        } finally {
            checked.countDown();
        }
        var leaked = LiveThreads.leakedSince(before, timeline.threads(), Duration.ofSeconds(1));
        assertThat(leaked)
                .withFailMessage("task-2 failed; 1 s after fetchAll threw, %d thread(s) it started or ran tasks on are "
                        + "still alive: %s. Shut every executor down on the failure path too: open it in "
                        + "try-with-resources, not with a shutdown() after the loop. Timeline:%s",
                        leaked.size(), LiveThreads.describe(leaked), timeline)
                .isEmpty();
    }

    /// What a cancelled task does before it ends: waits, deaf to further interrupts, until `released` or GIVE_UP.
    private static void stopsSlowly(CountDownLatch released) {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            try {
                if (released.await(left, TimeUnit.NANOSECONDS)) return;
            } catch (InterruptedException again) {
                // still stopping
            }
        }
    }

    @Test
    @Tag("failure-as-cause:fetchAll")
    @DisplayName("when a task fails, throws an ExecutionException caused by the task's exception")
    void throwsTheTasksExceptionAsCause() {
        var failure = new IOException("connection reset");
        List<Callable<String>> tasks = List.of(fetch("task-1", 100), () -> {
            Thread.sleep(50);
            throw failure;
        }, fetch("task-3", 200));

        var thrown = catchThrowable(() -> FetchAll.fetchAll(tasks));

        assertTheCauseIs(failure, "task-2", thrown);
    }

    @Test
    @Tag("failure-as-cause:fetchAll")
    @DisplayName("when a task throws an Error, throws an ExecutionException caused by that Error")
    void throwsATasksErrorAsCause() {
        var failure = new StackOverflowError("simulated: the parser recursed too deep");
        List<Callable<String>> tasks = List.of(fetch("task-1", 50), timeline.record("task-2", () -> {
            throw failure;
        }), fetch("task-3", 100));

        var thrown = catchThrowable(() -> FetchAll.fetchAll(tasks));

        assertTheCauseIs(failure, "task-2", thrown);
    }

    @Test
    @Tag("first-failure:fetchAll")
    @Tag("failure-as-cause:fetchAll")
    @DisplayName("when several tasks fail, reports the first of them in the order of the tasks, not the first to fail")
    void reportsTheFirstFailureInTaskOrder() {
        int n = 20;
        var earlier = new IOException("task-4: connection reset");
        var later = new IllegalStateException("task-13: bad response");
        var tasks = new ArrayList<Callable<String>>();
        for (int i = 1; i <= n; i++) {
            tasks.add(fetch("task-" + i, 0));
        }
        // task-4 fails only once task-13 has failed and its thread has ended (a pool's thread does not end: then
        // after a second).
        TaskLists.laterFailsFirst(tasks, timeline, i -> "task-" + (i + 1), 3, earlier, 12, later, Duration.ofSeconds(1));

        var thrown = catchThrowable(() -> FetchAll.fetchAll(tasks));

        assertThat(thrown)
                .withFailMessage("task-13 failed with %s, then task-4 with %s; fetchAll %s. Expected an "
                        + "ExecutionException caused by task-4's exception: like fetchAllSequentially, report the first "
                        + "failure in the order of the tasks, not the first to happen or the last", later, earlier,
                        outcome(thrown))
                .isInstanceOf(ExecutionException.class)
                .cause().isSameAs(earlier);
    }

    @Test
    @Tag("all-at-once:fetchAll")
    @DisplayName("does not use parallel streams")
    void doesNotUseParallelStreams() {
        fetchAllDoesNotUseParallelStreams.check(new ClassFileImporter().importPackagesOf(FetchAll.class));
    }

    private static String resultOf(int task) {
        return "result-" + (task + 1);
    }

    /// Asserts that fetchAll threw an ExecutionException whose cause is `failure`, which `task` threw.
    private static void assertTheCauseIs(Throwable failure, String task, Throwable thrown) {
        assertThat(thrown)
                .withFailMessage("%s threw %s, but fetchAll %s: let the failure reach the caller as an "
                        + "ExecutionException whose cause is what the task threw (an Error too: catch Throwable, "
                        + "not just Exception, where you run a task yourself)", task, failure, outcome(thrown))
                .isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause())
                .withFailMessage("%s threw %s, but the cause of the ExecutionException is %s: "
                        + "pass on the task's own exception", task, failure, thrown.getCause())
                .isSameAs(failure);
    }

    /// A simulated fetch, recorded in the timeline: waits `millis`, then returns `name`.
    private Callable<String> fetch(String name, long millis) {
        return timeline.record(name, sleepThenReturn(Duration.ofMillis(millis), name));
    }

    private static <T> Callable<T> sleepThenReturn(Duration wait, T value) {
        return () -> {
            Thread.sleep(wait);
            return value;
        };
    }
}
