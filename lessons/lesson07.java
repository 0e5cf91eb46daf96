///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES Tutorial.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Lesson 7: gather — start every task, then wait for all of their results; and what to do when a task
 * fails, takes too long, or is no longer wanted.
 * Run it with ./jbang lessons/lesson07.java (add --help to see the options).
 */
public class lesson07 {

    public static void main(String[] args) throws Exception {
        Tutorial.run(args, "Lesson 7 · Gather: start every task, then wait for all of them",
                "Next: ./jbang grade ex07 (gather and gatherSettled) and then lesson08 (concurrent HTTP fetches)",
                new Tutorial.Section("Gather: every result, in the order asked",
                        "Gathering is starting every task at once, then waiting for all of them and taking "
                                + "their results in the order the tasks were given.",
                        lesson07::gathering),
                new Tutorial.Section("Create a task now, await it later",
                        "A future is a handle on a task that is already running: create it now, ask for its "
                                + "result later, and the task gets on in between.",
                        lesson07::createNowAwaitLater),
                new Tutorial.Section("Timeouts",
                        "A timeout bounds how long you wait for a task: when it runs out, the future completes "
                                + "without the task's result, with an exception or with a default value.",
                        lesson07::timeouts),
                new Tutorial.Section("Cancellation",
                        "Cancelling a future completes it with a CancellationException, so no one waits for it "
                                + "any more; whether the task itself stops depends on the kind of future.",
                        lesson07::cancellation),
                new Tutorial.Section("When a task fails: fail fast, or settle every task",
                        "A failure policy decides what gathering does when a task throws: report the first "
                                + "failure and stop the rest, or wait for every task and report each outcome.",
                        lesson07::failurePolicies),
                new Tutorial.Section("10,000 tasks on virtual threads",
                        "Waiting tasks need a thread each while they wait, and virtual threads are cheap enough "
                                + "to give one to each of 10,000 tasks.",
                        lesson07::tenThousandTasks));
    }

    // ── fetch_one, and where it runs ──────────────────────────────────────────────────

    // A unit of waiting: the Python course's fetch_one(n) waits n seconds, this one n units, so that the lesson
    // fits its time.
    static final Duration UNIT = Duration.ofMillis(300);

    // The seeds' fetch_one(n): say start, wait n units the way a network call would, say done, return n * n.
    // supplyAsync takes a Supplier, which may not throw InterruptedException: an interrupt, which asks the
    // task to stop, ends it with an unchecked exception instead, the thread's interrupt flag kept set.
    static int fetchOne(int n) {
        Tutorial.show("start " + n);
        try {
            Thread.sleep(UNIT.multipliedBy(n));
        } catch (InterruptedException e) {
            Tutorial.show("interrupted " + n);
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
        Tutorial.show("done " + n);
        return n * n;
    }

    // fetch_one(n) as a task, recorded on a timeline when it runs.
    static Supplier<Integer> fetchTask(Tutorial.Timeline timeline, int n) {
        return timeline.trackSupplier("fetch_one(" + n + ")", () -> fetchOne(n));
    }

    // The five fetches of the seeds, fetch_one(1) … fetch_one(5).
    static List<Supplier<Integer>> fiveFetches(Tutorial.Timeline timeline) {
        return IntStream.rangeClosed(1, 5).mapToObj(n -> fetchTask(timeline, n)).toList();
    }

    // Every task runs on a virtual thread of its own, named so that the timelines can say which.
    // Closing the executor (the end of try) waits for all of its tasks: none outlives the block.
    static ExecutorService virtualThreads() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("virtual-", 1).factory());
    }

    // Starts every task at once; supplyAsync hands back a future for each, in the same order.
    static <T> List<CompletableFuture<T>> startAll(List<Supplier<T>> tasks, ExecutorService executor) {
        return tasks.stream().map(task -> CompletableFuture.supplyAsync(task, executor)).toList();
    }

    // ── 1. Gather ─────────────────────────────────────────────────────────────────────

    // Gather: start them all, wait until all are done, then read each result, in the order of the list.
    static <T> List<T> gather(List<Supplier<T>> tasks) {
        try (var executor = virtualThreads()) {
            List<CompletableFuture<T>> futures = startAll(tasks, executor);
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
            return futures.stream().map(CompletableFuture::join).toList();
        }
    }

    static void gathering() throws Exception {
        Tutorial.say("The Python course's fetch_one(n) prints start, waits n seconds, prints done and returns n * n. "
                + "Here it waits n × " + Tutorial.seconds(UNIT) + " instead of n seconds, so that the lesson fits "
                + "in half a minute; everything else is the same.");
        Tutorial.code("""
                static int fetchOne(int n) {
                    Tutorial.show("start " + n);
                    try {
                        Thread.sleep(UNIT.multipliedBy(n));   // UNIT = 300 ms
                    } catch (InterruptedException e) {        // asked to stop: section 4
                        Tutorial.show("interrupted " + n);
                        Thread.currentThread().interrupt();
                        throw new CompletionException(e);     // a Supplier may not throw a checked one
                    }
                    Tutorial.show("done " + n);
                    return n * n;
                }""");

        // The slow version first: each call returns only when its fetch is done, so the waits add up.
        var sequential = new Tutorial.Timeline("one after another");
        Tutorial.say("One after another, like a = await fetch_one(1); b = await fetch_one(2) … in the seeds:");
        Tutorial.code("for (int n = 1; n <= 5; n++) results.add(fetchOne(n));");
        long start = System.nanoTime();
        List<Integer> results = new ArrayList<>();
        for (var fetch : fiveFetches(sequential)) results.add(fetch.get());
        Duration took = Tutorial.since(start);
        Tutorial.show("results " + results);
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ": 1 + 2 + 3 + 4 + 5 = 15 waits of "
                + Tutorial.seconds(UNIT) + ", added up.");

        // The fix: start all five, then wait for all five.
        var gathered = new Tutorial.Timeline("gathered");
        Tutorial.say("Gathered: supplyAsync starts each fetch on its own virtual thread and returns a future at "
                + "once; allOf(…).join() waits until every future is done; then each join() hands back its result.");
        Tutorial.code("""
                try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<CompletableFuture<Integer>> futures = new ArrayList<>();
                    for (int n = 1; n <= 5; n++) {
                        int number = n;
                        futures.add(CompletableFuture.supplyAsync(() -> fetchOne(number), executor));
                    }
                    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
                    results = futures.stream().map(CompletableFuture::join).toList();
                }""");
        start = System.nanoTime();
        results = gather(fiveFetches(gathered));
        took = Tutorial.since(start);
        Tutorial.show("results " + results);
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ": as long as the longest fetch, "
                + "fetch_one(5), because all five waits overlapped. This is asyncio.gather(*(fetch_one(i) for i "
                + "in range(1, 6))) in Java.");
        Tutorial.varies("the order of the five start lines: the threads race each other to print.");
        Tutorial.say("allOf returns a CompletableFuture<Void>: it says when all are done, not what they returned. "
                + "The results come from the futures themselves, read in the order of the list, so they are in the "
                + "order the tasks were given whichever finished first. Section 2 shows a pair that finishes out "
                + "of order.");
        Tutorial.Timeline.print(sequential, gathered);
    }

    // ── 2. Create now, await later ────────────────────────────────────────────────────

    static void createNowAwaitLater() throws Exception {
        Tutorial.say("The seeds' create_task example starts fetch_one(5) and fetch_one(3), then awaits one and "
                + "then the other. In Java, supplyAsync is create_task and join is await:");
        Tutorial.code("""
                var t1 = CompletableFuture.supplyAsync(() -> fetchOne(5), executor);
                var t2 = CompletableFuture.supplyAsync(() -> fetchOne(3), executor);
                int r1 = t1.join();   // waits for fetch_one(5)
                int r2 = t2.join();   // fetch_one(3) finished while we waited for t1""");
        var timeline = new Tutorial.Timeline("create now, await later");
        long start = System.nanoTime();
        Duration firstJoin, secondJoin;
        boolean t2DoneBeforeItsJoin;
        try (var executor = virtualThreads()) {
            var t1 = CompletableFuture.supplyAsync(timeline.trackSupplier("t1 = fetch_one(5)", () -> fetchOne(5)), executor);
            var t2 = CompletableFuture.supplyAsync(timeline.trackSupplier("t2 = fetch_one(3)", () -> fetchOne(3)), executor);
            Tutorial.show("main: both tasks created, now t1.join()");
            firstJoin = Tutorial.time(timeline.track("main: t1.join()", t1::join));
            t2DoneBeforeItsJoin = t2.isDone();
            secondJoin = Tutorial.time(timeline.track("main: t2.join()", t2::join));
            Tutorial.show("r1 = " + t1.join() + ", r2 = " + t2.join());
        }
        Duration took = Tutorial.since(start);
        Tutorial.say("t1.join() waited " + Tutorial.highlight(Tutorial.seconds(firstJoin)) + ". By then t2.isDone() "
                + "was " + t2DoneBeforeItsJoin + ", so t2.join() took "
                + Tutorial.highlight(Tutorial.seconds(secondJoin))
                + (t2DoneBeforeItsJoin ? ": its result had been waiting for us" : "") + ". Both together: "
                + Tutorial.highlight(Tutorial.seconds(took)) + ", the longer wait ("
                + Tutorial.seconds(UNIT.multipliedBy(5)) + "), not the sum of both ("
                + Tutorial.seconds(UNIT.multipliedBy(8)) + ").");
        Tutorial.say("r1 and r2 come in the order we asked for them, although fetch_one(3) finished first: "
                + "awaiting a future reads its result; it does not depend on when the task ended.");
        Tutorial.say("One difference from Python: asyncio.create_task only schedules a coroutine, which starts when "
                + "main next awaits. supplyAsync hands the task to a thread that starts it at once, whatever main "
                + "does next.");
        Tutorial.varies("whether the start lines print before or after main's line: the three threads race.");
        Tutorial.Timeline.print(timeline);
    }

    // ── 3. Timeouts ───────────────────────────────────────────────────────────────────

    static final Duration TIMEOUT = UNIT.multipliedBy(2);

    static void timeouts() throws Exception {
        Tutorial.say("Two ways to stop waiting after TIMEOUT (" + Tutorial.seconds(TIMEOUT) + "): "
                + "orTimeout makes join() throw a TimeoutException, completeOnTimeout hands back a default value.");
        Tutorial.code("""
                var failing = CompletableFuture.supplyAsync(() -> fetchOne(5), executor)
                        .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                var defaulted = CompletableFuture.supplyAsync(() -> fetchOne(4), executor)
                        .completeOnTimeout(-1, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);""");
        var timeline = new Tutorial.Timeline("timeouts");
        long start = System.nanoTime();
        Duration joined;
        try (var executor = virtualThreads()) {
            var failing = CompletableFuture
                    .supplyAsync(timeline.trackSupplier("fetch_one(5) orTimeout", () -> fetchOne(5)), executor)
                    .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            var defaulted = CompletableFuture
                    .supplyAsync(timeline.trackSupplier("fetch_one(4) completeOnTimeout", () -> fetchOne(4)), executor)
                    .completeOnTimeout(-1, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            timeline.track("main: join both", () -> {
                try {
                    failing.join();
                } catch (CompletionException e) {
                    Tutorial.show("failing.join() threw " + e.getCause().getClass().getSimpleName());
                }
                Tutorial.show("defaulted.join() returned " + defaulted.join());
            }).call();
            joined = Tutorial.since(start);
        }
        Duration blockEnded = Tutorial.since(start);
        Tutorial.say("Both joins returned after " + Tutorial.highlight(Tutorial.seconds(joined)) + ". But the "
                + "tasks ran on: done 4 and done 5 came later, and the try block ended only after "
                + Tutorial.highlight(Tutorial.seconds(blockEnded)) + ", when closing the executor had waited for them. "
                + "fetch_one(4) returned 16 in the end, too late: a future takes its first completion, here the "
                + "-1, and ignores any later one.");
        Tutorial.say("A timeout stops the waiting, not the task. Python's asyncio.wait_for(fetch_one(5), timeout) "
                + "does cancel the task; the next section is about stopping a task in Java.");
        Tutorial.Timeline.print(timeline);
    }

    // ── 4. Cancellation ───────────────────────────────────────────────────────────────

    static void cancellation() throws Exception {
        var prediction = Tutorial.predict("a supplyAsync task runs fetch_one(5); after " + Tutorial.seconds(UNIT)
                        + ", main calls future.cancel(true), where true means \"interrupt it if it is running\". "
                        + "The task…",
                "stops at once: its thread is interrupted", "runs on to the end: nothing interrupts it");

        // The broken version: cancel a CompletableFuture and hope the task stops.
        Tutorial.say("Cancelling the future of a supplyAsync task:");
        Tutorial.code("""
                var future = CompletableFuture.supplyAsync(() -> fetchOne(5), executor);
                Thread.sleep(UNIT);
                future.cancel(true);   // true: "may interrupt if running\"""");
        var supplied = new Tutorial.Timeline("CompletableFuture.cancel(true)");
        long start = System.nanoTime();
        try (var executor = virtualThreads()) {
            var future = CompletableFuture.supplyAsync(supplied.trackSupplier("fetch_one(5)", () -> fetchOne(5)), executor);
            supplied.track("main: sleep, cancel", () -> {
                Thread.sleep(UNIT);
                future.cancel(true);
            }).call();
            Tutorial.show("main: cancelled, isCancelled() = " + future.isCancelled());
            try {
                future.join();
            } catch (CancellationException e) {
                Tutorial.show("main: join() threw CancellationException at once");
            }
        }
        Duration ranFor = Tutorial.since(start);
        prediction.reveal(ranFor.compareTo(UNIT.multipliedBy(4)) > 0 ? 1 : 0);
        Tutorial.say("The future said cancelled at once, yet fetch_one(5) went on and said done: the block ended "
                + "only after " + Tutorial.highlight(Tutorial.seconds(ranFor)) + ". A CompletableFuture is only a "
                + "place for a result that anyone may complete; it does not know which thread is working on it, so "
                + "cancel(true) cannot interrupt anything (its javadoc says the flag has no effect).");

        // The fix: a Future from executor.submit knows the thread that runs its task, and interrupts it.
        Tutorial.say("The fix: submit the task to the executor. The Future it returns belongs to that one run of "
                + "the task, so its cancel(true) interrupts the thread; fetch_one's sleep then throws "
                + "InterruptedException and the task ends.");
        Tutorial.code("""
                Future<Integer> future = executor.submit(() -> fetchOne(5));
                Thread.sleep(UNIT);
                future.cancel(true);   // interrupts the thread running fetchOne""");
        var submitted = new Tutorial.Timeline("Future.cancel(true)");
        start = System.nanoTime();
        try (var executor = virtualThreads()) {
            Future<Integer> future = executor.submit(submitted.track("fetch_one(5)", () -> fetchOne(5)));
            submitted.track("main: sleep, cancel", () -> {
                Thread.sleep(UNIT);
                future.cancel(true);
            }).call();
        }
        Tutorial.say("This time the block ended after " + Tutorial.highlight(Tutorial.seconds(Tutorial.since(start)))
                + ": the task stopped when asked. Stopping is still cooperative: an interrupt only ends a task "
                + "that waits (sleep, IO, locks) or checks Thread.interrupted() now and then.");
        Tutorial.say("To stop every task of a group at once, executor.shutdownNow() interrupts all the tasks the "
                + "executor is running. The next section uses it to fail fast.");
        Tutorial.Timeline.print(supplied, submitted);
    }

    // ── 5. Failure policies ───────────────────────────────────────────────────────────

    // The five fetches again, but the second task fails once its fetch is done.
    static List<Supplier<Integer>> fiveFetchesSecondFails(Tutorial.Timeline timeline) {
        return List.of(fetchTask(timeline, 1),
                timeline.trackSupplier("fetch_one(2), fails", () -> {
                    fetchOne(2);
                    throw new IllegalStateException("task 2 failed");
                }),
                fetchTask(timeline, 3), fetchTask(timeline, 4), fetchTask(timeline, 5));
    }

    // Fail fast: the first failure ends the wait, and the tasks still running are interrupted.
    static <T> List<T> gatherFailFast(List<Supplier<T>> tasks) {
        try (var executor = virtualThreads()) {
            List<CompletableFuture<T>> futures = startAll(tasks, executor);
            CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
            // allOf's future is an ordinary CompletableFuture, so the first failure may complete it early.
            for (var future : futures) future.exceptionally(failure -> {
                all.completeExceptionally(failure);
                return null;
            });
            try {
                all.join();
            } catch (CompletionException failure) {
                executor.shutdownNow(); // the other results are no longer wanted: interrupt their tasks
                throw failure;
            }
            return futures.stream().map(CompletableFuture::join).toList();
        }
    }

    // Settle: wait for every task, failed or not, and hand back the futures, each one done.
    static <T> List<CompletableFuture<T>> gatherSettled(List<Supplier<T>> tasks) {
        try (var executor = virtualThreads()) {
            List<CompletableFuture<T>> futures = startAll(tasks, executor);
            // A failure is one more outcome here, so allOf's exception is dropped: every task has ended anyway.
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).exceptionally(failure -> null).join();
            return futures;
        }
    }

    // One settled task, the way Python's gather(…, return_exceptions=True) lists it: its result or its exception.
    static String outcome(Future<?> done) {
        return switch (done.state()) {
            case SUCCESS -> String.valueOf(done.resultNow());
            case FAILED -> describe(done.exceptionNow());
            case CANCELLED, RUNNING -> done.state().name();
        };
    }

    // An exception in brief: its class and its message.
    static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    // Runs one way of gathering on the main thread, tracked on the timeline; shows what it gave back and
    // returns how long main waited for it.
    static Duration waitAndShow(String name, Tutorial.Timeline timeline, Callable<?> gathering) throws Exception {
        long start = System.nanoTime();
        try {
            Tutorial.show(name + " returned " + timeline.track("main: waits", gathering).call());
        } catch (CompletionException e) {
            Tutorial.show(name + " threw " + describe(e.getCause()));
        }
        return Tutorial.since(start);
    }

    static void failurePolicies() throws Exception {
        Tutorial.say("Task 2 now fails once its fetch is done, after " + Tutorial.seconds(UNIT.multipliedBy(2))
                + "; the other tasks run as before, the longest for " + Tutorial.seconds(UNIT.multipliedBy(5)) + ".");
        Tutorial.code("""
                List<Supplier<Integer>> tasks = List.of(() -> fetchOne(1),
                        () -> { fetchOne(2); throw new IllegalStateException("task 2 failed"); },
                        () -> fetchOne(3), () -> fetchOne(4), () -> fetchOne(5));""");

        // The gather of section 1, as it is: allOf completes only when every task has.
        var prediction = Tutorial.predict("the gather of section 1, with allOf, meets task 2's failure at "
                        + Tutorial.seconds(UNIT.multipliedBy(2)) + ". Its join() throws…",
                "at once, at " + Tutorial.seconds(UNIT.multipliedBy(2)) + ", when task 2 fails",
                "at " + Tutorial.seconds(UNIT.multipliedBy(5)) + ", once every task has ended",
                "never: it returns the four good results");
        Tutorial.say("First, the gather of section 1 as it is:");
        Tutorial.code("CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();");
        var allOf = new Tutorial.Timeline("allOf");
        var allOfTasks = fiveFetchesSecondFails(allOf);
        Duration allOfWaited = waitAndShow("gather", allOf, () -> gather(allOfTasks));
        prediction.reveal(allOfWaited.compareTo(UNIT.multipliedBy(4)) < 0 ? 0 : 1);
        Tutorial.say("allOf waited for every task, then threw: its future completes only when all of them have. "
                + "Python's gather raises the first exception at once instead (and leaves the other tasks running).");

        // Fail fast: complete allOf's future at the first failure, and interrupt the rest.
        Tutorial.say("Fail fast: the first failure completes allOf's future early, and shutdownNow interrupts "
                + "the tasks still running. This is what Python's asyncio.TaskGroup does.");
        Tutorial.code("""
                for (var future : futures) future.exceptionally(failure -> {
                    all.completeExceptionally(failure);   // all = CompletableFuture.allOf(…)
                    return null;
                });
                try {
                    all.join();
                } catch (CompletionException failure) {
                    executor.shutdownNow();   // interrupt the tasks still running
                    throw failure;
                }""");
        var failFast = new Tutorial.Timeline("fail fast");
        var failFastTasks = fiveFetchesSecondFails(failFast);
        Duration failFastWaited = waitAndShow("gatherFailFast", failFast, () -> gatherFailFast(failFastTasks));

        // Settle: let every task end, then report each outcome.
        Tutorial.say("Settle every task: wait for all, failed or not, then read each one's outcome. This is "
                + "Python's gather(…, return_exceptions=True); Future.state(), resultNow() and exceptionNow() "
                + "read a finished future without any exception to catch.");
        Tutorial.code("""
                CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                        .exceptionally(failure -> null).join();   // a failure is an outcome, not an end
                futures.stream().map(future -> switch (future.state()) {
                    case SUCCESS -> String.valueOf(future.resultNow());
                    case FAILED -> describe(future.exceptionNow());   // its class and message
                    case CANCELLED, RUNNING -> future.state().name();
                }).toList();""");
        var settled = new Tutorial.Timeline("settled");
        var settledTasks = fiveFetchesSecondFails(settled);
        Duration settledWaited = waitAndShow("gatherSettled", settled,
                () -> gatherSettled(settledTasks).stream().map(lesson07::outcome).toList());

        Tutorial.table(List.of("policy", "main waited", "Python's nearest"), List.of(
                List.of("allOf as it is", Tutorial.highlight(Tutorial.seconds(allOfWaited)),
                        "none: gather raises at once"),
                List.of("fail fast", Tutorial.highlight(Tutorial.seconds(failFastWaited)), "asyncio.TaskGroup"),
                List.of("settle", Tutorial.highlight(Tutorial.seconds(settledWaited)),
                        "gather(…, return_exceptions=True)")));
        Tutorial.say("Fail fast when one failure spoils the whole answer; settle when each result stands on its "
                + "own, such as a page of a crawl. In the timelines, main's row shows how long it waited, and the "
                + "fail-fast rows of tasks 3 to 5 end with task 2's failure:");
        Tutorial.Timeline.print(allOf, failFast, settled);

        Tutorial.say("Where Java is heading: structured concurrency. StructuredTaskScope makes a try block own its "
                + "subtasks: the block cannot end while one still runs, and by default the first failure interrupts "
                + "the rest, which is the fail-fast gather built in. It is a preview API in Java 21 to 25, so it "
                + "needs --enable-preview and its shape has changed between versions; in Java 25 it reads:");
        Tutorial.code("""
                try (var scope = StructuredTaskScope.open()) {
                    Subtask<Integer> t1 = scope.fork(() -> fetchOne(5));
                    Subtask<Integer> t2 = scope.fork(() -> fetchOne(3));
                    scope.join();   // throws if either failed; the other is interrupted
                    return List.of(t1.get(), t2.get());
                }""");
        Tutorial.say("Until it is final, an executor in try-with-resources with shutdownNow on the first failure, "
                + "as in gatherFailFast above, gives Java 21 the same shape.");
    }

    // ── 6. 10,000 tasks ───────────────────────────────────────────────────────────────

    // A task that waits, and counts how many tasks are waiting at the same moment.
    static int waitCounted(Duration wait, AtomicInteger waiting, AtomicInteger mostAtOnce) {
        mostAtOnce.accumulateAndGet(waiting.incrementAndGet(), Math::max);
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        } finally {
            waiting.decrementAndGet();
        }
        return 1;
    }

    // How long a batch of tasks took, and the most of them that were waiting at the same moment.
    record Batch(Duration took, int mostAtOnce) {}

    // Starts `count` such tasks, each the way `start` says, and waits for all; a few of them, spread over the
    // batch, are drawn on the timeline.
    static Batch runBatch(int count, Duration wait, Function<Supplier<Integer>, CompletableFuture<Integer>> start,
            Tutorial.Timeline timeline) {
        var waiting = new AtomicInteger();
        var mostAtOnce = new AtomicInteger();
        long begin = System.nanoTime();
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Supplier<Integer> task = () -> waitCounted(wait, waiting, mostAtOnce);
            if (count <= 5 || i % (count / 4) == 0 || i == 1) task = timeline.trackSupplier("task %,d".formatted(i), task);
            futures.add(start.apply(task));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
        return new Batch(Tutorial.since(begin), mostAtOnce.get());
    }

    static void tenThousandTasks() {
        // The broken version: supplyAsync without an executor, for tasks that wait.
        int pool = ForkJoinPool.getCommonPoolParallelism();
        int fewTasks = 4 * pool;
        Tutorial.say("Without an executor, supplyAsync runs its task on ForkJoinPool.commonPool(), which is sized "
                + "for computing: it has " + Tutorial.highlight(pool + (pool == 1 ? " thread" : " threads"))
                + " here (by default one fewer than the cores, and at least one). Here are " + fewTasks
                + " tasks that each wait " + Tutorial.seconds(UNIT) + " on it:");
        Tutorial.code("CompletableFuture.supplyAsync(() -> waitCounted(UNIT, …))   // no executor");
        var commonPool = new Tutorial.Timeline("no executor: the common pool");
        Batch few = runBatch(fewTasks, UNIT, CompletableFuture::supplyAsync, commonPool);
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(few.took())) + ", with at most "
                + Tutorial.highlight(String.valueOf(few.mostAtOnce())) + " waiting at once: "
                + (few.mostAtOnce() < fewTasks
                        ? "the tasks queued for the pool's threads, and a thread that sleeps does no other work. "
                                + "10,000 such tasks would wait their turn the same way."
                        : "this JDK started a thread for each task, as CompletableFuture does on some JDKs when "
                                + "the common pool is this small. 10,000 tasks would mean 10,000 operating-system "
                                + "threads."));

        // The fix: pass an executor of virtual threads, one thread per task, and start 10,000 of them.
        int tasks = 10_000;
        Duration wait = Duration.ofSeconds(1);
        Tutorial.say("The fix: give supplyAsync an executor of virtual threads. Every task gets a thread of its "
                + "own, and a virtual thread that waits gives its carrier thread back, so all of them wait at once. "
                + "Now %,d tasks that each wait %s:".formatted(tasks, Tutorial.seconds(wait)));
        Tutorial.code("""
                try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 1; i <= 10_000; i++)
                        futures.add(CompletableFuture.supplyAsync(() -> waitCounted(wait, …), executor));
                    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
                }""");
        var virtual = new Tutorial.Timeline("virtual threads");
        Batch many;
        try (var executor = virtualThreads()) {
            many = runBatch(tasks, wait, task -> CompletableFuture.supplyAsync(task, executor), virtual);
        }
        Tutorial.table(List.of("executor", "tasks × wait", "took", "most waiting at once"), List.of(
                List.of("none (common pool)", fewTasks + " × " + Tutorial.seconds(UNIT),
                        Tutorial.seconds(few.took()), String.valueOf(few.mostAtOnce())),
                List.of("virtual threads", "%,d × %s".formatted(tasks, Tutorial.seconds(wait)),
                        Tutorial.highlight(Tutorial.seconds(many.took())),
                        Tutorial.highlight("%,d".formatted(many.mostAtOnce())))));
        Tutorial.say("%,d waits of %s took %s in all: one wait, plus %s to start %,d threads and futures and "
                .formatted(tasks, Tutorial.seconds(wait), Tutorial.highlight(Tutorial.seconds(many.took())),
                        Tutorial.seconds(many.took().minus(wait)), tasks)
                + "collect their results. asyncio.gather does the same with 10,000 coroutines on one thread; Java "
                + "does it with plain blocking code, one cheap thread per task.");
        if (many.mostAtOnce() < tasks) {
            Tutorial.varies("only %,d of the %,d were waiting at the same moment this time: the first had finished "
                    .formatted(many.mostAtOnce(), tasks) + "before the last started, so the machine was busy.");
        }
        Tutorial.say("The first and a few later tasks of each batch, drawn to one time scale:");
        Tutorial.Timeline.print(commonPool, virtual);
    }
}
