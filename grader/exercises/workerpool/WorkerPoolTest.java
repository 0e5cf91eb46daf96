package workerpool;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import check.Declared;
import check.Kernels;
import check.LiveThreads;
import check.SpeedUp;
import check.SpeedUpTest;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

@DisplayName("WorkerPool.run")
class WorkerPoolTest {

    /// How long the desk holds a job back while it waits for other jobs to arrive.
    private static final Duration HOLD = Duration.ofSeconds(8);
    /// How long a test waits for run to return before it calls it stuck: a run here takes a second or so, and one
    /// that a desk holds up for HOLD (a run with too few workers) must still be told apart from one that hangs.
    private static final Duration RUN_LIMIT = HOLD.plusSeconds(5);
    /// How long the desk holds one worker's job after another worker's job has failed for good.
    private static final Duration LINGER = Duration.ofMillis(1500);
    /// How long worker processes may take to end after run has returned.
    private static final Duration GRACE = Duration.ofSeconds(2);

    static final ArchRule workerPoolHandsOutItsJobsThroughABlockingQueue = classes()
            .that(Declared.inFile("WorkerPool.java"))
            .should(togetherUseABlockingQueue())
            .as("WorkerPool.java hands out its jobs through a BlockingQueue")
            .because("one shared queue that every bridge thread takes its next job from is what balances the load: "
                    + "a worker that is free takes the next job, while a fixed share per worker leaves one worker "
                    + "idle behind another's slow job. Put the jobs on a LinkedBlockingQueue, then a poison pill "
                    + "per bridge, and let each bridge take() until it gets its pill");

    @BeforeEach
    @AfterEach
    void endLeftoverWorkers() throws InterruptedException {
        // So that a worker one test leaves behind cannot count against the next one.
        var leftovers = ProcessHandle.current().descendants().toList();
        leftovers.forEach(ProcessHandle::destroyForcibly);
        for (var process : leftovers) {
            process.onExit().completeOnTimeout(process, 2, TimeUnit.SECONDS).join();
        }
    }

    @Test
    @Tag("job-order:run")
    @DisplayName("returns the answers in job order, whichever job finishes first")
    void returnsTheAnswersInJobOrder() throws Exception {
        var held = holdJobZeroUntilTheOthersHaveBeenAsked();

        assertThat(held.results())
                .withFailMessage("the test answered job 0 last, after jobs 1–5, yet result i must be the answer to "
                        + "job i. run returned %s. Put each answer in its job's slot (results[i] for job i) "
                        + "rather than in the order the answers come back. Who asked what: %s",
                        held.results(), held.whoAskedWhat())
                .containsExactly("answer-0", "answer-1", "answer-2", "answer-3", "answer-4", "answer-5");
    }

    @Test
    @Tag("free-worker-takes-next:run")
    @DisplayName("hands the next job to whichever worker is free, through one shared queue")
    void handsTheNextJobToWhicheverWorkerIsFree() throws Exception {
        var held = holdJobZeroUntilTheOthersHaveBeenAsked();

        assertThat(held.othersAskedMeanwhile())
                .withFailMessage("with 2 workers, the test held job 0 in one worker for %d s, waiting for jobs 1–5, "
                        + "but the other worker did not do them all in that time. Who asked what: %s. A free worker "
                        + "must take the next job: let every bridge take() from one shared queue, rather than "
                        + "giving each worker a fixed share of the jobs or waiting for one job before the next.",
                        HOLD.toSeconds(), held.whoAskedWhat())
                .isTrue();
    }

    @Test
    @Tag("all-workers-at-once:run")
    @Tag("never-more-workers:run")
    @DisplayName("runs `workers` jobs at once, each in a worker process of its own, and never more workers than that")
    void runsWorkersJobsAtOnceEachInAProcessOfItsOwn() throws Exception {
        // One more worker than cores: a pool capped at the core count (or at any small number) cannot hold them all.
        int workers = Math.max(3, Runtime.getRuntime().availableProcessors() + 1);
        var before = pidsOfWorkers();
        var allArrived = new CountDownLatch(workers);
        var gaveUp = new AtomicBoolean();
        var mostAlive = new AtomicLong();
        try (var desk = new Desk(question -> {
            // The first `workers` questions wait here until all of them have arrived: only then are they answered.
            allArrived.countDown();
            if (!gaveUp.get() && !allArrived.await(HOLD.toMillis(), TimeUnit.MILLISECONDS)) gaveUp.set(true);
            // While every worker holds a job, how many worker processes of run's are alive?
            mostAlive.accumulateAndGet(startedSince(before).stream().filter(ProcessHandle::isAlive).count(), Math::max);
            return "answer";
        })) {
            var jobs = IntStream.range(0, 2 * workers).mapToObj(i -> desk.job("job-" + i)).toList();

            run(jobs, workers);

            int atOnce = desk.mostWaitingAtOnce();
            assertThat(atOnce)
                    .withFailMessage("with workers = %d, at most %d job(s) were running at once (the test held each "
                            + "job until %d were running). Start all %d workers, each with a bridge thread of its "
                            + "own, before you wait for any answer, with no cap on the threads (such as a pool sized "
                            + "to the cores). Who asked what: %s",
                            workers, atOnce, workers, workers, desk.whoAskedWhat())
                    .isEqualTo(workers);
            long me = ProcessHandle.current().pid();
            var notChildren = desk.asked().stream().filter(q -> q.parentPid() != me).toList();
            assertThat(notChildren)
                    .withFailMessage("these jobs were not run by a worker process that run started (pid %d, this "
                            + "JVM, should be their parent): %s. Start each worker with Worker.start().", me, notChildren)
                    .isEmpty();
            assertThat(mostAlive.get())
                    .withFailMessage("with workers = %d, %d worker processes were alive at once while every worker "
                            + "held a job: run must never have more than `workers` worker processes, so start no "
                            + "spare one, and start a worker only in place of one that is gone.",
                            workers, mostAlive.get())
                    .isLessThanOrEqualTo(workers);
        }
    }

    @Test
    @Tag("keeps-each-worker:run")
    @DisplayName("keeps each worker process for many jobs rather than starting one per job")
    void keepsEachWorkerProcessForManyJobs() throws Exception {
        int workers = 2;
        try (var desk = new Desk(question -> "answer")) {
            var jobs = IntStream.range(0, 10).mapToObj(i -> desk.job("job-" + i)).toList();

            run(jobs, workers);

            long processes = desk.asked().stream().mapToLong(Desk.Question::pid).distinct().count();
            assertThat(processes)
                    .withFailMessage("%d different worker processes did the 10 jobs with workers = %d: %s. Starting "
                            + "a JVM costs far more than a job like these, so start each worker once, in its "
                            + "bridge, and send it job after job until the jobs run out.",
                            processes, workers, desk.whoAskedWhat())
                    .isLessThanOrEqualTo(workers);
        }
    }

    @Test
    @Tag("replaces-dead-worker:run")
    @DisplayName("replaces a worker that dies mid-job, and the fresh worker does that job")
    void replacesAWorkerThatDiesMidJob() throws Exception {
        var crashed = new AtomicBoolean();
        try (var desk = new Desk(question -> {
            // The first worker to ask job-2 is told to exit with code 3 there and then, without an answer.
            if (question.text().equals("job-2") && crashed.compareAndSet(false, true)) return "exit 3";
            return question.text().replace("job", "answer");
        })) {
            var jobs = IntStream.range(0, 6).mapToObj(i -> desk.job("job-" + i)).toList();

            var results = run(jobs, 2);

            var tries = desk.asked("job-2");
            assertThat(results)
                    .withFailMessage("the worker that ran job 2 exited with code 3 before it answered; run should "
                            + "have started a fresh worker and given it job 2 once more, but returned %s. When "
                            + "worker.call(job) returns null, close that worker, start a new one and call again. "
                            + "Job 2 was tried %d time(s). Who asked what: %s", results, tries.size(), desk.whoAskedWhat())
                    .containsExactly("answer-0", "answer-1", "answer-2", "answer-3", "answer-4", "answer-5");
            assertThat(tries).extracting(Desk.Question::pid)
                    .withFailMessage("job 2 should have been tried twice, by two different processes (the crashed "
                            + "one, then a fresh one), but was tried by %s", tries)
                    .hasSize(2).doesNotHaveDuplicates();
        }
    }

    @Test
    @Tag("throws-when-retry-dies:run")
    @Tag("no-worker-left:run")
    @Tag("no-bridge-left:run")
    @DisplayName("throws a JobFailedException when the retry of a job dies too, and leaves no worker behind")
    void throwsJobFailedExceptionWhenTheRetryDiesToo() throws Exception {
        var before = pidsOfWorkers();
        var threadsBefore = LiveThreads.snapshot();

        var thrown = catchThrowable(() -> run(List.of("sum 0 1000", "exit 7", "sum 1000 2000"), 2));
        if (thrown instanceof UnsupportedOperationException todo) throw todo; // run is not written yet

        assertThat(thrown)
                .withFailMessage("job 1 (\"exit 7\") makes every worker that runs it exit with code 7, so its retry "
                        + "dies too and run must throw a JobFailedException, but it %s.",
                        thrown == null ? "returned normally" : "threw " + thrown)
                .isInstanceOf(JobFailedException.class);
        var failed = (JobFailedException) thrown;
        assertThat(List.of(failed.index(), failed.job(), failed.exitCode()))
                .withFailMessage("the JobFailedException should name job 1, \"exit 7\", and exit code 7, but says "
                        + "job %d, \"%s\", exit code %d: pass the job's index, the job, and worker.exitCode() of the "
                        + "worker that died on the retry", failed.index(), failed.job(), failed.exitCode())
                .isEqualTo(List.of(1, "exit 7", 7));
        assertNothingLeftAfterItThrew(before, threadsBefore);
    }

    @Test
    @Tag("no-worker-left:run")
    @Tag("no-bridge-left:run")
    @DisplayName("leaves no worker process and no bridge thread running when it returns")
    void leavesNoWorkerProcessAndNoBridgeThreadRunning() throws Exception {
        var before = pidsOfWorkers();
        var threadsBefore = LiveThreads.snapshot();
        var jobs = LongStream.range(0, 9).mapToObj(k -> "sum " + k * 1000 + " " + (k + 1) * 1000).toList();

        run(jobs, 3);
        // At once, before a worker that is being closed in the background can end: what run left running.
        var aliveWhenReturned = startedSince(before).stream().filter(ProcessHandle::isAlive).toList();

        var left = stillRunningAfterGrace(before);
        assertThat(left)
                .withFailMessage("%d of the worker processes are still running %s after run returned: %s. Close "
                        + "every worker when its bridge ends (worker.close() closes its stdin, the worker's cue to "
                        + "exit, and waits for it), e.g. in a finally.", left.size(), seconds(GRACE), describe(left))
                .isEmpty();
        assertThat(aliveWhenReturned)
                .withFailMessage("%d worker process(es) were still running at the moment run returned: %s. They "
                        + "ended later, but run must not return before they have: close each worker in its bridge "
                        + "with worker.close(), which waits for the process to exit, and wait for every bridge.",
                        aliveWhenReturned.size(), describe(aliveWhenReturned))
                .isEmpty();
        assertNoBridgeLeft(threadsBefore, "returned");
    }

    @Test
    @Tag("answers-as-written:run")
    @DisplayName("returns each worker's answer to its job, as the worker wrote it, also for a job given twice")
    void returnsEachWorkersAnswerAsWritten() throws Exception {
        // 12 jobs, then the first 4 of them once more: a repeated job is a job of its own, with a slot of its own.
        var ranges = LongStream.range(0, 16).map(k -> k % 12).boxed().toList();
        var jobs = ranges.stream().map(k -> "sum " + k * 100_000 + " " + (k + 1) * 100_000).toList();
        var expected = ranges.stream()
                .map(k -> Double.toString(Kernels.sumOfSquareRoots(k * 100_000, (k + 1) * 100_000))).toList();

        var results = run(jobs, 2);

        assertThat(results)
                .withFailMessage("for the 16 jobs %s… (jobs 12–15 repeat jobs 0–3), run returned %s; expected the "
                        + "workers' answers %s, one per job, in job order, as worker.call(job) returned them. Find a "
                        + "job's slot by its index, never by looking the job up in the list (jobs.indexOf finds the "
                        + "first copy only).", jobs.subList(0, 2), results, expected)
                .isEqualTo(expected);
    }

    @Test
    @Tag("answers-as-written:run")
    @Tag("no-worker-left:run")
    @Tag("no-bridge-left:run")
    @DisplayName("returns an empty list for no jobs, and leaves no worker or bridge behind")
    void returnsAnEmptyListForNoJobs() throws Exception {
        var before = pidsOfWorkers();
        var threadsBefore = LiveThreads.snapshot();

        var results = run(List.of(), 2);

        assertThat(results)
                .withFailMessage("run(no jobs, workers = 2) returned %s: with no jobs there are no answers, so return "
                        + "an empty list (a queue or a pool sized to the number of jobs must still work for 0)", results)
                .isEmpty();
        var left = stillRunningAfterGrace(before);
        assertThat(left)
                .withFailMessage("%d worker process(es) still running %s after run(no jobs) returned: %s. Close every "
                        + "worker you start, even when there is no job for it.", left.size(), seconds(GRACE),
                        describe(left))
                .isEmpty();
        assertNoBridgeLeft(threadsBefore, "returned");
    }

    @Test
    @Tag("at-least-one-worker:run")
    @DisplayName("refuses fewer than one worker with an IllegalArgumentException")
    void refusesFewerThanOneWorker() {
        for (int workers : List.of(0, -1, Integer.MIN_VALUE)) {
            var thrown = catchThrowable(() -> run(List.of("job-1", "job-2"), workers));

            assertThat(thrown)
                    .withFailMessage("run(2 jobs, workers = %d) %s. No worker could ever do a job: throw an "
                            + "IllegalArgumentException at once, as Executors.newFixedThreadPool(%d) does", workers,
                            thrown == null ? "returned normally" : "threw " + thrown, workers)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @Tag("job-order:run")
    @Tag("free-worker-takes-next:run")
    @Tag("keeps-each-worker:run")
    @Tag("answers-as-written:run")
    @DisplayName("returns hundreds of answers in job order while the workers take turns, on the same workers throughout")
    void returnsHundredsOfAnswersInJobOrderWhileTheWorkersTakeTurns() throws Exception {
        int count = 240, workers = 2;
        // Named so that their sorted order is not job order: job-240, job-239, …, job-1.
        var names = IntStream.range(0, count).mapToObj(i -> "job-" + (count - i)).toList();
        var position = IntStream.range(0, count).boxed().collect(Collectors.toMap(names::get, i -> i));
        var asked = IntStream.range(0, count).mapToObj(i -> new CountDownLatch(1)).toList();
        var gaveUp = new AtomicBoolean();
        try (var desk = new Desk(question -> {
            // Job i is answered only once job i+1 has been asked: the free worker takes the next job, so the
            // 2 workers take turns (one does the even jobs, the other the odd ones).
            int i = position.get(question.text());
            asked.get(i).countDown();
            if (i + 1 < count && !gaveUp.get()
                    && !asked.get(i + 1).await(HOLD.toMillis(), TimeUnit.MILLISECONDS)) gaveUp.set(true);
            return question.text().replace("job", "answer");
        })) {
            var jobs = names.stream().map(desk::job).toList();
            var expected = names.stream().map(name -> name.replace("job", "answer")).toList();

            var results = run(jobs, workers);

            assertThat(results)
                    .withFailMessage("for %d jobs on %d workers that took turns (one did the even jobs, the other the "
                            + "odd ones), result i must be the answer to job i, but run returned %s… where %s… was "
                            + "expected. Put each answer in its job's slot (results[i] for job i): not in the order of "
                            + "the workers, nor of the answers, nor sorted, and with room for any number of jobs.",
                            count, workers, head(results), head(expected))
                    .isEqualTo(expected);
            assertThat(gaveUp.get())
                    .withFailMessage("the test answered each job only once the next job had been asked, but job "
                            + "i+1 was not asked within %d s of job i: the worker that was free did not take the "
                            + "next job. Let every bridge take() from one shared queue. Who asked what: %s",
                            HOLD.toSeconds(), desk.whoAskedWhat())
                    .isFalse();
            long processes = desk.asked().stream().mapToLong(Desk.Question::pid).distinct().count();
            assertThat(processes)
                    .withFailMessage("%d different worker processes did the %d jobs with workers = %d: keep each "
                            + "worker for all its jobs, however many there are.", processes, count, workers)
                    .isLessThanOrEqualTo(workers);
        }
    }

    @Test
    @Tag("replaces-dead-worker:run")
    @Tag("job-order:run")
    @DisplayName("replaces every worker that dies, also when more die than there are workers, and loses no job")
    void replacesEveryWorkerThatDiesEvenMoreThanThereAreWorkers() throws Exception {
        int workers = 2;
        // 3 deaths on 2 workers: at least one bridge sees two of them.
        var dying = Set.of("job-3", "job-4", "job-11");
        var died = ConcurrentHashMap.<String>newKeySet();
        try (var desk = new Desk(question -> {
            // The first worker to ask a dying job exits with code 3 there and then; the retry is answered.
            if (dying.contains(question.text()) && died.add(question.text())) return "exit 3";
            return question.text().replace("job", "answer");
        })) {
            var jobs = IntStream.range(0, 16).mapToObj(i -> desk.job("job-" + i)).toList();
            var expected = IntStream.range(0, 16).mapToObj(i -> "answer-" + i).toList();

            List<String> results;
            try {
                results = run(jobs, workers);
            } catch (JobFailedException e) {
                throw new AssertionError("jobs 3, 4 and 11 each killed the first worker that ran them, but their "
                        + "retries were answered, so run should have returned; it threw " + e + ". Give each job "
                        + "its one retry on a fresh worker, however many workers died before (a bridge may replace "
                        + "its worker many times). Who asked what: " + desk.whoAskedWhat(), e);
            }

            assertThat(results)
                    .withFailMessage("jobs 3, 4 and 11 each killed the first worker that ran them (3 deaths on %d "
                            + "workers), and their retries were answered. run should have returned %s but returned %s. "
                            + "The fresh worker takes the dead one's place in its bridge, for the retry and every job "
                            + "after it. Who asked what: %s", workers, expected, results, desk.whoAskedWhat())
                    .isEqualTo(expected);
            long processes = desk.asked().stream().mapToLong(Desk.Question::pid).distinct().count();
            assertThat(processes)
                    .withFailMessage("%d different worker processes asked questions, but %d workers and one fresh "
                            + "worker for each of the 3 that died make %d at most: the fresh worker takes the dead "
                            + "one's place for good. Who asked what: %s", processes, workers, workers + dying.size(),
                            desk.whoAskedWhat())
                    .isLessThanOrEqualTo(workers + dying.size());
            for (String job : dying) {
                var tries = desk.asked(job);
                assertThat(tries).extracting(Desk.Question::pid)
                        .withFailMessage("%s killed the first worker that ran it, so it should have been tried twice, "
                                + "by two different processes, but was tried by %s", job, tries)
                        .hasSize(2).doesNotHaveDuplicates();
            }
        }
    }

    @Test
    @Tag("throws-when-retry-dies:run")
    @Tag("replaces-dead-worker:run")
    @DisplayName("retries a job that killed its worker once, then throws naming the job, its index and the last exit code")
    void retriesOnceThenThrowsNamingTheJobAndTheLastExitCode() throws Exception {
        int failing = 41;
        var tries = new AtomicInteger();
        try (var desk = new Desk(question -> {
            if (!question.text().equals("dies")) return "answer";
            // The first worker to run it exits with code 3, every later one with code 5.
            return tries.incrementAndGet() == 1 ? "exit 3" : "exit 5";
        })) {
            var jobs = IntStream.range(0, 60).mapToObj(i -> desk.job(i == failing ? "dies" : "job-" + i)).toList();

            var thrown = catchThrowable(() -> run(jobs, 2));
            if (thrown instanceof UnsupportedOperationException todo) throw todo; // run is not written yet

            var asked = desk.asked("dies");
            assertThat(asked).extracting(Desk.Question::pid)
                    .withFailMessage("job %d killed every worker that ran it: it should have been tried exactly twice "
                            + "(the first worker, then ONE fresh worker), by two different processes, but was tried "
                            + "by %s. Retry a job once, on a fresh worker, and no more.", failing, asked)
                    .hasSize(2).doesNotHaveDuplicates();
            assertThat(thrown)
                    .withFailMessage("job %d killed the first worker (exit code 3) and then the fresh one (exit code "
                            + "5), so run must throw a JobFailedException, but it %s.", failing,
                            thrown == null ? "returned normally" : "threw " + thrown)
                    .isInstanceOf(JobFailedException.class);
            var failed = (JobFailedException) thrown;
            assertThat(List.of(failed.index(), failed.job(), failed.exitCode()))
                    .withFailMessage("the JobFailedException should name job %d, \"%s\", and exit code 5 (of the "
                            + "fresh worker, the last to die; the first exited with 3), but says job %d, \"%s\", exit "
                            + "code %d: pass the job's index in jobs, the job, and worker.exitCode() of the worker that "
                            + "died on the retry", failing, jobs.get(failing), failed.index(), failed.job(),
                            failed.exitCode())
                    .isEqualTo(List.of(failing, jobs.get(failing), 5));
        }
    }

    @Test
    @Tag("no-worker-left:run")
    @Tag("no-bridge-left:run")
    @Tag("throws-when-retry-dies:run")
    @DisplayName("throws only once the other workers' jobs are done, every bridge has ended and every worker has exited")
    void throwsOnlyOnceEveryBridgeHasEndedAndEveryWorkerHasExited() throws Exception {
        var before = pidsOfWorkers();
        var threadsBefore = LiveThreads.snapshot();
        var retried = new CountDownLatch(1);
        var runEnded = new CountDownLatch(1);
        var tries = new AtomicInteger();
        try (var desk = new Desk(question -> {
            if (question.text().equals("dies")) {
                if (tries.incrementAndGet() == 1) return "exit 3";
                retried.countDown();
                return "exit 5";
            }
            // The other worker's job is held until the dying job's retry has been asked, and LINGER longer: run,
            // which must wait for it, cannot throw before.
            retried.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
            runEnded.await(LINGER.toMillis(), TimeUnit.MILLISECONDS);
            return "answer";
        })) {
            var jobs = List.of(desk.job("slow"), desk.job("dies"));

            var thrown = catchThrowable(() -> run(jobs, 2));
            // At once, before anything can end late: what run left running when it threw.
            var aliveWhenThrown = startedSince(before).stream().filter(ProcessHandle::isAlive).toList();
            var bridges = bridgesLeftBehind(threadsBefore);
            runEnded.countDown();
            if (thrown instanceof UnsupportedOperationException todo) throw todo; // run is not written yet

            assertThat(thrown)
                    .withFailMessage("job 1 killed the first worker and the fresh one, so run must throw a "
                            + "JobFailedException, but it %s.", thrown == null ? "returned normally" : "threw " + thrown)
                    .isInstanceOf(JobFailedException.class);
            assertThat(aliveWhenThrown)
                    .withFailMessage("when run threw, %d worker process(es) were still running: %s. The other "
                            + "worker was still doing job 0 (the test held it %.1f s longer). Before you throw, "
                            + "wait for every bridge to end and close its worker (e.g. let the bridges finish and "
                            + "close the executor), rather than throwing the first failure at once.",
                            aliveWhenThrown.size(), describe(aliveWhenThrown), LINGER.toMillis() / 1000.0)
                    .isEmpty();
            assertThat(bridges)
                    .withFailMessage("%d thread(s) that run started were still alive %s after it threw: %s. Wait for "
                            + "every bridge before you throw, and shut down whatever runs them on every path out "
                            + "of run (try-with-resources on the executor, or a finally).", bridges.size(),
                            seconds(GRACE), String.join(", ", bridges))
                    .isEmpty();
        }
    }

    @Test
    @Tag("throws-when-retry-dies:run")
    @Tag("no-worker-left:run")
    @Tag("no-bridge-left:run")
    @DisplayName("throws one JobFailedException when two jobs' retries die at the same moment, and leaves nothing behind")
    void throwsOnceWhenTwoRetriesDieAtOnce() throws Exception {
        var before = pidsOfWorkers();
        var threadsBefore = LiveThreads.snapshot();
        var tries = new ConcurrentHashMap<String, AtomicInteger>();
        var retriesAsked = new CyclicBarrier(2);
        try (var desk = new Desk(question -> {
            if (!question.text().startsWith("dies")) return "answer";
            // Each dying job kills its first worker at once; the two retries die together, once both are asked.
            if (tries.computeIfAbsent(question.text(), text -> new AtomicInteger()).incrementAndGet() == 1) {
                return "exit 3";
            }
            retriesAsked.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
            return "exit 5";
        })) {
            var jobs = IntStream.range(0, 12).mapToObj(i -> desk.job(i < 2 ? "dies-" + i : "job-" + i)).toList();

            var thrown = catchThrowable(() -> run(jobs, 2));
            if (thrown instanceof UnsupportedOperationException todo) throw todo; // run is not written yet

            assertThat(thrown)
                    .withFailMessage("jobs 0 and 1 each killed their first worker and then, at the same moment, the "
                            + "fresh one, so run must throw a JobFailedException for one of them, but it %s. Two "
                            + "bridges may fail at once: neither may wait for the other to report.",
                            thrown == null ? "returned normally" : "threw " + thrown)
                    .isInstanceOf(JobFailedException.class);
            var failed = (JobFailedException) thrown;
            assertThat(List.of(failed.job(), failed.exitCode()))
                    .withFailMessage("the JobFailedException says job %d, \"%s\", exit code %d: expected job 0 or 1, "
                            + "with its own text, and exit code 5 (of the fresh worker)", failed.index(), failed.job(),
                            failed.exitCode())
                    .isIn(List.of(jobs.get(0), 5), List.of(jobs.get(1), 5));
            assertThat(failed.job()).as("the job of the index the JobFailedException names")
                    .isEqualTo(jobs.get(failed.index()));
        }
        assertNothingLeftAfterItThrew(before, threadsBefore);
    }

    @SpeedUpTest
    @Tag("all-workers-at-once:run")
    @DisplayName("computes CPU-bound jobs faster on several worker processes than on one, as far as your cores allow")
    void computesCpuBoundJobsFasterOnSeveralWorkers(TestReporter reporter) {
        int cores = Runtime.getRuntime().availableProcessors();
        // 4 jobs per core of the sum of square roots, about 75 ms each on one core. A run starts its workers
        // (~30 ms) and each worker's JIT warms up on its first job (~15 ms), so on an idle machine 2 workers
        // reach about 1.8× here, not 2×; with smaller jobs that fixed cost would eat the margin.
        long size = 40_000_000;
        var jobs = LongStream.range(0, 4L * cores).mapToObj(k -> "sum " + k * size + " " + (k + 1) * size).toList();

        SpeedUp.assertFasterAcrossProcesses(reporter, cores,
                () -> Kernels.sink = total(jobs, 1), () -> Kernels.sink = total(jobs, cores));
    }

    @Test
    @Tag("one-shared-queue:WorkerPool")
    @DisplayName("hands out its jobs through a BlockingQueue")
    void handsOutItsJobsThroughABlockingQueue() {
        workerPoolHandsOutItsJobsThroughABlockingQueue.check(new ClassFileImporter().importPackagesOf(WorkerPool.class));
    }

    // ── Scenarios and helpers ───────────────────────────────────────────────────────────────────────

    /// What happened when job 0 of 6 was held back in one of 2 workers until jobs 1–5 had been asked.
    record Held(List<String> results, boolean othersAskedMeanwhile, String whoAskedWhat) {}

    /// 6 jobs on 2 workers; the desk answers jobs 1–5 at once, but holds job 0 until all of jobs 1–5 have
    /// been asked (or HOLD has passed). The worker that asked job-5 had received the answers to job 1–4 before,
    /// so the answer to job 0 is surely the last but one to come back.
    private Held holdJobZeroUntilTheOthersHaveBeenAsked() throws Exception {
        var othersAsked = new CountDownLatch(5);
        var othersAskedMeanwhile = new AtomicBoolean();
        try (var desk = new Desk(question -> {
            if (question.text().equals("job-0")) {
                othersAskedMeanwhile.set(othersAsked.await(HOLD.toMillis(), TimeUnit.MILLISECONDS));
            } else {
                othersAsked.countDown();
            }
            return question.text().replace("job", "answer");
        })) {
            var jobs = IntStream.range(0, 6).mapToObj(i -> desk.job("job-" + i)).toList();
            var results = run(jobs, 2);
            return new Held(results, othersAskedMeanwhile.get(), desk.whoAskedWhat());
        }
    }

    /// WorkerPool.run on a thread of its own, given RUN_LIMIT to return, so that a run that hangs fails this
    /// test with a thread dump instead of taking the whole suite down.
    private static List<String> run(List<String> jobs, int workers) throws Exception {
        var call = new FutureTask<>(() -> WorkerPool.run(jobs, workers));
        // Not a daemon, like a program's main thread: the threads that run starts inherit that.
        Thread.ofPlatform().name("test-calls-run").start(call);
        try {
            return call.get(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stuck) {
            throw new AssertionError(String.format("run(%d jobs, workers = %d) had not returned after %d s, far "
                    + "longer than these jobs take. Is a thread waiting for something that will never come: an answer "
                    + "from a job lost with a crashed worker, a job taken by a bridge that ended, or a poison pill "
                    + "never put? Where WorkerPool's threads are:%s", jobs.size(), workers, RUN_LIMIT.toSeconds(),
                    threadsInWorkerPool()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception exception) throw exception;
            throw (Error) e.getCause();
        }
    }

    /// The sum of all the answers to `jobs`, done on `workers` workers: a speed-up run. A run that throws or
    /// hangs ends the measurement with an IllegalStateException, never with an AssertionError (a slow result).
    private static double total(List<String> jobs, int workers) {
        try {
            return run(jobs, workers).stream().mapToDouble(Double::parseDouble).sum();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception | AssertionError e) {
            throw new IllegalStateException("run(" + jobs.size() + " sum jobs, workers = " + workers + ") failed: " + e, e);
        }
    }

    /// Fails unless every worker process and every thread that run started has ended within GRACE after it threw.
    private static void assertNothingLeftAfterItThrew(Set<Long> before, Set<Thread> threadsBefore)
            throws InterruptedException {
        var left = stillRunningAfterGrace(before);
        assertThat(left)
                .withFailMessage("%d worker process(es) still running %s after run threw: %s. Close every worker "
                        + "on the way out of its bridge (in a finally), whatever happened to the jobs.",
                        left.size(), seconds(GRACE), describe(left))
                .isEmpty();
        assertNoBridgeLeft(threadsBefore, "threw");
    }

    /// Fails unless every thread that run started has ended within GRACE after it `returnedOrThrew`.
    private static void assertNoBridgeLeft(Set<Thread> threadsBefore, String returnedOrThrew) throws InterruptedException {
        var leaked = bridgesLeftBehind(threadsBefore);
        assertThat(leaked)
                .withFailMessage("%d thread(s) that run started are still alive %s after it %s: %s. Each bridge "
                        + "ends when it takes its poison pill: put one pill per bridge after the jobs, wait for "
                        + "every bridge, and shut down whatever runs them (try-with-resources on the executor) on "
                        + "every way out of run.", leaked.size(), seconds(GRACE), returnedOrThrew,
                        String.join(", ", leaked))
                .isEmpty();
    }

    /// The threads run left behind, after waiting up to GRACE for them to end, described: new non-daemon threads
    /// (an idle pool that was never shut down), and any thread still running code of WorkerPool (a bridge,
    /// platform or virtual, daemon or not).
    private static List<String> bridgesLeftBehind(Set<Thread> threadsBefore) throws InterruptedException {
        long deadline = System.nanoTime() + GRACE.toNanos();
        var left = new LinkedHashSet<>(LiveThreads.leakedSince(threadsBefore, List.of(), GRACE));
        var inWorkerPool = threadsRunningWorkerPool();
        var virtualInWorkerPool = LiveThreads.virtualThreadsRunning(WorkerPool.class);
        while ((!inWorkerPool.isEmpty() || !virtualInWorkerPool.isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            inWorkerPool = threadsRunningWorkerPool();
            virtualInWorkerPool = LiveThreads.virtualThreadsRunning(WorkerPool.class);
        }
        left.addAll(inWorkerPool);
        var described = new ArrayList<String>();
        left.forEach(thread -> described.add(LiveThreads.describe(thread)));
        described.addAll(virtualInWorkerPool);
        return described;
    }

    /// The live threads, other than this one, with code of WorkerPool (or its lambdas and nested classes) on their stack.
    private static List<Thread> threadsRunningWorkerPool() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey() != Thread.currentThread() && e.getKey().isAlive())
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith(WorkerPool.class.getName())))
                .map(Map.Entry::getKey).toList();
    }

    /// The first few items, for a failure message about a long list.
    private static List<String> head(List<String> items) {
        return items == null ? null : items.subList(0, Math.min(8, items.size()));
    }

    /// The pids of this JVM's descendants now: worker processes.
    private static Set<Long> pidsOfWorkers() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /// The descendants not in `before` (the worker processes started since), alive or just ended.
    private static List<ProcessHandle> startedSince(Set<Long> before) {
        return ProcessHandle.current().descendants().filter(p -> !before.contains(p.pid())).toList();
    }

    /// The descendants not in `before` that are still alive after waiting GRACE for them to end.
    private static List<ProcessHandle> stillRunningAfterGrace(Set<Long> before) {
        long deadline = System.nanoTime() + GRACE.toNanos();
        var started = startedSince(before);
        for (var process : started) {
            long left = Math.max(1, deadline - System.nanoTime());
            process.onExit().completeOnTimeout(process, left, TimeUnit.NANOSECONDS).join();
        }
        return started.stream().filter(ProcessHandle::isAlive).toList();
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> "pid " + p.pid() + " (" + p.info().commandLine()
                .map(line -> line.length() > 60 ? "…" + line.substring(line.length() - 60) : line).orElse("?") + ")")
                .collect(Collectors.joining(", "));
    }

    /// Each live thread that is running code of WorkerPool, with the top of its stack.
    private static String threadsInWorkerPool() {
        var lines = new StringBuilder();
        for (var thread : threadsRunningWorkerPool()) {
            lines.append("%n  %s (%s)".formatted(LiveThreads.describe(thread), thread.getState()));
            Arrays.stream(thread.getStackTrace()).limit(6).forEach(frame -> lines.append("%n      at %s".formatted(frame)));
        }
        return lines.isEmpty() ? " (none is running WorkerPool's code)" : lines.toString();
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    /// An ArchUnit condition on all the classes of WorkerPool.java together: at least one of them (the class,
    /// a lambda in it, a nested bridge class) uses one of java.util.concurrent's blocking queues.
    private static ArchCondition<JavaClass> togetherUseABlockingQueue() {
        return new ArchCondition<>("use a BlockingQueue (one of them at least)") {
            private static final String BLOCKING_QUEUE =
                    "java\\.util\\.concurrent\\.(\\w*Blocking(Queue|Deque)|SynchronousQueue|\\w*TransferQueue|DelayQueue)";
            private boolean used;
            private String classes = "";

            @Override
            public void init(Collection<JavaClass> all) {
                used = false;
                classes = all.stream().map(JavaClass::getSimpleName).sorted().collect(Collectors.joining(", "));
            }

            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                for (JavaAccess<?> access : javaClass.getAccessesFromSelf()) {
                    if (access.getTargetOwner().getName().matches(BLOCKING_QUEUE)) used = true;
                }
            }

            @Override
            public void finish(ConditionEvents events) {
                if (!used) {
                    events.add(SimpleConditionEvent.violated(classes,
                            "none of the classes of WorkerPool.java (" + classes + ") uses a BlockingQueue"));
                }
            }
        };
    }
}
