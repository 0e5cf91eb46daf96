package bank;

import static org.assertj.core.api.Assertions.assertThat;

import check.Latency;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;

@DisplayName("Bank")
class BankTest {

    private static final Duration CONTENTION = Duration.ofMillis(200);
    private static final int ROUNDS = 10;
    private static final int SPENDERS = 4;
    private static final long OPENING = 1_000_000;

    @Test
    @DisplayName("conserves money when 8 threads transfer at once")
    void conservesMoneyUnderContention() throws Exception {
        // First, forced: a transfer 0→1 stays in the ledger, holding both its accounts, while a transfer 1→2
        // starts. A bank that holds its accounts waits there; one without locks runs right through account 1,
        // which is how two updates of one balance come to overwrite each other. Every time, not by chance.
        for (int round = 1; round <= ROUNDS; round++) {
            int r = round;
            assertThat(secondTransferRunsThroughAHeldAccount())
                    .withFailMessage(() -> "while a transfer 0→1 was being recorded (so it should have held accounts 0 "
                            + "and 1), a transfer 1→2 went right through account 1 and was recorded too (forced round "
                            + r + " of " + ROUNDS + "). Two threads changing one balance at once overwrite each other's "
                            + "updates (balance -= amount is read, subtract, write). Hold both accounts' locks while "
                            + "you change them and record the transfer.")
                    .isFalse();
        }
        // Then, by chance, many times over.
        long[] opening = {10_000, 10_000, 10_000, 10_000};
        for (int round = 1; round <= 3; round++) {
            Bank bank = new Bank(opening, Bank.Ledger.NONE);
            // Every thread transfers until the same deadline, so all 8 are at it together for the whole window,
            // however late the scheduler starts them.
            long deadline = System.nanoTime() + CONTENTION.toNanos();
            runTogether(8, thread -> {
                var random = ThreadLocalRandom.current();
                while (System.nanoTime() < deadline) {
                    for (int i = 0; i < 1_000; i++) {
                        int from = random.nextInt(4), to = (from + 1 + random.nextInt(3)) % 4;
                        bank.transfer(from, to, 1 + random.nextInt(20));
                    }
                }
            });
            long total = LongStream.range(0, 4).map(a -> bank.balance((int) a)).sum();
            assertThat(total)
                    .withFailMessage("after 8 threads made transfers for 0.2 s (round %d of 3) the bank holds %d, but it "
                            + "opened with 40,000: transfers that ran at the same time overwrote each other's updates "
                            + "(balance -= amount is read, subtract, write: two threads can read the same value). "
                            + "Hold both accounts' locks while you change them.", round, total)
                    .isEqualTo(40_000);
        }
    }

    @Test
    @DisplayName("never lets a balance go below zero, even when several threads spend the same money")
    void neverOverdraws() throws Exception {
        // First, forced: account 4 holds 7 and two transfers of 7 out of it wait, one behind a transfer that holds
        // account 0, the other behind one that holds account 1. A bank that checks the balance before it takes
        // the locks lets both pass the check while they wait, and both spend: every time, not by chance.
        for (int round = 1; round <= ROUNDS; round++) {
            var spent = spendTheSameMoneyTwice();
            int r = round;
            assertThat(spent.left())
                    .withFailMessage(() -> "account 4 held 7; two threads each transferred 7 out of it while they "
                            + "waited for accounts 0 and 1 that other transfers held; " + spent.succeeded()
                            + " of the 2 transfers went through and account 4 now holds " + spent.left()
                            + " (forced round " + r + " of " + ROUNDS + "). Both checked the balance before they had "
                            + "the locks, saw 7, and spent it. Check the balance and move the money under the same lock.")
                    .isEqualTo(0);
            assertThat(spent.succeeded()).as("transfers of 7 out of an account holding 7 that went through").isEqualTo(1);
        }
        // Then, by chance, many times over: 4 threads spend from one account until it refuses.
        for (int round = 1; round <= ROUNDS; round++) {
            // Account 0 holds 1,000,000 and only pays out: 4 threads keep moving 7 out of it, each to an account of
            // its own, until a transfer is refused. A correct bank refuses once less than 7 is left: 1,000,000 % 7 = 1.
            Bank bank = new Bank(new long[] {OPENING, 0, 0, 0, 0}, Bank.Ledger.NONE);
            runTogether(SPENDERS, thread -> {
                while (bank.transfer(0, thread + 1, 7)) {
                    Thread.onSpinWait();
                }
            });
            long left = bank.balance(0);
            int r = round;
            assertThat(left)
                    .withFailMessage(() -> "account 0 held 1,000,000 and " + SPENDERS + " threads kept moving 7 out of it "
                            + "until a transfer was refused; it should end with 1, but holds " + left + " (round " + r
                            + " of " + ROUNDS + "). A thread checked the balance, then waited for the lock while another "
                            + "spent the money. Check the balance and move the money under the same lock.")
                    .isEqualTo(OPENING % 7);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    @DisplayName("never deadlocks when transfers go both ways between the same accounts")
    void transfersInOppositeDirectionsNeverDeadlock() throws Exception {
        // 6 threads move money around 3 accounts in both directions (0→1, 1→2, 2→0 and back), and recording
        // each transfer takes a millisecond while the accounts are held. A bank that locks the source account
        // first soon has every thread holding one account and waiting for the next: the grader then shows which
        // thread holds which lock.
        int[][] routes = {{0, 1}, {1, 2}, {2, 0}, {1, 0}, {2, 1}, {0, 2}};
        Bank bank = new Bank(new long[] {1_000_000, 1_000_000, 1_000_000},
                (from, to, amount) -> Thread.sleep(Duration.ofMillis(1)));
        runTogether(routes.length, thread -> {
            for (int i = 0; i < 100; i++) {
                bank.transfer(routes[thread][0], routes[thread][1], 1);
            }
        });
        assertThat(bank.balance(0) + bank.balance(1) + bank.balance(2)).as("money in the 3 accounts").isEqualTo(3_000_000);
    }

    @Test
    @DisplayName("runs transfers between different accounts at the same time")
    void transfersBetweenDifferentAccountsRunAtTheSameTime(TestReporter reporter) throws Exception {
        int pairs = 4, transfersEach = 10;
        Duration recording = Duration.ofMillis(10);
        // Each thread works on its own pair of accounts (0→1, 2→3, …); recording a transfer takes 10 ms.
        // Nothing is shared between the pairs, so the 4 threads should take about as long as one.
        Bank funded = new Bank(LongStream.generate(() -> 1_000).limit(2L * pairs).toArray(),
                (from, to, amount) -> Thread.sleep(recording));
        Duration oneThreadsShare = recording.multipliedBy(transfersEach);
        Duration sum = oneThreadsShare.multipliedBy(pairs);

        // Best of up to 3 runs, so a busy machine cannot fail a correct bank; one lock for the whole bank
        // can never come in under half the sum.
        Duration took = null;
        for (int attempt = 0; attempt < 3 && (took == null || took.compareTo(sum.dividedBy(2)) >= 0); attempt++) {
            Duration run = Latency.time(() -> {
                runTogether(pairs, thread -> {
                    for (int i = 0; i < transfersEach; i++) {
                        funded.transfer(2 * thread, 2 * thread + 1, 1);
                    }
                });
                return null;
            });
            took = took == null || run.compareTo(took) < 0 ? run : took;
        }

        reporter.publishEntry("4 threads on 4 separate pairs of accounts took",
                Latency.seconds(took) + " (one thread's share " + Latency.seconds(oneThreadsShare)
                        + ", all of them one after another " + Latency.seconds(sum) + ")");
        assertThat(took)
                .withFailMessage("4 threads, each transferring between its own pair of accounts, took %s: about the sum "
                                + "of their work (%s), not one thread's share (%s). They waited for each other though "
                                + "they share no account: is there one lock for the whole bank (a synchronized method, "
                                + "a static lock)? Lock only the two accounts of each transfer.",
                        Latency.seconds(took), Latency.seconds(sum), Latency.seconds(oneThreadsShare))
                .isLessThan(sum.dividedBy(2));
    }

    @FunctionalInterface
    interface Work {
        void run(int thread) throws Exception;
    }

    /// A transfer 0→1 is held in the ledger; then a transfer 1→2 starts. Returns whether the second reached the
    /// ledger while the first was still in it, rather than waiting for account 1.
    private static boolean secondTransferRunsThroughAHeldAccount() throws Exception {
        var firstRecording = new CountDownLatch(1);
        var secondRecorded = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Bank bank = new Bank(new long[] {10, 10, 10}, (from, to, amount) -> {
            if (from == 0) {
                firstRecording.countDown();
                release.await();
            } else {
                secondRecorded.countDown();
            }
        });
        Thread first = Thread.ofPlatform().daemon().name("transfer-0-to-1").start(() -> transferQuietly(bank, 0, 1, 1));
        assertThat(firstRecording.await(5, TimeUnit.SECONDS))
                .withFailMessage("a transfer of 1 out of account 0, which held 10, never called ledger.record: record "
                        + "every transfer that happens, while you hold its accounts").isTrue();
        Thread second = Thread.ofPlatform().daemon().name("transfer-1-to-2").start(() -> transferQuietly(bank, 1, 2, 1));
        awaitWaiting(second);
        boolean ranThrough = secondRecorded.getCount() == 0;
        release.countDown();
        first.join();
        second.join();
        return ranThrough;
    }

    /// How two transfers of 7 out of an account holding 7 ended: how many went through, and what is left.
    record Spent(int succeeded, long left) {}

    /// Accounts 0 and 1 are held by two transfers stuck in the ledger (or, in a bank with one lock for all, one
    /// is stuck there and the other waits for it); meanwhile `spender-0` moves 7 from account 4 to 0 and
    /// `spender-1` from 4 to 1, so each must wait for a held account. Once both wait, the ledger lets the holders
    /// finish and the spenders go on.
    private static Spent spendTheSameMoneyTwice() throws Exception {
        var release = new CountDownLatch(1);
        Bank bank = new Bank(new long[] {1, 1, 0, 0, 7}, (from, to, amount) -> {
            if (from != 4) release.await();
        });
        var holders = List.of(Thread.ofPlatform().daemon().name("holder-0").start(() -> transferQuietly(bank, 0, 2, 1)),
                Thread.ofPlatform().daemon().name("holder-1").start(() -> transferQuietly(bank, 1, 3, 1)));
        for (Thread holder : holders) {
            awaitWaiting(holder);
        }
        var succeeded = new AtomicInteger();
        var spenders = List.of(0, 1).stream().map(to -> Thread.ofPlatform().daemon().name("spender-" + to).start(() -> {
            if (transferQuietly(bank, 4, to, 7)) succeeded.incrementAndGet();
        })).toList();
        for (Thread spender : spenders) {
            awaitWaiting(spender);
        }
        release.countDown();
        for (Thread thread : holders) thread.join();
        for (Thread thread : spenders) thread.join();
        return new Spent(succeeded.get(), bank.balance(4));
    }

    /// Waits until `thread` blocks or waits (for a lock, most likely) or ends, or 2 s have passed.
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (EnumSet.of(Thread.State.NEW, Thread.State.RUNNABLE).contains(thread.getState())
                && System.nanoTime() < giveUp) {
            Thread.sleep(1);
        }
    }

    /// Joins the threads; if some of them deadlock, stops at once rather than at the test's timeout. The
    /// TimeoutException makes the grader explain the hang: which thread holds which lock and waits for which.
    private static void joinOrStopAtDeadlock(List<Thread> threads) throws InterruptedException, TimeoutException {
        long start = System.nanoTime();
        var ids = threads.stream().map(Thread::threadId).collect(Collectors.toSet());
        for (Thread thread : threads) {
            while (!thread.join(Duration.ofMillis(50))) {
                long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
                if (deadlocked != null && Arrays.stream(deadlocked).anyMatch(ids::contains)) {
                    throw new TimeoutException("the transfer threads deadlocked %s in: each holds an account another one waits for, so none can ever go on"
                            .formatted(Latency.seconds(Duration.ofNanos(System.nanoTime() - start))));
                }
            }
        }
    }

    private static boolean transferQuietly(Bank bank, int from, int to, long amount) {
        try {
            return bank.transfer(from, to, amount);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /// Runs `work` on `threads` platform threads released together by a barrier, and joins them all.
    private static void runTogether(int threads, Work work) throws Exception {
        var start = new CyclicBarrier(threads);
        var failures = new ArrayList<Throwable>();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            running.add(Thread.ofPlatform().daemon().name("transfer-thread-" + t).start(() -> {
                try {
                    start.await();
                    work.run(thread);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        joinOrStopAtDeadlock(running);
        synchronized (failures) {
            if (!failures.isEmpty()) throw new AssertionError("a transfer thread failed: " + failures.getFirst(),
                    failures.getFirst());
        }
    }
}
