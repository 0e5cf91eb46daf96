package fetchall;

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
import check.Timeline;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
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
    @DisplayName("returns every value in the order of the tasks, not in the order they finish")
    void returnsEveryValueInInputOrder() throws Exception {
        var tasks = List.of(fetch("a", 500), fetch("b", 400), fetch("c", 300), fetch("d", 200), fetch("e", 100));

        assertThat(FetchAll.fetchAll(tasks))
                .as("results of tasks a…e, which finish in the order e, d, c, b, a")
                .containsExactly("a", "b", "c", "d", "e");
    }

    @Test
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
    @DisplayName("runs all tasks at the same time")
    void runsAllTasksAtTheSameTime() throws Exception {
        int n = 8;
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
                        + "so they must all run at the same time: start every task before you wait for any. Timeline:%s",
                        atOnce, n, n, timeline)
                .isEqualTo(n);
    }

    @Test
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
    @DisplayName("returns only after every task has finished")
    void returnsOnlyAfterEveryTaskHasFinished() throws Exception {
        var tasks = List.of(fetch("task-1", 100), fetch("task-2", 700), fetch("task-3", 400), fetch("task-4", 900));

        FetchAll.fetchAll(tasks);
        long returned = System.nanoTime();

        var running = timeline.notEndedBy(returned);
        assertThat(running)
                .withFailMessage("fetchAll returned while %d of %d tasks had not finished (%s): wait for every task "
                        + "before you return. Timeline:%s", running.size(), tasks.size(), String.join(", ", running), timeline)
                .isEmpty();
    }

    @Test
    @DisplayName("when a task fails, throws an ExecutionException caused by the task's exception")
    void throwsTheTasksExceptionAsCause() {
        var failure = new IOException("connection reset");
        List<Callable<String>> tasks = List.of(fetch("task-1", 100), () -> {
            Thread.sleep(50);
            throw failure;
        }, fetch("task-3", 200));

        var thrown = catchThrowable(() -> FetchAll.fetchAll(tasks));

        var outcome = thrown == null ? "returned normally" : "threw " + thrown;
        assertThat(thrown)
                .withFailMessage("task-2 threw %s, but fetchAll %s: let the failure reach the caller "
                        + "as an ExecutionException whose cause is the task's exception", failure, outcome)
                .isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause())
                .withFailMessage("task-2 threw %s, but the cause of the ExecutionException is %s: "
                        + "pass on the task's own exception", failure, thrown.getCause())
                .isSameAs(failure);
    }

    @Test
    @DisplayName("does not use parallel streams")
    void doesNotUseParallelStreams() {
        fetchAllDoesNotUseParallelStreams.check(new ClassFileImporter().importPackagesOf(FetchAll.class));
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
