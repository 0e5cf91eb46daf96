package workers;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import check.Declared;
import check.Timeline;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
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
    @DisplayName("returns every worker's result in the order of the list")
    void returnsResultsInListOrder() throws Exception {
        var workers = List.of(work("a", 300), work("b", 100), work("c", 200));

        assertThat(Workers.runAll(workers))
                .as("results of workers a, b, c, which finish in the order b, c, a")
                .containsExactly("a", "b", "c");
    }

    @Test
    @DisplayName("runs each worker on a thread of its own, named worker-1, worker-2, …")
    void runsEachWorkerOnItsOwnNamedThread() throws Exception {
        var workers = new ArrayList<Callable<String>>();
        for (int i = 1; i <= 4; i++) {
            workers.add(() -> Thread.currentThread().getName());
        }

        var names = Workers.runAll(workers);

        assertThat(names)
                .withFailMessage("each worker reported the name of the thread it ran on: %s. Expected %s: "
                        + "start a new thread per worker, named in list order (Thread.ofPlatform().name(...)).",
                        names, List.of("worker-1", "worker-2", "worker-3", "worker-4"))
                .containsExactly("worker-1", "worker-2", "worker-3", "worker-4");
    }

    @Test
    @DisplayName("runs all workers at the same time")
    void runsAllWorkersAtTheSameTime() throws Exception {
        int n = 4;
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
                        + "any (start() then join() in the same loop runs them one after another). Timeline:%s",
                        atOnce, n, timeline)
                .isEqualTo(n);
    }

    @Test
    @DisplayName("has joined every thread it started by the time it returns")
    void joinsEveryThreadBeforeReturning() throws Exception {
        var workers = List.of(work("a", 200), work("b", 50), work("c", 100));

        var results = Workers.runAll(workers);

        // A worker that had not even started yet counts too: under load the scheduler may not have run it.
        var unfinished = timeline.notEndedBy(System.nanoTime());
        assertThat(unfinished)
                .withFailMessage("when runAll returned, workers %s had not finished (results: %s). join() every thread "
                        + "you started before you return. Timeline:%s", unfinished, results, timeline)
                .isEmpty();
        var stillAlive = timeline.threads().stream().filter(Thread::isAlive).map(Thread::getName).toList();
        assertThat(stillAlive)
                .withFailMessage("when runAll returned, these threads were still alive: %s (results: %s). "
                        + "join() every thread you started before you return. Timeline:%s", stillAlive, results, timeline)
                .isEmpty();
    }

    @Test
    @DisplayName("when a worker fails, waits for the others, then names the failed thread")
    void reportsAFailingWorkerByName() {
        var failure = new IOException("disk full");
        List<Callable<String>> workers = List.of(work("a", 50), timeline.record("b", () -> {
            throw failure;
        }), work("c", 300));

        var thrown = catchThrowable(() -> Workers.runAll(workers));

        assertThat(thrown)
                .withFailMessage("worker-2 threw %s, but runAll %s: throw a WorkerFailedException naming the thread, "
                        + "with the worker's exception as its cause", failure,
                        thrown == null ? "returned normally" : "threw " + thrown)
                .isInstanceOf(Workers.WorkerFailedException.class);
        var failed = (Workers.WorkerFailedException) thrown;
        assertThat(failed.threadName()).as("the name of the failed worker's thread").isEqualTo("worker-2");
        assertThat(failed.getCause()).as("the cause: the worker's own exception").isSameAs(failure);
        var stillAlive = timeline.threads().stream().filter(Thread::isAlive).map(Thread::getName).toList();
        assertThat(stillAlive)
                .withFailMessage("after a worker failed, runAll threw while these threads were still running: %s. "
                        + "Join every thread first, then report the failure. Timeline:%s", stillAlive, timeline)
                .isEmpty();
    }

    @Test
    @DisplayName("uses threads, not executors (this exercise is about Thread)")
    void usesThreadsNotExecutors() {
        runAllStartsItsOwnThreads.check(new ClassFileImporter().importPackagesOf(Workers.class));
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
