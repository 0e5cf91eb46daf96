package gather;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import check.Declared;
import check.Latency;
import check.LiveThreads;
import check.Timeline;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import gather.Gather.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

@DisplayName("gather, gatherSettled and gather with a timeout")
class GatherTest {

    static final ArchRule gatherGivesEveryAsyncTaskAnExecutor = noClasses()
            .that(Declared.inFile("Gather.java"))
            .should().accessTargetWhere(asyncWithoutAnExecutor())
            .as("Gather.java passes an executor to every supplyAsync and runAsync")
            .because("without one, CompletableFuture runs the task on the common ForkJoinPool, which is sized for "
                    + "computing (one thread fewer than the cores), so waiting tasks queue for its few threads; and "
                    + "a task there belongs to no executor of yours, so nothing can interrupt it or wait for it to "
                    + "end. Create an executor of virtual threads in try-with-resources and hand it to supplyAsync");

    /// How long the slow tasks wait: longer than any bound here (1.9 s at most), so a gather that waits for one
    /// fails, and far longer than a correct gather takes to throw or time out (about 0.1 s to 0.4 s).
    private static final Duration SLOW = Duration.ofMillis(2500);
    /// A gather that takes this long waited for a slow task: a wrong answer, not a busy machine.
    private static final Duration WAITED_FOR_SLOW = SLOW.multipliedBy(9).dividedBy(10);
    /// Time allowed on top of when a correct gather could react: generous for a machine shared with others.
    private static final Duration SLACK = Duration.ofMillis(1500);
    /// How many tasks the tests that need all of them running at once give: far more than the cores, or than a
    /// pool of a "reasonable" fixed size (8, 16, 64...) can run at once; cheap on virtual threads.
    private static final int MANY = 200;
    /// The timeout given to gather(tasks, timeout) where it must not run out: far longer than any test takes.
    private static final Duration NEVER = Duration.ofSeconds(60);

    private final Timeline timeline = new Timeline();

    // ── gather ────────────────────────────────────────────────────────────────────────

    @Test
    @Tag("input-order:gather")
    @DisplayName("gather returns every value in the order of the tasks, not in the order they finish")
    void returnsEveryValueInTaskOrder() throws Exception {
        var tasks = List.of(fetch("a", 500), fetch("b", 400), fetch("c", 300), fetch("d", 200), fetch("e", 100));

        assertThat(Gather.gather(tasks))
                .as("results of tasks a…e, which finish in the order e, d, c, b, a")
                .containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    @Tag("all-at-once:gather")
    @DisplayName("gather runs all tasks at the same time, " + MANY + " of them too")
    void runsAllTasksAtTheSameTime() throws Exception {
        assertRunsAllAtOnce(Way.GATHER);
    }

    @Test
    @Tag("about-the-longest:gather")
    @DisplayName("gather takes about as long as the slowest task, not the sum of all waits")
    void takesAboutTheLongestWaitNotTheSum(TestReporter reporter) throws Exception {
        assertTakesAboutTheLongestWait(Way.GATHER, reporter);
    }

    @Test
    @Tag("cause-is-tasks-exception:gather")
    @DisplayName("when a task fails, gather throws an ExecutionException caused by the task's exception")
    void throwsTheTasksExceptionAsCause() {
        var failure = new UncheckedIOException(new IOException("connection reset"));
        var tasks = List.of(fetch("task-1", 100), failing("task-2", 50, failure), fetch("task-3", 150));

        var thrown = catchThrowable(() -> Gather.gather(tasks));

        assertThat(thrown)
                .withFailMessage("task-2 threw %s, but gather %s: let the failure reach the caller as an "
                        + "ExecutionException whose cause is the task's exception", failure, outcome(thrown))
                .isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause())
                .withFailMessage("task-2 threw %s, but the cause of the ExecutionException is %s: pass on the task's "
                        + "own exception (the future's get() unwraps it for you; join() wraps it in a "
                        + "CompletionException)", failure, thrown.getCause())
                .isSameAs(failure);
    }

    @Test
    @Tag("fail-fast:gather")
    @DisplayName("when a task fails, gather throws at once, without waiting for a slow task to end")
    void failsFastWithoutWaitingForTheSlowTask(TestReporter reporter) throws Exception {
        assertFailsFast(Way.GATHER, reporter);
    }

    @Test
    @Tag("interrupts-on-failure:gather")
    @DisplayName("when a task fails, gather interrupts the tasks still running")
    void interruptsTheOtherTasksWhenOneFails() throws Exception {
        var slow = new Slow("slow", SLOW);
        var failure = new IllegalStateException("task-2 failed");
        var tasks = List.of(slow.task, failingOnceStarted("task-2", slow, 100, failure));

        var thrown = catchThrowable(() -> Gather.gather(tasks));
        var fate = slow.awaitEnd(Duration.ofSeconds(2));

        assertThat(fate)
                .withFailMessage("task-2 failed, and gather %s; the slow task %s. Once a task has failed the other "
                        + "results are no longer wanted: interrupt the tasks still running (executor.shutdownNow(), "
                        + "or cancel(true) on the executor's own Futures; CompletableFuture.cancel(true) does not "
                        + "interrupt anything). Timeline:%s", outcome(thrown), slow.describe(), timeline)
                .isEqualTo(Fate.INTERRUPTED);
    }

    @Test
    @Tag("first-failure-reported:gather")
    @DisplayName("when several tasks fail, gather reports the failure that happened first, not the first in the list")
    void reportsTheFailureThatHappenedFirst() throws Exception {
        assertReportsTheFailureThatHappenedFirst(Way.GATHER);
    }

    @Test
    @Tag("cause-is-tasks-exception:gather")
    @Tag("fail-fast:gather")
    @Tag("interrupts-on-failure:gather")
    @Tag("no-task-left-running:gather")
    @DisplayName("when a task throws an Error, gather fails fast with it too: an ExecutionException caused by that Error")
    void failsFastOnAnError() throws Exception {
        assertFailsFastOnAnError(Way.GATHER);
    }

    @Test
    @Tag("no-task-left-running:gather")
    @Tag("no-thread-left-alive:gather")
    @DisplayName("when gather throws, none of its tasks is still running and no thread it started is alive")
    void leavesNoTaskRunningWhenItThrows() throws Exception {
        assertLeavesNothingRunningWhenATaskFails(Way.GATHER);
    }

    @Test
    @Tag("no-task-left-running:gather")
    @Tag("no-thread-left-alive:gather")
    @DisplayName("gather leaves no thread running after it returns")
    void leavesNoThreadRunningAfterItReturns() throws Exception {
        assertLeavesNothingRunningAfterItReturns(Way.GATHER);
    }

    @Test
    @Tag("interrupt-caller:gather")
    @Tag("no-task-left-running:gather")
    @Tag("no-thread-left-alive:gather")
    @DisplayName("when the caller is interrupted, gather interrupts its tasks, waits for them to end and throws "
            + "InterruptedException")
    void throwsInterruptedExceptionWhenInterrupted() throws Exception {
        assertInterruptStopsEverything(Way.GATHER);
    }

    @Test
    @Tag("no-tasks:gather")
    @DisplayName("gather of no tasks returns an empty list")
    void returnsAnEmptyListForNoTasks() throws Exception {
        assertReturnsAnEmptyListForNoTasks(Way.GATHER);
    }

    // ── gatherSettled ─────────────────────────────────────────────────────────────────

    @Test
    @Tag("input-order:gatherSettled")
    @Tag("settled-outcomes:gatherSettled")
    @Tag("settled-waits-for-all:gatherSettled")
    @DisplayName("gatherSettled returns every value and every exception, in the order of the tasks")
    void settledReturnsEveryOutcomeInTaskOrder() throws Exception {
        var x = new IllegalStateException("b failed");
        var y = new UncheckedIOException(new IOException("d failed"));
        var tasks = List.of(fetch("a", 300), failing("b", 0, x), fetch("c", 150), failing("d", 50, y), fetch("e", 0));

        var outcomes = Gather.gatherSettled(tasks);

        List<Outcome<String>> expected = List.of(new Outcome.Success<>("a"), new Outcome.Failure<>(x),
                new Outcome.Success<>("c"), new Outcome.Failure<>(y), new Outcome.Success<>("e"));
        assertThat(outcomes)
                .withFailMessage("tasks a…e return a, throw %s, return c, throw %s, return e, and finish in the "
                        + "order b/e, d, c, a. gatherSettled returned%n  %s%nexpected%n  %s%n%s Timeline:%s",
                        x, y, outcomes, expected, settledHint(outcomes, List.of(x, y)), timeline)
                .containsExactlyElementsOf(expected);
    }

    @Test
    @Tag("settled-outcomes:gatherSettled")
    @Tag("settled-waits-for-all:gatherSettled")
    @DisplayName("gatherSettled holds an Error a task throws as that task's Failure, and still waits for the others")
    void settledHoldsAnErrorAsAFailure() throws Exception {
        var error = new StackOverflowError("b recursed too deep");
        var tasks = List.of(fetch("a", 200), failing("b", 0, error), fetch("c", 100));

        var ended = within(WAITED_FOR_SLOW, () -> Gather.gatherSettled(tasks));

        List<Outcome<String>> expected = List.of(new Outcome.Success<>("a"), new Outcome.Failure<>(error),
                new Outcome.Success<>("c"));
        assertThat(ended.returned())
                .withFailMessage("task b threw %s, which is an Error, not an Exception; tasks a and c return a and c. "
                        + "gatherSettled %s, expected it to return%n  %s%nA task can throw any Throwable: catch "
                        + "Throwable, not Exception (or let supplyAsync catch it: the future then holds it, and "
                        + "exceptionNow() hands it back). Timeline:%s", error, ended, expected, timeline)
                .isEqualTo(expected);
    }

    @Test
    @Tag("all-at-once:gatherSettled")
    @DisplayName("gatherSettled runs all tasks at the same time, " + MANY + " of them too")
    void settledRunsAllTasksAtTheSameTime() throws Exception {
        assertRunsAllAtOnce(Way.SETTLED);
    }

    @Test
    @Tag("no-task-left-running:gatherSettled")
    @Tag("no-thread-left-alive:gatherSettled")
    @DisplayName("gatherSettled leaves no task and no thread running after it returns")
    void settledLeavesNothingRunningAfterItReturns() throws Exception {
        assertLeavesNothingRunningAfterItReturns(Way.SETTLED);
    }

    @Test
    @Tag("interrupt-caller:gatherSettled")
    @Tag("no-task-left-running:gatherSettled")
    @Tag("no-thread-left-alive:gatherSettled")
    @DisplayName("when the caller is interrupted, gatherSettled interrupts its tasks, waits for them to end and throws "
            + "InterruptedException")
    void settledThrowsInterruptedExceptionWhenInterrupted() throws Exception {
        assertInterruptStopsEverything(Way.SETTLED);
    }

    @Test
    @Tag("no-tasks:gatherSettled")
    @DisplayName("gatherSettled of no tasks returns an empty list")
    void settledReturnsAnEmptyListForNoTasks() throws Exception {
        assertReturnsAnEmptyListForNoTasks(Way.SETTLED);
    }

    // ── gather with a timeout ─────────────────────────────────────────────────────────

    @Test
    @Tag("timeout-on-time:gather+timeout")
    @DisplayName("gather with a timeout throws a TimeoutException on time when a task is still running")
    void timeoutThrowsTimeoutExceptionOnTime(TestReporter reporter) throws Exception {
        var timeout = Duration.ofMillis(400);
        var bound = timeout.plus(SLACK);
        var fastest = fastest(bound, () -> {
            var slow = new Slow("slow", SLOW);
            var tasks = List.of(fetch("quick", 50), slow.task);

            long start = System.nanoTime();
            var thrown = catchThrowable(() -> Gather.gather(tasks, timeout));
            var elapsed = since(start);

            assertThat(thrown)
                    .withFailMessage("the slow task takes %s and the timeout is %s, but gather(tasks, timeout) %s "
                            + "after %s: expected a TimeoutException. (orTimeout makes the future FAIL with one, so "
                            + "get() wraps it in an ExecutionException; get(timeout, unit) throws it itself.)",
                            Latency.seconds(SLOW), Latency.seconds(timeout), outcome(thrown), Latency.seconds(elapsed))
                    .isInstanceOf(TimeoutException.class);
            assertThat(elapsed)
                    .withFailMessage("gather(tasks, timeout) threw a TimeoutException after %s, before the timeout "
                            + "of %s had passed", Latency.seconds(elapsed), Latency.seconds(timeout))
                    .isGreaterThanOrEqualTo(timeout.multipliedBy(9).dividedBy(10));
            return elapsed;
        });
        var took = fastest.took();

        reporter.publishEntry("TimeoutException after", Latency.seconds(took) + " (timeout "
                + Latency.seconds(timeout) + ")");
        assertThat(took)
                .withFailMessage("the timeout is %s, but gather(tasks, timeout) threw its TimeoutException only after "
                        + "%s%s: throw when the timeout runs out, under %s, and interrupt the unfinished tasks so "
                        + "that waiting for them to end takes no time. What ran, until gather threw:%s",
                        Latency.seconds(timeout), Latency.seconds(took), took.compareTo(WAITED_FOR_SLOW) >= 0
                                ? ", when the slow task (" + Latency.seconds(SLOW) + ") had ended" : "",
                        Latency.seconds(bound), picture(fastest))
                .isLessThan(bound);
    }

    @Test
    @Tag("timeout-interrupts:gather+timeout")
    @Tag("no-task-left-running:gather+timeout")
    @Tag("no-thread-left-alive:gather+timeout")
    @DisplayName("gather with a timeout interrupts the unfinished tasks and waits for them to end")
    void timeoutInterruptsTheUnfinishedTasks() throws Exception {
        var slow = new Slow("slow", SLOW).stopIn(Duration.ofMillis(200)); // takes 0.2 s to stop once interrupted
        var tasks = List.of(fetch("quick", 50), slow.task);
        var before = LiveThreads.snapshot();

        var thrown = catchThrowable(() -> Gather.gather(tasks, Duration.ofMillis(300)));
        long threw = System.nanoTime();
        var running = timeline.notEndedBy(threw);
        var fate = slow.awaitEnd(Duration.ofSeconds(2));

        assertThat(fate)
                .withFailMessage("with a timeout of 0.30 s, gather(tasks, timeout) %s; the slow task (%s) %s. When the "
                        + "time is up, interrupt the tasks still running (executor.shutdownNow()): a timeout on the "
                        + "wait alone stops the waiting, not the tasks. Timeline:%s",
                        outcome(thrown), Latency.seconds(SLOW), slow.describe(), timeline)
                .isEqualTo(Fate.INTERRUPTED);
        assertThat(running)
                .withFailMessage("gather(tasks, timeout) threw while these tasks were still running: %s (the slow "
                        + "task takes 0.2 s to stop once interrupted): after interrupting the unfinished tasks, wait "
                        + "for them to end before you throw (closing the executor waits). "
                        + "Timeline:%s", String.join(", ", running), timeline)
                .isEmpty();
        assertNoThreadLeft(Way.TIMED, "threw " + thrown.getClass().getSimpleName(), before);
    }

    @Test
    @Tag("input-order:gather+timeout")
    @Tag("about-the-longest:gather+timeout")
    @DisplayName("gather with a timeout returns every value, in order, as soon as all tasks are done")
    void timeoutReturnsAsSoonAsEveryTaskIsDone(TestReporter reporter) throws Exception {
        var timeout = Duration.ofSeconds(3);
        var longest = Duration.ofMillis(300);
        var bound = longest.plus(SLACK);
        List<Object> results = new ArrayList<>();
        var fastest = fastest(bound, () -> {
            var tasks = List.of(fetch("a", 300), fetch("b", 100), fetch("c", 200));
            long start = System.nanoTime();
            results.clear();
            results.addAll(Gather.gather(tasks, timeout));
            return since(start);
        });
        var took = fastest.took();

        reporter.publishEntry("gather(tasks, 3 s) took", Latency.seconds(took) + " (longest task 0.30 s)");
        assertThat(results)
                .as("results of tasks a, b, c, which finish in the order b, c, a, well within the timeout")
                .containsExactly("a", "b", "c");
        assertThat(took)
                .withFailMessage("the tasks all ended within %s, but gather(tasks, %s) returned only after %s: "
                        + "the timeout is the most to wait, return as soon as every task is done (under %s). "
                        + "What ran, until gather returned:%s", Latency.seconds(longest), Latency.seconds(timeout),
                        Latency.seconds(took), Latency.seconds(bound), picture(fastest))
                .isLessThan(bound);
    }

    @Test
    @Tag("cause-is-tasks-exception:gather+timeout")
    @Tag("interrupts-on-failure:gather+timeout")
    @DisplayName("gather with a timeout still fails fast when a task fails before the deadline")
    void timeoutStillFailsFast() throws Exception {
        var slow = new Slow("slow", SLOW);
        var failure = new IllegalStateException("task-2 failed");
        var tasks = List.of(slow.task, failingOnceStarted("task-2", slow, 100, failure));
        var timeout = Duration.ofSeconds(2);

        long start = System.nanoTime();
        var thrown = catchThrowable(() -> Gather.gather(tasks, timeout));
        var took = since(start);

        assertThat(thrown)
                .withFailMessage("task-2 threw %s after 0.1 s, well within the timeout of %s, but "
                        + "gather(tasks, timeout) %s after %s: fail fast here too, with an ExecutionException "
                        + "whose cause is the task's exception",
                        failure, Latency.seconds(timeout), outcome(thrown), Latency.seconds(took))
                .isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause())
                .withFailMessage("task-2 threw %s, but the cause of the ExecutionException is %s: pass on the task's "
                        + "own exception", failure, thrown.getCause())
                .isSameAs(failure);
        assertThat(slow.awaitEnd(Duration.ofSeconds(2)))
                .withFailMessage("task-2 failed and gather(tasks, timeout) threw, but the slow task %s: interrupt the "
                        + "tasks still running. Timeline:%s", slow.describe(), timeline)
                .isEqualTo(Fate.INTERRUPTED);
    }

    @Test
    @Tag("all-at-once:gather+timeout")
    @DisplayName("gather with a timeout runs all tasks at the same time, " + MANY + " of them too")
    void timeoutRunsAllTasksAtTheSameTime() throws Exception {
        assertRunsAllAtOnce(Way.TIMED);
    }

    @Test
    @Tag("about-the-longest:gather+timeout")
    @DisplayName("gather with a timeout takes about as long as the slowest task, not the sum of all waits")
    void timeoutTakesAboutTheLongestWaitNotTheSum(TestReporter reporter) throws Exception {
        assertTakesAboutTheLongestWait(Way.TIMED, reporter);
    }

    @Test
    @Tag("fail-fast:gather+timeout")
    @DisplayName("when a task fails, gather with a timeout throws at once, without waiting for a slow task to end")
    void timeoutFailsFastWithoutWaitingForTheSlowTask(TestReporter reporter) throws Exception {
        assertFailsFast(Way.TIMED, reporter);
    }

    @Test
    @Tag("first-failure-reported:gather+timeout")
    @DisplayName("when several tasks fail, gather with a timeout reports the failure that happened first")
    void timeoutReportsTheFailureThatHappenedFirst() throws Exception {
        assertReportsTheFailureThatHappenedFirst(Way.TIMED);
    }

    @Test
    @Tag("cause-is-tasks-exception:gather+timeout")
    @Tag("fail-fast:gather+timeout")
    @Tag("interrupts-on-failure:gather+timeout")
    @Tag("no-task-left-running:gather+timeout")
    @DisplayName("when a task throws an Error, gather with a timeout fails fast with an ExecutionException caused "
            + "by that Error")
    void timeoutFailsFastOnAnError() throws Exception {
        assertFailsFastOnAnError(Way.TIMED);
    }

    @Test
    @Tag("no-task-left-running:gather+timeout")
    @Tag("no-thread-left-alive:gather+timeout")
    @DisplayName("when a task fails, gather with a timeout leaves no task running and no thread alive")
    void timeoutLeavesNothingRunningWhenATaskFails() throws Exception {
        assertLeavesNothingRunningWhenATaskFails(Way.TIMED);
    }

    @Test
    @Tag("no-task-left-running:gather+timeout")
    @Tag("no-thread-left-alive:gather+timeout")
    @DisplayName("gather with a timeout leaves no thread running after it returns")
    void timeoutLeavesNoThreadRunningAfterItReturns() throws Exception {
        assertLeavesNothingRunningAfterItReturns(Way.TIMED);
    }

    @Test
    @Tag("interrupt-caller:gather+timeout")
    @Tag("no-task-left-running:gather+timeout")
    @Tag("no-thread-left-alive:gather+timeout")
    @DisplayName("when the caller is interrupted, gather with a timeout interrupts its tasks, waits for them to end "
            + "and throws InterruptedException")
    void timeoutThrowsInterruptedExceptionWhenInterrupted() throws Exception {
        assertInterruptStopsEverything(Way.TIMED);
    }

    @Test
    @Tag("no-tasks:gather+timeout")
    @DisplayName("gather with a timeout of no tasks returns an empty list, not a TimeoutException")
    void timeoutReturnsAnEmptyListForNoTasks() throws Exception {
        assertReturnsAnEmptyListForNoTasks(Way.TIMED);
    }

    // ── how ─────────────────────────────────────────────────────────────────────────────

    @Test
    @Tag("no-common-pool:Gather")
    @DisplayName("runs no task on the common ForkJoinPool")
    void givesEveryAsyncTaskAnExecutor() {
        gatherGivesEveryAsyncTaskAnExecutor.check(new ClassFileImporter().importPackagesOf(Gather.class));
    }

    // ── checks shared by the three methods ────────────────────────────────────────────

    /// Gather's three public methods, as the tests call them: `name` is how messages call each one.
    private enum Way {
        GATHER("gather"), TIMED("gather(tasks, timeout)"), SETTLED("gatherSettled");

        final String name;

        Way(String name) {
            this.name = name;
        }
    }

    /// Calls `way` on `tasks`; gather(tasks, timeout) gets a timeout (NEVER) that no test reaches.
    private static List<?> call(Way way, List<Supplier<String>> tasks) throws Exception {
        return switch (way) {
            case GATHER -> Gather.gather(tasks);
            case TIMED -> Gather.gather(tasks, NEVER);
            case SETTLED -> Gather.gatherSettled(tasks);
        };
    }

    private void assertRunsAllAtOnce(Way way) throws Exception {
        call(way, waitingForEachOther(MANY));

        int atOnce = timeline.maxRunningAtOnce();
        assertThat(atOnce)
                .withFailMessage("only %d of %d tasks were running at once in %s. Each task waits until all %d have "
                        + "started, so they must all run at the same time, however many there are: give every task "
                        + "a thread of its own (an executor of virtual threads; a pool of a fixed size caps how many "
                        + "run) and start every task before you wait for any.",
                        atOnce, MANY, way.name, MANY)
                .isEqualTo(MANY);
    }

    private void assertTakesAboutTheLongestWait(Way way, TestReporter reporter) throws Exception {
        var waits = List.of(600, 300, 500, 400, 350, 550, 450, 300).stream().map(Duration::ofMillis).toList();
        var tasks = new ArrayList<Supplier<String>>();
        for (var wait : waits) {
            tasks.add(task("task-" + (tasks.size() + 1), () -> {
                Thread.sleep(wait);
                return "done";
            }));
        }

        var took = Latency.assertAboutTheLongest(waits, Duration.ofMillis(600), 3, timeline, () -> call(way, tasks));
        reporter.publishEntry(way.name + " took", Latency.seconds(took) + " (longest wait 0.60 s, sum 3.45 s)");
    }

    private void assertFailsFast(Way way, TestReporter reporter) throws Exception {
        var bound = Duration.ofMillis(100).plus(SLACK);
        var fastest = fastest(bound, () -> {
            var slow = new Slow("slow", SLOW);
            var failure = new IllegalStateException("task-2 failed");
            var tasks = List.of(slow.task, failingOnceStarted("task-2", slow, 100, failure), fetch("task-3", 50));

            long start = System.nanoTime();
            var thrown = catchThrowable(() -> call(way, tasks));
            var elapsed = since(start);

            assertThat(thrown)
                    .withFailMessage("task-2 threw %s after 0.1 s, but %s %s after %s: expected an "
                            + "ExecutionException", failure, way.name, outcome(thrown), Latency.seconds(elapsed))
                    .isInstanceOf(ExecutionException.class);
            return elapsed;
        });
        var took = fastest.took();

        reporter.publishEntry(way.name + " threw after", Latency.seconds(took) + " (task-2 failed at 0.10 s; the "
                + "slow task would have taken " + Latency.seconds(SLOW) + ")");
        assertThat(took)
                .withFailMessage("task-2 failed 0.1 s after the start, but %s threw only after %s%s: it must throw "
                        + "at the FIRST failure, under %s. Two things wait for the slow task: waiting for every "
                        + "future (allOf(...) alone, or get() on each in list order), and closing the executor while "
                        + "the slow task runs on (close() waits for it). Complete allOf's future early when a task "
                        + "fails (completeExceptionally), then interrupt the other tasks (executor.shutdownNow()). "
                        + "What ran, until %s threw:%s",
                        way.name, Latency.seconds(took), took.compareTo(WAITED_FOR_SLOW) >= 0
                                ? ", when the slow task (" + Latency.seconds(SLOW) + ") had ended" : "",
                        Latency.seconds(bound), way.name, picture(fastest))
                .isLessThan(bound);
    }

    private void assertReportsTheFailureThatHappenedFirst(Way way) {
        var lateFailure = new IllegalStateException("task-1 failed late");
        var late = new Slow("task-1", Duration.ofMillis(1500), lateFailure);
        var earlyFailure = new IllegalStateException("task-2 failed early");
        var tasks = List.of(late.task, failingOnceStarted("task-2", late, 50, earlyFailure));

        var thrown = catchThrowable(() -> call(way, tasks));

        assertThat(thrown)
                .withFailMessage("task-2 failed 0.05 s after the start, but %s %s", way.name, outcome(thrown))
                .isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause())
                .withFailMessage("task-2 threw \"%s\" 0.05 s after the start, task-1 would throw \"%s\" after 1.5 s; "
                        + "the ExecutionException %s threw is caused by %s. Report the failure that happens FIRST, "
                        + "whichever task it comes from, as soon as it happens. Timeline:%s",
                        earlyFailure.getMessage(), lateFailure.getMessage(), way.name, thrown.getCause(), timeline)
                .isSameAs(earlyFailure);
    }

    /// A task that throws an Error (not an Exception) while a slow one runs: the call must fail fast with it as
    /// the cause, interrupt the slow task and wait for it to end. A call still waiting at WAITED_FOR_SLOW is
    /// interrupted and fails.
    private void assertFailsFastOnAnError(Way way) throws Exception {
        var slow = new Slow("slow", SLOW).stopIn(Duration.ofMillis(200)); // takes 0.2 s to stop once interrupted
        var error = new StackOverflowError("task-2 recursed too deep");
        var tasks = List.of(slow.task, failingOnceStarted("task-2", slow, 50, error), fetch("task-3", 50));

        var ended = within(WAITED_FOR_SLOW, () -> call(way, tasks));

        assertThat(ended.threw())
                .withFailMessage("task-2 threw %s 0.05 s after the start: an Error, not an Exception, but a failure "
                        + "all the same. %s %s, expected an ExecutionException caused by that Error, at once. A task "
                        + "can throw any Throwable: catch Throwable, not Exception or RuntimeException (or let "
                        + "supplyAsync catch it: the future then fails with it). Timeline:%s",
                        error, way.name, ended, timeline)
                .isInstanceOf(ExecutionException.class);
        assertThat(ended.threw().getCause())
                .withFailMessage("task-2 threw %s, but the cause of the ExecutionException %s threw is %s: pass on "
                        + "the task's own Throwable", error, way.name, ended.threw().getCause())
                .isSameAs(error);
        assertThat(slow.awaitEnd(Duration.ofSeconds(2)))
                .withFailMessage("task-2 threw %s and %s threw, but the slow task %s: a task that throws an Error "
                        + "has failed too, interrupt the tasks still running. Timeline:%s",
                        error, way.name, slow.describe(), timeline)
                .isEqualTo(Fate.INTERRUPTED);
        var running = timeline.notEndedBy(ended.at());
        assertThat(running)
                .withFailMessage("task-2 threw %s, and %s threw while these tasks were still running: %s (the slow "
                        + "task takes 0.2 s to stop once interrupted): on an Error as on an Exception, wait for the "
                        + "interrupted tasks to end before you throw. Timeline:%s",
                        error, way.name, String.join(", ", running), timeline)
                .isEmpty();
    }

    private void assertLeavesNothingRunningWhenATaskFails(Way way) throws Exception {
        var slow = new Slow("slow", SLOW).stopIn(Duration.ofMillis(200)); // takes 0.2 s to stop once interrupted
        var failure = new IllegalStateException("task-2 failed");
        var tasks = List.of(slow.task, failingOnceStarted("task-2", slow, 100, failure), fetch("task-3", 50));
        var before = LiveThreads.snapshot();

        var thrown = catchThrowable(() -> call(way, tasks));
        long threw = System.nanoTime();

        var running = timeline.notEndedBy(threw);
        assertThat(running)
                .withFailMessage("task-2 failed, and %s %s while these tasks were still running: %s (the slow task "
                        + "takes 0.2 s to stop once interrupted): interrupt the tasks you stop, then wait for them to "
                        + "end before you throw (closing the executor, the end of its try-with-resources, waits). "
                        + "Timeline:%s", way.name, outcome(thrown), String.join(", ", running), timeline)
                .isEmpty();
        assertNoThreadLeft(way, "threw", before);
    }

    private void assertLeavesNothingRunningAfterItReturns(Way way) throws Exception {
        var tasks = new ArrayList<>(List.of(fetch("task-1", 100), fetch("task-2", 200), fetch("task-3", 150),
                fetch("task-4", 50)));
        if (way == Way.SETTLED) tasks.add(failing("task-5", 50, new IllegalStateException("task-5 failed")));
        var before = LiveThreads.snapshot();

        call(way, tasks);
        long returned = System.nanoTime();

        var running = timeline.notEndedBy(returned);
        assertThat(running)
                .withFailMessage("%s returned while these tasks were still running: %s. Wait for every task to end "
                        + "before you return. Timeline:%s", way.name, String.join(", ", running), timeline)
                .isEmpty();
        assertNoThreadLeft(way, "returned", before);
    }

    private void assertNoThreadLeft(Way way, String how, Set<Thread> before) throws InterruptedException {
        var leaked = LiveThreads.leakedSince(before, timeline.threads(), Duration.ofSeconds(1));
        assertThat(leaked)
                .withFailMessage("%d thread(s) that %s started or ran tasks on are still alive 1 s after it %s: %s. "
                        + "Shut down every executor you create, on every way out of the method, a throw as well as a "
                        + "return: open it in try-with-resources. Timeline:%s",
                        leaked.size(), way.name, how, LiveThreads.describe(leaked), timeline)
                .isEmpty();
    }

    /// Interrupts the thread that called `way` while a slow task runs: the call must throw InterruptedException,
    /// having interrupted the slow task and waited for it to end (it takes 0.2 s to stop), and leave no thread.
    private void assertInterruptStopsEverything(Way way) throws Exception {
        var slow = new Slow("slow", SLOW).stopIn(Duration.ofMillis(200)); // takes 0.2 s to stop once interrupted
        var tasks = List.of(slow.task, fetch("task-2", 50));
        var before = LiveThreads.snapshot();
        var result = new CompletableFuture<Object>();
        var threwAt = new AtomicLong();
        var caller = Thread.ofPlatform().name("caller").start(() -> {
            try {
                result.complete(call(way, tasks));
            } catch (Throwable e) {
                threwAt.set(System.nanoTime());
                result.complete(e);
            }
        });
        try {
            assertThat(slow.started.await(2, TimeUnit.SECONDS))
                    .withFailMessage("%s did not start the slow task within 2 s. Timeline:%s", way.name, timeline)
                    .isTrue();
            Thread.sleep(100); // let task-2 end and the caller settle into its wait

            caller.interrupt();

            Object outcome;
            try {
                outcome = result.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException stillWaiting) {
                outcome = "was still waiting 2 s later";
            }
            assertThat(outcome)
                    .withFailMessage("the thread that called %s was interrupted while %s waited, and it %s. An "
                            + "interrupt asks a thread to stop what it is doing: wait in a way that an interrupt ends "
                            + "(the future's get() throws InterruptedException; join() ignores interrupts), then "
                            + "interrupt the tasks and throw the InterruptedException.", way.name, way.name,
                            outcome instanceof Throwable e ? "threw " + e
                                    : outcome instanceof String s ? s : "returned " + outcome)
                    .isInstanceOf(InterruptedException.class);
            var running = timeline.notEndedBy(threwAt.get());
            assertThat(slow.awaitEnd(Duration.ofSeconds(2)))
                    .withFailMessage("%s threw InterruptedException, but the slow task %s: interrupt the tasks "
                            + "still running before you throw. Timeline:%s", way.name, slow.describe(), timeline)
                    .isEqualTo(Fate.INTERRUPTED);
            assertThat(running)
                    .withFailMessage("%s threw InterruptedException while these tasks were still running: %s (the "
                            + "slow task takes 0.2 s to stop once interrupted): after interrupting the tasks, wait for "
                            + "them to end before you throw (closing the executor waits, and an interrupt does not "
                            + "stop that wait). Timeline:%s", way.name, String.join(", ", running), timeline)
                    .isEmpty();
        } finally {
            caller.join(SLOW.plusSeconds(1));
        }
        assertNoThreadLeft(way, "threw InterruptedException", before);
    }

    private void assertReturnsAnEmptyListForNoTasks(Way way) throws Exception {
        var ended = within(Duration.ofSeconds(2), () -> call(way, List.of()));

        assertThat(ended.returned())
                .withFailMessage("%s was given no tasks, and it %s: expected an empty list, at once. With no tasks "
                        + "there is nothing to wait for (a pool sized to the task count cannot have 0 threads; "
                        + "anyOf() of nothing never completes).", way.name, ended)
                .isEqualTo(List.of());
    }

    /// What a call did, run on a thread of its own: returned a value, threw, or was still running when the test
    /// stopped waiting (it was then interrupted).
    private record Ended(Object returned, Throwable threw, Duration stillRunningAfter, long at) {
        @Override
        public String toString() {
            if (stillRunningAfter != null) return "was still running after " + Latency.seconds(stillRunningAfter);
            return threw != null ? "threw " + threw : "returned " + returned;
        }
    }

    /// Runs `call` on a thread of its own and waits up to `limit` for it to end; if it has not, interrupts that
    /// thread (and gives it SLOW to end), so that a call that would wait forever fails the test instead of hanging.
    private static Ended within(Duration limit, Callable<?> call) throws InterruptedException {
        var result = new CompletableFuture<Ended>();
        var caller = Thread.ofPlatform().name("caller").start(() -> {
            try {
                var value = call.call();
                result.complete(new Ended(value, null, null, System.nanoTime()));
            } catch (Throwable e) {
                result.complete(new Ended(null, e, null, System.nanoTime()));
            }
        });
        try {
            return result.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException stillRunning) {
            caller.interrupt();
            return new Ended(null, null, limit, System.nanoTime());
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        } finally {
            caller.join(SLOW);
        }
    }

    // ── helpers ─────────────────────────────────────────────────────────────────────────

    /// A call of, or a method reference to, CompletableFuture.supplyAsync(supplier) or runAsync(runnable):
    /// the one-argument forms, which run the task on the common ForkJoinPool.
    private static DescribedPredicate<JavaAccess<?>> asyncWithoutAnExecutor() {
        return DescribedPredicate.describe("CompletableFuture.supplyAsync or runAsync without an executor",
                access -> access.getTargetOwner().getName().equals("java.util.concurrent.CompletableFuture")
                        && (access.getName().equals("supplyAsync") || access.getName().equals("runAsync"))
                        && access.getTarget() instanceof AccessTarget.CodeUnitAccessTarget target
                        && target.getRawParameterTypes().size() == 1);
    }

    /// How a watched task ended, if it has.
    enum Fate { RUNNING, RAN_TO_ITS_END, INTERRUPTED }

    /// A slow task that the test watches: it waits `wait` (then returns its name, or throws `failure` if one is
    /// given) unless it is interrupted first; it records which, and when it started and ended. Told to
    /// `stopIn(cleanup)`, it takes that long to end once interrupted, as a task that closes a connection would.
    private final class Slow {
        final String name;
        final Duration wait;
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch ended = new CountDownLatch(1);
        final Supplier<String> task;
        volatile Fate fate = Fate.RUNNING;
        volatile Duration cleanup = Duration.ZERO;
        volatile long startedAt;
        volatile long endedAt;

        Slow(String name, Duration wait) {
            this(name, wait, null);
        }

        Slow(String name, Duration wait, RuntimeException failure) {
            this.name = name;
            this.wait = wait;
            this.task = task(name, () -> {
                startedAt = System.nanoTime();
                started.countDown();
                try {
                    Thread.sleep(wait);
                    fate = Fate.RAN_TO_ITS_END;
                } catch (InterruptedException e) {
                    fate = Fate.INTERRUPTED;
                    cleanUp(); // runs its course, even if the task is interrupted again meanwhile
                    throw e;
                } finally {
                    endedAt = System.nanoTime();
                    ended.countDown();
                }
                if (failure != null) throw failure;
                return name;
            });
        }

        /// Takes `cleanup` to end, as closing a connection would: a second interrupt (shutdownNow called twice)
        /// does not cut it short, so a caller that does not wait for the task cannot pass by interrupting it again.
        private void cleanUp() {
            long until = System.nanoTime() + cleanup.toNanos();
            boolean interruptedAgain = false;
            for (long left; (left = until - System.nanoTime()) > 0; ) {
                try {
                    Thread.sleep(Duration.ofNanos(left));
                } catch (InterruptedException again) {
                    interruptedAgain = true;
                }
            }
            if (interruptedAgain) Thread.currentThread().interrupt();
        }

        Slow stopIn(Duration cleanup) {
            this.cleanup = cleanup;
            return this;
        }

        /// Waits up to `grace` for the task to end (it does at once if it was interrupted), and says how it did.
        Fate awaitEnd(Duration grace) throws InterruptedException {
            if (started.getCount() == 0) ended.await(grace.toNanos(), TimeUnit.NANOSECONDS);
            return fate;
        }

        String describe() {
            return switch (fate) {
                case RUNNING -> started.getCount() > 0 ? "never started" : "was still running, never interrupted";
                case RAN_TO_ITS_END -> "ran its whole " + Latency.seconds(wait) + " without being interrupted";
                case INTERRUPTED -> "was interrupted after " + Latency.seconds(Duration.ofNanos(endedAt - startedAt));
            };
        }
    }

    /// A simulated fetch, recorded in the timeline: waits `millis`, then returns `name`.
    private Supplier<String> fetch(String name, long millis) {
        return task(name, () -> {
            Thread.sleep(millis);
            return name;
        });
    }

    /// A task, recorded in the timeline, that waits `millis` and then throws `failure` (an exception or an Error).
    private Supplier<String> failing(String name, long millis, Throwable failure) {
        return task(name, () -> {
            Thread.sleep(millis);
            throw unchecked(failure);
        });
    }

    /// A task that waits (up to 2 s) until `other` has started, then `millis` more, then throws `failure`:
    /// so that the failure surely comes while `other` is running.
    private Supplier<String> failingOnceStarted(String name, Slow other, long millis, Throwable failure) {
        return task(name, () -> {
            other.started.await(2, TimeUnit.SECONDS);
            Thread.sleep(millis);
            throw unchecked(failure);
        });
    }

    /// `failure` as a task may throw it: a RuntimeException is returned (to throw), an Error is thrown here.
    private static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof Error error) throw error;
        return (RuntimeException) failure;
    }

    /// `n` tasks that each wait until all `n` are running (at most 2 s in all: a broken barrier lets the rest go).
    private List<Supplier<String>> waitingForEachOther(int n) {
        var allStarted = new CyclicBarrier(n);
        var tasks = new ArrayList<Supplier<String>>();
        for (int i = 1; i <= n; i++) {
            tasks.add(task("task-" + i, () -> {
                try {
                    allStarted.await(2, TimeUnit.SECONDS); // passes only once all n tasks are running
                } catch (TimeoutException | BrokenBarrierException gaveUp) {
                    // not all were running at once: finish, so that the test can tell how many were
                }
                return "done";
            }));
        }
        return tasks;
    }

    /// `body` as a Supplier, recorded in the timeline under `name`. A Supplier may not throw a checked exception,
    /// so one that `body` throws (an InterruptedException) ends it wrapped in a CompletionException.
    private <T> Supplier<T> task(String name, Callable<T> body) {
        Callable<T> recorded = timeline.record(name, body);
        return () -> {
            try {
                return recorded.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        };
    }

    /// One attempt at a timed call: how long the call took, and when the attempt began and ended (System.nanoTime()).
    private record Attempt(Duration took, long from, long to) {}

    /// Runs `attempt`, which returns how long the call it checks took, up to 3 times while that is `bound` or
    /// more: a busy machine may pause a run. A run that took WAITED_FOR_SLOW or more waited for a slow task,
    /// which is a wrong answer, not noise, and is not retried. Returns the fastest attempt.
    private static Attempt fastest(Duration bound, Callable<Duration> attempt) throws Exception {
        var best = timed(attempt);
        for (int run = 1; run < 3 && best.took().compareTo(bound) >= 0 && best.took().compareTo(WAITED_FOR_SLOW) < 0;
                run++) {
            var again = timed(attempt);
            if (again.took().compareTo(best.took()) < 0) best = again;
        }
        return best;
    }

    /// What the timeline saw during `attempt`, as a picture.
    private String picture(Attempt attempt) {
        return timeline.picture(attempt.from(), attempt.to());
    }

    private static Attempt timed(Callable<Duration> attempt) throws Exception {
        long from = System.nanoTime();
        var took = attempt.call();
        return new Attempt(took, from, System.nanoTime());
    }

    /// What a wrongly-typed answer hints at, for the settled test's message.
    private static String settledHint(List<? extends Outcome<?>> outcomes, List<Throwable> thrown) {
        for (var outcome : outcomes) {
            if (outcome instanceof Outcome.Failure<?> f && f.exception() != null
                    && !thrown.contains(f.exception()) && thrown.contains(f.exception().getCause())) {
                return "A Failure holds " + f.exception().getClass().getSimpleName() + " wrapping the task's "
                        + "exception: hand back the task's own exception (a finished future's exceptionNow(), or "
                        + "the wrapper's getCause()).";
            }
        }
        return "Each task's outcome goes in its own place: read the futures in the order of the tasks once all are "
                + "done, and turn none of them into a stop for the others.";
    }

    private static String outcome(Throwable thrown) {
        return thrown == null ? "returned normally" : "threw " + thrown;
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
