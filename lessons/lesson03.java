///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES Tutorial.java

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Lesson 3: races and locks — lost updates, four fixes and what each costs, visibility, deadlock.
 * Run it with ./jbang lessons/lesson03.java (add --help to see the options).
 */
public class lesson03 {

    public static void main(String[] args) throws Exception {
        Tutorial.run(args, "Lesson 3 · Races and locks: lost updates, four fixes, visibility, deadlock",
                "Next: ./jbang grade ex03 (bank transfers) and then lesson04 (thread pools and futures)",
                new Tutorial.Section("A race: two threads, one counter",
                        "A race condition is a bug whose outcome depends on how the steps of threads "
                                + "happen to interleave.",
                        lesson03::race),
                new Tutorial.Section("Why: counter++ is three steps",
                        "counter++ reads the counter, adds one, and writes the sum back: "
                                + "another thread can act between those steps.",
                        lesson03::why),
                new Tutorial.Section("Four fixes, and what each costs",
                        "A fix makes read-add-write atomic: one indivisible step that no other thread "
                                + "can get in the middle of.",
                        lesson03::fixes),
                new Tutorial.Section("Visibility: volatile",
                        "A thread is guaranteed to see another thread's write only through volatile, "
                                + "a lock or another synchronizing action; without one, it may never see it.",
                        lesson03::visibility),
                new Tutorial.Section("Deadlock, caught in the act",
                        "A deadlock is threads each holding a lock that another of them is waiting for, "
                                + "so that none can ever go on.",
                        lesson03::deadlock),
                new Tutorial.Section("Avoiding deadlock: one lock order, or back off",
                        "Threads that take locks in one agreed order can never wait in a circle; "
                                + "tryLock with a timeout lets a thread give up and retry instead.",
                        lesson03::avoidingDeadlock));
    }

    static final int INCREMENTS = 1_000_000; // by each of two threads

    // Runs the tasks at once, one platform thread each. Closing the executor waits for all of them;
    // get() rethrows a task's exception.
    static void runTogether(String threadName, List<Callable<Void>> tasks) throws Exception {
        try (var executor = Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().name(threadName + "-", 1).factory())) {
            for (var done : executor.invokeAll(tasks)) done.get();
        }
    }

    // ── 1. A race ─────────────────────────────────────────────────────────────────────

    // A counter that many threads may share. Section 3 gives it four more implementations.
    interface Counter {
        void increment();

        long get();
    }

    // Broken on purpose: count++ from two threads. volatile makes every ++ really read and write memory
    // (section 4 says what else it does); it does not make the ++ atomic.
    static final class RacyCounter implements Counter {
        private volatile long count;

        public void increment() { count++; }

        public long get() { return count; }
    }

    // Two threads add INCREMENTS each to one counter. A barrier releases them at the same instant,
    // so their loops really overlap.
    static long addFromTwoThreads(Counter counter, Tutorial.Timeline timeline) throws Exception {
        var startTogether = new CyclicBarrier(2);
        Callable<Void> addAll = () -> {
            startTogether.await();
            for (int i = 0; i < INCREMENTS; i++) counter.increment();
            return null;
        };
        runTogether("adder", timeline.trackEach("loop", List.of(addAll, addAll)));
        return counter.get();
    }

    static void race() throws Exception {
        Tutorial.say("Two threads share one counter, and each adds 1 to it a million times. Java has no GIL: "
                + "the two threads run at the same moment, on two cores if you have them.");
        Tutorial.code("""
                static final class RacyCounter implements Counter {
                    private volatile long count;
                    public void increment() { count++; }
                }
                for (int i = 0; i < 1_000_000; i++) counter.increment();   // on each of 2 threads""");
        Tutorial.say("The count is volatile so that every ++ really reads and writes memory. Without it, the JIT "
                + "compiler may keep the count in a register for the whole loop and write it once at the end; "
                + "the race then loses a whole million at once, or nothing: the same bug, harder to catch. "
                + "Section 4 is about volatile.");
        var prediction = Tutorial.predict("when both threads are done, the count will be…",
                "exactly 2,000,000", "less than 2,000,000", "more than 2,000,000");

        // Two runs first, not shown, so that the JIT has compiled the loop, as it would have in a program
        // that has been up for a while. Then eight runs, each with a new counter; the timeline keeps the last.
        for (int warmUp = 0; warmUp < 2; warmUp++) addFromTwoThreads(new RacyCounter(), new Tutorial.Timeline(""));
        int runs = 8, runsThatLost = 0;
        var timeline = new Tutorial.Timeline("the last run");
        for (int run = 1; run <= runs; run++) {
            long count = addFromTwoThreads(new RacyCounter(), timeline);
            long lost = 2L * INCREMENTS - count;
            if (lost > 0) runsThatLost++;
            Tutorial.show("run %d: count = %,d   %s".formatted(run, count,
                    lost > 0 ? Tutorial.highlight("%,d updates lost".formatted(lost)) : "none lost"));
        }
        prediction.reveal(runsThatLost > 0 ? 1 : 0);
        Tutorial.say("Updates were lost in " + Tutorial.highlight(runsThatLost == runs ? "every one of the "
                + runs + " runs" : runsThatLost + " of " + runs + " runs") + " (after two warm-up runs, not "
                + "shown, that let the JIT compile the loop). Nothing failed and nothing warned: the count is "
                + "just wrong.");
        Tutorial.varies("how many updates are lost changes from run to run. A run can come out right by luck "
                + "when other programs keep a core busy and the two threads take turns on the other one "
                + "instead of running at the same moment.");
        Tutorial.say("The last run, drawn: both loops were under way at the same time, so their increments "
                + "could interleave.");
        Tutorial.Timeline.print(timeline);

        Tutorial.say("The Python course runs the same race with 2 threads × 100,000 and promises an "
                + "\"unexpected result\", yet Python 3.11 printed the correct 200000 when we tried it: CPython 3.11 "
                + "switches threads only at certain points, such as the jump back to the top of a loop, never "
                + "in the middle of counter += 1. Java threads truly run at once and lose updates, as above. "
                + "It is the same bug in both; Java just stops hiding it.");
    }

    // ── 2. Why ────────────────────────────────────────────────────────────────────────

    // Plays counter++ on two real threads, A and B, one step at a time, in an order written down in advance.
    // Each step waits its turn, so the interleaving is the same on every run, and each is logged as a row.
    static final class Interleaving {
        private final List<String> order;
        private final List<List<String>> rows = new ArrayList<>(); // guarded by this
        private int next;                                          // guarded by this
        private long counter;                                      // used only in turn, by one step at a time

        Interleaving(String... order) {
            this.order = List.of(order);
        }

        // counter++ spelled out: read the counter into a register, add 1 there, write the register back.
        void increment(String thread) throws InterruptedException {
            awaitTurn(thread + " reads");
            long register = counter;
            done(thread, "reads " + register);
            awaitTurn(thread + " adds");
            register = register + 1;
            done(thread, "adds 1: " + register);
            awaitTurn(thread + " writes");
            counter = register;
            done(thread, "writes " + register);
        }

        private synchronized void awaitTurn(String step) throws InterruptedException {
            while (!order.get(next).equals(step)) wait();
        }

        private synchronized void done(String thread, String step) {
            next++;
            rows.add(List.of(String.valueOf(next), thread.equals("A") ? step : "", thread.equals("B") ? step : "",
                    String.valueOf(counter)));
            notifyAll();
        }

        // Runs A's and B's increments on two threads and returns the final counter.
        long play() throws Exception {
            runTogether("step", List.of(() -> { increment("A"); return null; },
                    () -> { increment("B"); return null; }));
            return counter;
        }

        synchronized List<List<String>> rows() {
            return rows;
        }
    }

    static void why() throws Exception {
        Tutorial.say("counter++ looks like one step but is three: the thread reads the value into a register, "
                + "adds 1 there, and writes the register back. Here are those steps, played by two real threads "
                + "in the order that loses an update: B reads before A has written.");
        Tutorial.code("""
                long register = counter;      // read
                register = register + 1;      // add
                counter = register;           // write""");
        var lost = new Interleaving("A reads", "B reads", "A adds", "A writes", "B adds", "B writes");
        long count = lost.play();
        Tutorial.table(List.of("step", "thread A", "thread B", "counter"), lost.rows());
        Tutorial.say("Two increments, and the counter is " + Tutorial.highlight(String.valueOf(count))
                + ": B added 1 to the stale 0 it had read, and its write wiped out A's.");

        var lucky = new Interleaving("A reads", "A adds", "A writes", "B reads", "B adds", "B writes");
        Tutorial.say("The same two increments, with all of A's steps before B's:");
        Tutorial.show("A reads, A adds, A writes, B reads, B adds, B writes: counter = "
                + Tutorial.highlight(String.valueOf(lucky.play())));
        Tutorial.say("In section 1 each loop did a million such increments, and every time one thread read "
                + "between the other's read and write, an update was lost. The Java source hides the steps; "
                + "javap -c shows them in the compiled class as getfield, ladd and putfield.");
    }

    // ── 3. Four fixes ─────────────────────────────────────────────────────────────────

    // synchronized: at most one thread at a time runs any synchronized method of this counter.
    static final class SynchronizedCounter implements Counter {
        private long count; // guarded by this

        public synchronized void increment() { count++; }

        public synchronized long get() { return count; }
    }

    // ReentrantLock: the same, with lock and unlock written out; unlock goes in finally, so no exception
    // can leave the lock held.
    static final class LockedCounter implements Counter {
        private final ReentrantLock lock = new ReentrantLock();
        private long count; // guarded by lock

        public void increment() {
            lock.lock();
            try {
                count++;
            } finally {
                lock.unlock();
            }
        }

        public long get() {
            lock.lock();
            try {
                return count;
            } finally {
                lock.unlock();
            }
        }
    }

    // AtomicLong: the processor's own atomic add (or compare-and-swap): no lock at all.
    static final class AtomicCounter implements Counter {
        private final AtomicLong count = new AtomicLong();

        public void increment() { count.incrementAndGet(); }

        public long get() { return count.get(); }
    }

    // LongAdder: each thread adds to a cell of its own when they collide; sum() adds the cells up.
    static final class AdderCounter implements Counter {
        private final LongAdder count = new LongAdder();

        public void increment() { count.increment(); }

        public long get() { return count.sum(); }
    }

    record Way(String name, Supplier<Counter> counter) {}

    // The same 2,000,000 increments by one thread alone: no other thread to wait for or fight with.
    static long addAlone(Counter counter) {
        for (int i = 0; i < 2 * INCREMENTS; i++) counter.increment();
        return counter.get();
    }

    static void fixes() throws Exception {
        Tutorial.say("Four ways to make the increment atomic, from the lock everyone knows to a counter "
                + "built for many threads:");
        Tutorial.code("""
                public synchronized void increment() { count++; }     // synchronized

                lock.lock();                                           // ReentrantLock
                try { count++; } finally { lock.unlock(); }

                count.incrementAndGet();                               // AtomicLong

                count.increment();                                     // LongAdder (count.sum() reads it)""");
        List<Way> ways = List.of(
                new Way("count++ (racy)", RacyCounter::new),
                new Way("synchronized", SynchronizedCounter::new),
                new Way("ReentrantLock", LockedCounter::new),
                new Way("AtomicLong", AtomicCounter::new),
                new Way("LongAdder", AdderCounter::new));

        // Each way runs 5 times with two threads, and 5 times with one thread alone doing all 2,000,000
        // increments, all taking turns; each keeps its median times and its lowest count with two threads.
        long[] lowestCount = new long[ways.size()];
        Arrays.fill(lowestCount, Long.MAX_VALUE);
        var timelines = new Tutorial.Timeline[ways.size()];
        var runs = new ArrayList<Callable<?>>();
        for (int w = 0; w < ways.size(); w++) {
            int way = w;
            timelines[way] = new Tutorial.Timeline(ways.get(way).name());
            runs.add(() -> lowestCount[way] = Math.min(lowestCount[way],
                    addFromTwoThreads(ways.get(way).counter().get(), timelines[way])));
            runs.add(() -> addAlone(ways.get(way).counter().get()));
        }
        Duration[] median = Tutorial.medians("2,000,000 increments, 5 ways, on 2 threads and on 1", 5,
                runs.toArray(Callable<?>[]::new));
        double[] nanosTogether = new double[ways.size()], nanosAlone = new double[ways.size()];
        List<List<String>> rows = new ArrayList<>();
        for (int w = 0; w < ways.size(); w++) {
            nanosTogether[w] = median[2 * w].toNanos() / (2.0 * INCREMENTS);
            nanosAlone[w] = median[2 * w + 1].toNanos() / (2.0 * INCREMENTS);
            // A right count from the racy way is luck, so only the fixes earn a check mark.
            boolean right = lowestCount[w] == 2L * INCREMENTS;
            rows.add(List.of(ways.get(w).name(),
                    "%,d %s".formatted(lowestCount[w], !right ? "✗" : w == 0 ? "(luck)" : "✓"),
                    "%.1f ns".formatted(nanosTogether[w]), "%.1f ns".formatted(nanosAlone[w])));
        }
        Tutorial.say("The lowest count of the 5 two-thread runs, and the time per increment (median of 5), "
                + "with two threads sharing the counter and with one thread alone:");
        Tutorial.table(List.of("way", "lowest count", "2 threads", "1 thread alone"), rows);
        Tutorial.say("The last two-thread run of each, to one time scale:");
        Tutorial.Timeline.print(timelines);

        // Rank the fixes, every way but the racy first one, by their measured time.
        List<Integer> fixes = IntStream.range(1, ways.size()).boxed().toList();
        boolean allRight = fixes.stream().allMatch(w -> lowestCount[w] == 2L * INCREMENTS);
        int fastest = fixes.stream().min(Comparator.comparing(w -> nanosTogether[w])).orElseThrow();
        int slowest = fixes.stream().max(Comparator.comparing(w -> nanosTogether[w])).orElseThrow();
        Tutorial.say((allRight ? "All four fixes counted every increment, in every run. " : "")
                + "With two threads, " + Tutorial.highlight(ways.get(fastest).name()) + " was the fastest fix and "
                + ways.get(slowest).name() + " the slowest, " + Tutorial.highlight("%.1f×".formatted(
                        nanosTogether[slowest] / nanosTogether[fastest])) + " apart.");
        Tutorial.say("Against one thread alone, two threads sharing the counter were "
                + Tutorial.highlight("%.1f×".formatted(nanosAlone[fastest] / nanosTogether[fastest])) + " as fast "
                + "with " + ways.get(fastest).name() + " and " + Tutorial.highlight("%.1f×".formatted(
                        nanosAlone[slowest] / nanosTogether[slowest])) + " with " + ways.get(slowest).name()
                + ", where two free cores could at best make it 2×: threads that share one counter take turns "
                + "at it, or fight over it. So share as little as you can: in lesson 1 each thread summed a "
                + "slice of its own, and the slices' sums were added up only at the end.");
        Tutorial.varies("the times, and so the order of close ones.");
        Tutorial.say("Which to use: LongAdder for a counter that many threads bump and few read; AtomicLong "
                + "when each thread needs the new value back; a lock (synchronized, or ReentrantLock for its "
                + "extras: tryLock, timeouts, interruptible waits) when several things must change together. "
                + "A lock protects only what it covers: checking a balance and then spending it are two steps, "
                + "and both belong under the same lock, or another thread spends the money in between.");
    }

    // ── 4. Visibility ─────────────────────────────────────────────────────────────────

    static boolean stopRequested;                // plain: the JIT may read it once and keep it in a register
    static volatile boolean stopRequestedVolatile;

    // Spins until asked to stop, or until giveUpAt: a safety limit so that this demo cannot hang.
    static long spinUntilStopped(long giveUpAt) {
        long spins = 0;
        while (!stopRequested && System.nanoTime() < giveUpAt) spins++;
        return spins;
    }

    static long spinUntilStoppedVolatile(long giveUpAt) {
        long spins = 0;
        while (!stopRequestedVolatile && System.nanoTime() < giveUpAt) spins++;
        return spins;
    }

    static final Duration SPIN_BEFORE_STOP = Duration.ofMillis(200), SAFETY_LIMIT = Duration.ofSeconds(1);

    // Starts a spinner on its own thread, asks it to stop after 200 ms (time for the JIT to compile its
    // loop), and returns how long it then took to stop.
    static Duration timeToStop(Tutorial.Timeline timeline, LongUnaryOperator spinner, Runnable requestStop)
            throws Exception {
        long giveUpAt = System.nanoTime() + SPIN_BEFORE_STOP.plus(SAFETY_LIMIT).toNanos();
        try (var executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("worker").factory())) {
            Future<Long> spinning = executor.submit(
                    timeline.track("spin loop", () -> spinner.applyAsLong(giveUpAt)));
            Thread.sleep(SPIN_BEFORE_STOP);
            requestStop.run();
            long askedAt = System.nanoTime();
            spinning.get();
            return Duration.ofNanos(System.nanoTime() - askedAt);
        }
    }

    static String stopped(Duration took) {
        return took.compareTo(SAFETY_LIMIT.dividedBy(2)) < 0
                ? "stopped " + Tutorial.highlight("%.2f ms".formatted(took.toNanos() / 1e6)) + " after being asked"
                : Tutorial.highlight("never saw the flag") + "; it stopped at its safety limit, "
                        + Tutorial.seconds(took) + " later";
    }

    static void visibility() throws Exception {
        stopRequested = false;
        stopRequestedVolatile = false;
        Tutorial.say("A worker spins until a flag tells it to stop; 200 ms in, the main thread sets the flag.");
        Tutorial.code("""
                static boolean stopRequested;                      // a plain field
                while (!stopRequested && System.nanoTime() < giveUpAt) spins++;   // the worker
                stopRequested = true;                              // main, 200 ms later""");
        var prediction = Tutorial.predict("after main sets stopRequested = true, the worker…",
                "stops within a millisecond", "keeps spinning: it never sees the write");
        var plain = new Tutorial.Timeline("plain flag");
        Duration plainTook = timeToStop(plain, lesson03::spinUntilStopped, () -> stopRequested = true);
        Tutorial.show("plain flag: the worker " + stopped(plainTook));
        prediction.reveal(plainTook.compareTo(SAFETY_LIMIT.dividedBy(2)) < 0 ? 0 : 1);

        Tutorial.say((plainTook.compareTo(SAFETY_LIMIT.dividedBy(2)) < 0
                ? "This time the worker saw the write, but nothing obliged it to: "
                : "The JIT compiled the loop with the flag read once, before the loop, and never again: ")
                + "without volatile or a lock, a thread may go on using a value it read earlier, as if no other "
                + "thread existed. The fix is one word:");
        Tutorial.code("""
                static volatile boolean stopRequestedVolatile;""");
        var withVolatile = new Tutorial.Timeline("volatile flag");
        Duration volatileTook = timeToStop(withVolatile, lesson03::spinUntilStoppedVolatile,
                () -> stopRequestedVolatile = true);
        Tutorial.show("volatile flag: the worker " + stopped(volatileTook));
        Tutorial.varies("whether the plain-flag worker ever sees the flag: the Java memory model allows both, "
                + "and it depends on whether the JIT compiled the loop before the flag was set.");
        Tutorial.Timeline.print(plain, withVolatile);
        Tutorial.say("A volatile write is seen by every later volatile read of that field, and so is everything "
                + "the writer did before it. Visibility is all volatile gives: section 1's counter was volatile "
                + "and still lost updates. A lock gives both: what one thread wrote before unlock, the next "
                + "thread to lock sees. So share changing data only through a lock, an atomic, a volatile field "
                + "or a thread-safe collection.");
    }

    // ── 5. Deadlock ───────────────────────────────────────────────────────────────────

    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    // A lock with a name to print and a rank that section 6 orders locks by.
    record RankedLock(String name, int rank, ReentrantLock lock) {
        RankedLock(String name, int rank) {
            this(name, rank, new ReentrantLock());
        }
    }

    // Takes first, then second, waiting interruptibly for each. The barrier makes both threads hold their
    // first lock before either reaches for its second, so the deadlock happens every time.
    static void lockBoth(RankedLock first, RankedLock second, CyclicBarrier bothHoldOne) throws Exception {
        first.lock().lockInterruptibly();
        try {
            bothHoldOne.await();
            second.lock().lockInterruptibly();
            try {
                Tutorial.show(Thread.currentThread().getName() + " has " + first.name() + " and "
                        + second.name() + ", does its work and lets go");
            } finally {
                second.lock().unlock();
            }
        } finally {
            first.lock().unlock();
        }
    }

    // Asks the JVM every 10 ms for threads in a deadlock, for at most two seconds.
    static long[] awaitDeadlock() throws InterruptedException {
        long giveUpAt = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long[] ids;
        while ((ids = THREADS.findDeadlockedThreads()) == null && System.nanoTime() < giveUpAt) Thread.sleep(10);
        return ids == null ? new long[0] : ids;
    }

    // The JVM names a ReentrantLock by the identity of its inner synchronizer. Lock it, and ask the JVM
    // what the current thread holds, to learn that identity.
    static int jvmIdentityOf(ReentrantLock lock) {
        lock.lock();
        try {
            long me = Thread.currentThread().threadId();
            return THREADS.getThreadInfo(new long[] {me}, false, true)[0].getLockedSynchronizers()[0]
                    .getIdentityHashCode();
        } finally {
            lock.unlock();
        }
    }

    static void deadlock() throws Exception {
        var a = new RankedLock("lock A", 1);
        var b = new RankedLock("lock B", 2);
        Map<Integer, String> lockNames = Map.of(jvmIdentityOf(a.lock()), a.name(),
                jvmIdentityOf(b.lock()), b.name());
        Tutorial.say("Two threads each need the same two locks, and ask for them in opposite orders: worker-1 "
                + "takes A then B, worker-2 takes B then A. A barrier waits until each holds its first lock.");
        Tutorial.code("""
                first.lock().lockInterruptibly();
                bothHoldOne.await();
                second.lock().lockInterruptibly();""");
        var prediction = Tutorial.predict("what happens?",
                "both finish, one after the other", "each waits for the other, forever");

        var timeline = new Tutorial.Timeline("deadlock, found and broken");
        var bothHoldOne = new CyclicBarrier(2);
        long start = System.nanoTime();
        try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("worker-", 1).factory())) {
            Future<Void> first = executor.submit(timeline.track("A then B", () -> lockBoth(a, b, bothHoldOne)));
            Future<Void> second = executor.submit(timeline.track("B then A", () -> lockBoth(b, a, bothHoldOne)));

            // The JVM knows who waits for whom; findDeadlockedThreads looks for a circle among them.
            long[] deadlocked = awaitDeadlock();
            prediction.reveal(deadlocked.length > 0 ? 1 : 0);
            if (deadlocked.length == 0) {
                Tutorial.say("No deadlock showed up within 2 s (is the machine very busy?), so both threads are "
                        + "interrupted: nothing may hang.");
                first.cancel(true);
                second.cancel(true);
                return;
            }
            Duration found = Duration.ofNanos(System.nanoTime() - start);
            Tutorial.say("ThreadMXBean.findDeadlockedThreads found " + Tutorial.highlight(deadlocked.length
                    + " deadlocked threads") + " " + Tutorial.seconds(found) + " after launching them. "
                    + "getThreadInfo(ids, true, true) says who holds what and who waits for what:");
            ThreadInfo[] infos = THREADS.getThreadInfo(deadlocked, true, true);
            Arrays.sort(infos, Comparator.comparing(ThreadInfo::getThreadName));
            for (ThreadInfo info : infos) {
                String holds = Arrays.stream(info.getLockedSynchronizers())
                        .map(lock -> lockNames.get(lock.getIdentityHashCode())).toList().toString();
                Tutorial.show("%s (%s) holds %s, waits for %s, which %s holds".formatted(info.getThreadName(),
                        info.getThreadState(), holds, lockNames.get(info.getLockInfo().getIdentityHashCode()),
                        info.getLockOwnerName()));
            }

            // Break it: interrupt worker-1 (cancel interrupts the thread running the task). Its
            // lockInterruptibly throws, and its finally lets go of lock A, which worker-2 is waiting for.
            Tutorial.show("interrupting worker-1");
            first.cancel(true);
        }
        Tutorial.Timeline.print(timeline);
        Tutorial.say("Interrupting worked because the threads waited with lockInterruptibly. A thread stuck "
                + "entering synchronized, or in plain lock(), ignores interrupts: that deadlock lasts until "
                + "the program is killed. jstack, or jcmd PID Thread.print, reports it as \"Found one Java-level "
                + "deadlock\", naming the same threads and locks. ThreadMXBean sees platform threads only, "
                + "not virtual ones.");
    }

    // ── 6. Avoiding deadlock ──────────────────────────────────────────────────────────

    // Fix 1: whatever order a thread asks for the two locks in, it takes the lower rank first.
    // No thread can then hold the higher lock while it waits for the lower, so no circle can form.
    static void lockInOrder(RankedLock x, RankedLock y, Runnable work) {
        RankedLock first = x.rank() < y.rank() ? x : y, second = first == x ? y : x;
        first.lock().lock();
        try {
            second.lock().lock();
            try {
                work.run();
            } finally {
                second.lock().unlock();
            }
        } finally {
            first.lock().unlock();
        }
    }

    // Fix 2: take the first lock, wait for the second only a millisecond; if it does not come, let go,
    // pause a random moment (so the two threads fall out of step), and retry. Returns the retries.
    static int lockOrBackOff(RankedLock first, RankedLock second, Runnable work) throws InterruptedException {
        for (int backOffs = 0; ; backOffs++) {
            first.lock().lockInterruptibly();
            try {
                if (second.lock().tryLock(1, TimeUnit.MILLISECONDS)) {
                    try {
                        work.run();
                        return backOffs;
                    } finally {
                        second.lock().unlock();
                    }
                }
            } finally {
                first.lock().unlock();
            }
            Thread.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(100_000)));
        }
    }

    static final int ROUNDS = 100_000; // by each of two threads

    // Work done under both locks; the locks guard it, so the final count shows whether any was lost.
    static final class Work implements Runnable {
        long done; // guarded by both locks

        public void run() { done++; }
    }

    // A way to take two locks and do the work under both.
    interface TakeBoth {
        void run(RankedLock first, RankedLock second) throws InterruptedException;
    }

    // Two threads, released together, take both locks ROUNDS times each, asking in opposite orders.
    static Duration askInOppositeOrders(Tutorial.Timeline timeline, RankedLock a, RankedLock b, TakeBoth takeBoth)
            throws Exception {
        var startTogether = new CyclicBarrier(2);
        return Tutorial.time(() -> {
            runTogether("worker", List.of(
                    timeline.track("asks A, B", () -> {
                        startTogether.await();
                        for (int i = 0; i < ROUNDS; i++) takeBoth.run(a, b);
                    }),
                    timeline.track("asks B, A", () -> {
                        startTogether.await();
                        for (int i = 0; i < ROUNDS; i++) takeBoth.run(b, a);
                    })));
            return null;
        });
    }

    static void avoidingDeadlock() throws Exception {
        var a = new RankedLock("lock A", 1);
        var b = new RankedLock("lock B", 2);
        Tutorial.say("The same two threads asking for A and B in opposite orders, now %,d times each and "
                .formatted(ROUNDS) + "with no barrier between the locks, the way real code would. Fix 1 ranks "
                + "the locks and always takes the lower rank first:");
        Tutorial.code("""
                RankedLock first = x.rank() < y.rank() ? x : y, second = first == x ? y : x;
                first.lock().lock();
                try { second.lock().lock(); ... }""");
        var ordered = new Tutorial.Timeline("one lock order");
        var orderedWork = new Work();
        Duration orderedTook = askInOppositeOrders(ordered, a, b, (x, y) -> lockInOrder(x, y, orderedWork));

        Tutorial.say("Fix 2 keeps the opposite orders but waits for the second lock only a millisecond; "
                + "on a timeout it lets go of the first, pauses a random moment, and tries again:");
        Tutorial.code("""
                first.lock().lockInterruptibly();
                if (second.lock().tryLock(1, TimeUnit.MILLISECONDS)) { ... return; }
                // else: unlock first (in finally), sleep a random moment, retry""");
        var backingOff = new Tutorial.Timeline("tryLock and back off");
        var backOffWork = new Work();
        var backOffs = new LongAdder();
        Duration backOffTook = askInOppositeOrders(backingOff, a, b,
                (x, y) -> backOffs.add(lockOrBackOff(x, y, backOffWork)));

        Tutorial.table(List.of("2 threads × %,d, opposite orders".formatted(ROUNDS), "work done", "back-offs",
                        "time"),
                List.of(List.of("fix 1: one lock order", "%,d".formatted(orderedWork.done), "none",
                                Tutorial.seconds(orderedTook)),
                        List.of("fix 2: tryLock, back off, retry", "%,d".formatted(backOffWork.done),
                                Tutorial.highlight("%,d".formatted(backOffs.sum())),
                                Tutorial.seconds(backOffTook))));
        Tutorial.Timeline.print(ordered, backingOff);
        Tutorial.varies("the number of back-offs. A thread backs off when its second lock does not come "
                + "within a millisecond: mostly when each thread held one lock and wanted the other's, a deadlock "
                + "but for the timeout; on a busy machine, also when the holder was paused.");
        boolean allDone = orderedWork.done == 2L * ROUNDS && backOffWork.done == 2L * ROUNDS;
        Tutorial.say((allDone ? "Both fixes did all %,d rounds of work, and neither deadlocked. "
                .formatted(2L * ROUNDS) : "") + "A lock order is the usual fix: no retries, no timeouts, just "
                + "the same order everywhere, which needs a rank for every lock (an account number, say). "
                + "tryLock with a timeout is for when there is none: it pays in retries, and a thread may wait "
                + "longer, but no thread waits forever. (One lock for everything could not deadlock either, but "
                + "then only one thread at a time could do any work.)");
    }
}
