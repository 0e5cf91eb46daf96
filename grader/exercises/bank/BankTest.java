package bank;

import static org.assertj.core.api.Assertions.assertThat;

import check.Latency;
import java.io.IOError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Bank")
class BankTest {

    private static final Duration CONTENTION = Duration.ofMillis(200);
    private static final int ROUNDS = 10;
    private static final int SPENDERS = 4;
    private static final long OPENING = 1_000_000;
    /// How many pairs of accounts work at once: far more than any fixed number of locks or threads.
    private static final int PAIRS = 100;
    /// How long to wait for something a correct bank does at once, before calling it stuck.
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /// How long transfers hold accounts that others wait for, in the test that they wait rather than give up.
    private static final Duration HOLD = Duration.ofSeconds(1);

    @Test
    @Tag("money-conserved:transfer")
    @DisplayName("conserves money when 8 threads transfer at once")
    void conservesMoneyUnderContention() throws Exception {
        // First, forced: a transfer 0→1 stays in the ledger, holding both its accounts, while a transfer 1→2
        // starts. A bank that holds its accounts waits there; one without locks runs right through account 1,
        // which is how two updates of one balance come to overwrite each other. Every time, not by chance.
        for (int round = 1; round <= ROUNDS; round++) {
            int r = round;
            assertThat(secondTransferRunsThroughAHeldAccount(1, 2))
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
    @Tag("never-overdraws:transfer")
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
    @Tag("no-deadlock:transfer")
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
    @Tag("moves-the-amount:transfer")
    @Tag("moves-the-amount:balance")
    @Tag("refusal-changes-nothing:transfer")
    @DisplayName("moves exactly the amount (all of a balance too, and sums beyond an int), and refuses what is not there")
    void movesExactlyTheAmountAndRefusesWhatIsNotThere() throws Exception {
        // Each transfer runs on a thread of its own, and every balance is read on the test's thread: balance must
        // show what transfer did on another thread. Account 0 opens with 3 billion, more than an int holds.
        var ledger = new ConcurrentLinkedQueue<Entry>();
        Bank bank = new Bank(new long[] {3_000_000_000L, 0, 7, 0}, (from, to, amount) -> ledger.add(new Entry(from, to, amount)));
        long[] expected = {3_000_000_000L, 0, 7, 0};
        record Step(int from, int to, long amount, boolean goesThrough, String why) {}
        var steps = List.of(
                new Step(0, 1, 1, true, "account 0 holds 3,000,000,000"),
                new Step(0, 1, 1_999_999_999L, true, "account 0 holds 2,999,999,999"),
                new Step(0, 3, 1_000_000_001L, false, "account 0 holds only 1,000,000,000"),
                new Step(2, 3, 7, true, "account 2 holds 7: all of it may go"),
                new Step(2, 3, 1, false, "account 2 holds nothing"),
                new Step(1, 0, 2_000_000_000L, true, "account 1 holds 2,000,000,000: all of it may go"));
        var made = new ArrayList<Entry>();
        for (Step step : steps) {
            var attempt = Attempt.start(bank, step.from(), step.to(), step.amount());
            attempt.finish();
            String transfer = "transfer(%d, %d, %,d)".formatted(step.from(), step.to(), step.amount());
            assertThat(attempt.thrown).as("what %s threw (%s)", transfer, step.why()).isNull();
            assertThat(attempt.returned)
                    .withFailMessage("%s returned %s, but %s: it should return %s. A transfer goes through when the "
                            + "source holds at least the amount (all of it included) and returns whether it did; "
                            + "balances are longs (keep every sum and difference a long).",
                            transfer, attempt.returned, step.why(), step.goesThrough())
                    .isEqualTo(step.goesThrough());
            if (step.goesThrough()) {
                expected[step.from()] -= step.amount();
                expected[step.to()] += step.amount();
                made.add(new Entry(step.from(), step.to(), step.amount()));
            }
            long[] now = balances(bank, 4);
            assertThat(now)
                    .withFailMessage("after %s (%s) balance(0…3) read %s on another thread; it should read %s. %s",
                            transfer, step.why(), Arrays.toString(now), Arrays.toString(expected), step.goesThrough()
                                    ? "Move exactly the amount from the source to the destination."
                                    : "A refused transfer changes nothing.")
                    .containsExactly(expected);
            assertThat(List.copyOf(ledger))
                    .withFailMessage("after %s (%s) the ledger holds %s; it should hold exactly the transfers that "
                            + "happened, once each: %s. Record a transfer only once the check has passed.",
                            transfer, step.why(), ledger, made)
                    .containsExactlyElementsOf(made);
        }
    }

    @Test
    @Tag("waits-its-turn:transfer")
    @DisplayName("makes a transfer that has the money however long other transfers hold its accounts")
    void waitsForHeldAccountsInsteadOfGivingUp() throws Exception {
        // Transfers 2→3 and 6→7 stay in the ledger, holding accounts 2, 3, 6 and 7. Meanwhile four transfers that
        // each share one of those accounts (as source or destination, as lower or higher account) have to wait.
        // All four have the money. The holders are kept in the ledger for HOLD after all four wait, then let go:
        // all four must then go through and return true. A bank that gives up after a time limit (tryLock with a
        // timeout) refuses money that is there.
        var release = new CountDownLatch(1);
        var holding = new CountDownLatch(2);
        Bank bank = new Bank(LongStream.generate(() -> 100).limit(8).toArray(), (from, to, amount) -> {
            if (amount == 1) {
                holding.countDown();
                release.await();
            }
        });
        var holders = List.of(Attempt.start(bank, 2, 3, 1), Attempt.start(bank, 6, 7, 1));
        var contenders = new ArrayList<Attempt>();
        try {
            assertThat(holding.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .withFailMessage("transfers 2→3 and 6→7, out of accounts holding 100, were not both in "
                            + "ledger.record after %s: record every transfer that happens", Latency.seconds(PATIENCE))
                    .isTrue();
            for (int[] route : new int[][] {{3, 4}, {5, 2}, {0, 6}, {7, 1}}) {
                contenders.add(Attempt.start(bank, route[0], route[1], 50));
            }
            for (Attempt contender : contenders) awaitWaiting(contender.thread);
            Thread.sleep(HOLD);
        } finally {
            release.countDown();
        }
        for (Attempt attempt : holders) attempt.finish();
        for (Attempt contender : contenders) {
            contender.finish();
            assertThat(contender.returned)
                    .withFailMessage("transfer(%d, %d, 50) out of an account holding 100 returned %s after waiting "
                            + "about %s for a transfer that held one of its accounts. It had the money: wait for the "
                            + "account, however long, and make the transfer (no tryLock with a time limit, no "
                            + "giving up when an account is busy).", contender.from, contender.to, contender.returned,
                            Latency.seconds(HOLD))
                    .isTrue();
        }
        assertThat(balances(bank, 8)).as("balances after 2→3 and 6→7 of 1, then 3→4, 5→2, 0→6 and 7→1 of 50")
                .containsExactly(50, 150, 149, 51, 150, 50, 149, 51);
    }

    @Test
    @Tag("recorded-while-held:transfer")
    @DisplayName("records each transfer that happens once, while it holds both its accounts")
    void recordsEachTransferOnceWhileHoldingItsAccounts() throws Exception {
        // First, forced: a transfer 0→1 stays in the ledger; a second transfer shares one of its accounts, in
        // each role in turn. It must wait for the first, not be recorded while the first is still recording.
        for (int[] second : new int[][] {{0, 2}, {2, 0}, {1, 2}, {2, 1}}) {
            assertThat(secondTransferRunsThroughAHeldAccount(second[0], second[1]))
                    .withFailMessage("while a transfer 0→1 was being recorded, a transfer %d→%d, which shares account "
                            + "%d with it, was recorded too. Record a transfer while you still hold both its "
                            + "accounts (inside the locks), so no other transfer of those accounts can happen "
                            + "between its check, its record and its move.", second[0], second[1],
                            second[0] == 2 ? second[1] : second[0])
                    .isFalse();
        }
        // Then, by chance: 8 threads make transfers among 4 accounts, some refused for want of money. Read in the
        // order it was written, the ledger must replay to the final balances without ever overdrawing, and hold
        // exactly the transfers that returned true.
        for (int round = 1; round <= 3; round++) {
            var ledger = new ConcurrentLinkedQueue<Entry>();
            long[] opening = {100, 100, 100, 100};
            Bank bank = new Bank(opening, (from, to, amount) -> ledger.add(new Entry(from, to, amount)));
            var madeIt = new AtomicInteger();
            runTogether(8, thread -> {
                var random = ThreadLocalRandom.current();
                for (int i = 0; i < 2_000; i++) {
                    int from = random.nextInt(4), to = (from + 1 + random.nextInt(3)) % 4;
                    if (bank.transfer(from, to, 1 + random.nextInt(60))) madeIt.incrementAndGet();
                }
            });
            assertThat(ledger.size())
                    .withFailMessage("%d transfers returned true, but the ledger holds %d entries (round %d of 3): "
                            + "record every transfer that happens once, and none that is refused.",
                            madeIt.get(), ledger.size(), round)
                    .isEqualTo(madeIt.get());
            long[] replayed = opening.clone();
            int line = 0;
            for (Entry entry : ledger) {
                line++;
                replayed[entry.from()] -= entry.amount();
                replayed[entry.to()] += entry.amount();
                int l = line;
                assertThat(replayed[entry.from()])
                        .withFailMessage("read in the order it was written, the ledger overdraws account %d at entry "
                                + "%d (%s) (round %d of 3): the ledger and the balances disagree about the order of "
                                + "the transfers. Record each transfer while you hold both its accounts.",
                                entry.from(), l, entry, round)
                        .isNotNegative();
            }
            assertThat(balances(bank, 4)).as("the balances after round %d, and the ledger replayed from the opening "
                    + "balances", round).containsExactly(replayed);
        }
    }

    @Test
    @Tag("ledger-failure:transfer")
    @DisplayName("changes nothing and frees both accounts when the ledger fails, whatever it throws")
    void aFailingLedgerChangesNothingAndFreesTheAccounts() throws Exception {
        var failures = List.<Throwable>of(new InterruptedException("the ledger's thread was interrupted"),
                new UncheckedIOException(new IOException("the ledger's disk is full")),
                new IOError(new IOException("the ledger's disk is gone")));
        for (Throwable failure : failures) {
            // Two transfers, 0→1 and 2→3, reach the ledger together and both fail.
            var failing = new AtomicReference<Throwable>(failure);
            var together = new CyclicBarrier(2);
            Bank bank = new Bank(new long[] {100, 100, 100, 100}, (from, to, amount) -> {
                Throwable f = failing.get();
                if (f == null) return;
                try {
                    together.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (BrokenBarrierException | TimeoutException alone) {
                    // the other one did not come: fail alone
                }
                throwAsIs(f);
            });
            var attempts = List.of(Attempt.start(bank, 0, 1, 30), Attempt.start(bank, 2, 3, 30));
            for (Attempt attempt : attempts) {
                attempt.finish();
                assertThat(attempt.thrown)
                        .withFailMessage("ledger.record threw %s during transfer(%d, %d, 30), but transfer %s. Let the "
                                + "ledger's exception out of transfer, whatever it is (an Error too): the caller "
                                + "must know the transfer did not happen.", failure, attempt.from, attempt.to,
                                attempt.thrown == null ? "returned " + attempt.returned : "threw " + attempt.thrown)
                        .isSameAs(failure);
            }
            assertThat(balances(bank, 4))
                    .withFailMessage("ledger.record threw %s during transfers 0→1 and 2→3 of 30, so neither "
                            + "happened, but the balances are now %s instead of [100, 100, 100, 100]: the ledger and "
                            + "the balances disagree. Record before you move the money, or put it back when the "
                            + "ledger throws (whatever it throws).", failure, Arrays.toString(balances(bank, 4)))
                    .containsExactly(100, 100, 100, 100);
            failing.set(null);
            assertAccountsFree(bank, "ledger.record threw " + failure);
        }
        // Then a real interrupt: the ledger is interrupted while it writes a transfer 0→1 down.
        var recording = new CountDownLatch(1);
        Bank bank = new Bank(new long[] {100, 100, 100, 100}, (from, to, amount) -> {
            if (amount == 30) {
                recording.countDown();
                Thread.sleep(PATIENCE.multipliedBy(2));
            }
        });
        var interrupted = Attempt.start(bank, 0, 1, 30);
        assertThat(recording.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                .as("transfer(0, 1, 30) out of an account holding 100 reached ledger.record").isTrue();
        interrupted.thread.interrupt();
        interrupted.finish();
        assertThat(interrupted.thrown)
                .withFailMessage("the thread of transfer(0, 1, 30) was interrupted while ledger.record was writing it "
                        + "down (record threw InterruptedException), but transfer %s. Let the InterruptedException "
                        + "out of transfer.", interrupted.thrown == null ? "returned " + interrupted.returned
                        : "threw " + interrupted.thrown)
                .isInstanceOf(InterruptedException.class);
        assertThat(balances(bank, 4))
                .withFailMessage("ledger.record was interrupted while writing down transfer(0, 1, 30), so it did not "
                        + "happen, but the balances are now %s instead of [100, 100, 100, 100]. Record before you "
                        + "move the money, or put it back when the ledger throws.", Arrays.toString(balances(bank, 4)))
                .containsExactly(100, 100, 100, 100);
        assertAccountsFree(bank, "ledger.record was interrupted");
    }

    @Test
    @Tag("no-single-lock:transfer")
    @DisplayName("runs transfers between 100 different pairs of accounts all at the same time")
    void transfersBetweenDifferentAccountsRunAtTheSameTime() throws Exception {
        // 100 threads, each with a pair of accounts of its own (0→1, 2→3, … 198→199). Each transfer, once in the
        // ledger, stays there until all 100 are in it together (or PATIENCE after the first came in). They share
        // no account, so a bank that holds only the accounts of each transfer lets all 100 in at once; one lock
        // for the whole bank, or a fixed set of locks shared by accounts (16 stripes, an array of 8), lets in
        // only some at a time.
        var inLedger = new AtomicInteger();
        var most = new AtomicInteger();
        var allIn = new CountDownLatch(PAIRS);
        var giveUp = new AtomicLong();
        Bank bank = new Bank(LongStream.generate(() -> 10).limit(2L * PAIRS).toArray(), (from, to, amount) -> {
            giveUp.compareAndSet(0, System.nanoTime() + PATIENCE.toNanos());
            most.accumulateAndGet(inLedger.incrementAndGet(), Math::max);
            allIn.countDown();
            allIn.await(Math.max(0, giveUp.get() - System.nanoTime()), TimeUnit.NANOSECONDS);
            inLedger.decrementAndGet();
        });
        runTogether(PAIRS, thread -> bank.transfer(2 * thread, 2 * thread + 1, 1));
        assertThat(most.get())
                .withFailMessage("%d threads each made a transfer between a pair of accounts of its own, and each "
                        + "transfer stayed in the ledger until all were in it, but at most %d were in it at once "
                        + "(waited %s). They share no account: is there one lock for the whole bank (a synchronized "
                        + "method, a static lock), or a fixed number of locks that accounts share? Give each "
                        + "account a lock of its own and hold only the two accounts of each transfer.",
                        PAIRS, most.get(), Latency.seconds(PATIENCE))
                .isEqualTo(PAIRS);
    }

    @Test
    @Tag("balance-waits-for-transfer:balance")
    @DisplayName("reads the balance of an account a transfer holds only once that transfer has ended")
    void readsABalanceOnlyOnceTheTransferHoldingItHasEnded() throws Exception {
        // A transfer 0→1 of 100 stays in the ledger, holding accounts 0 and 1; a thread reading balance(0) must wait
        // for it (blocked on the account's lock), then see the money gone: not answer at once with 1,000.
        var recording = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Bank bank = new Bank(new long[] {1_000, 1_000}, (from, to, amount) -> {
            recording.countDown();
            release.await();
        });
        var holder = Attempt.start(bank, 0, 1, 100);
        var read = new AtomicReference<Object>();
        Thread reader = Thread.ofPlatform().daemon().name("balance-reader").unstarted(() -> {
            try {
                read.set(bank.balance(0));
            } catch (RuntimeException e) {
                read.set(e);
            }
        });
        try {
            assertThat(recording.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .as("transfer(0, 1, 100) out of an account holding 1,000 reached ledger.record").isTrue();
            reader.start();
            // Until the reader either answers or waits for a lock: no sleep decides it.
            long giveUp = System.nanoTime() + PATIENCE.toNanos();
            while (reader.isAlive() && !waitsForALock(reader) && System.nanoTime() < giveUp) Thread.onSpinWait();
            assertThat(read.get())
                    .withFailMessage("while transfer(0, 1, 100) was being recorded, holding account 0, balance(0) "
                            + "answered %s at once: the ledger already had the transfer, the balance did not. Read a "
                            + "balance under its account's lock, so that it waits for a transfer in progress.", read.get())
                    .isNull();
        } finally {
            release.countDown();
            holder.finish();
            reader.join(PATIENCE);
        }
        assertThat(read.get())
                .withFailMessage("balance(0) read after transfer(0, 1, 100) out of 1,000 ended gave %s", read.get())
                .isEqualTo(900L);
    }

    /// Blocked entering synchronized, or parked on a Lock or Condition.
    private static boolean waitsForALock(Thread thread) {
        return thread.getState() == Thread.State.BLOCKED || thread.getState() == Thread.State.WAITING
                || thread.getState() == Thread.State.TIMED_WAITING;
    }

    @Test
    @Tag("no-single-lock:balance")
    @DisplayName("reads the balance of any account that no transfer holds while a transfer is being recorded")
    void readsOtherBalancesWhileATransferIsRecorded() throws Exception {
        // A transfer 0→1 stays in the ledger, holding accounts 0 and 1; meanwhile a thread reads the balances of
        // accounts 2…199, which no transfer holds: each must answer at once, not wait for the recording.
        int accounts = 2 * PAIRS;
        var recording = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Bank bank = new Bank(LongStream.range(0, accounts).map(a -> 1_000 + a).toArray(), (from, to, amount) -> {
            recording.countDown();
            release.await();
        });
        var holder = Attempt.start(bank, 0, 1, 1);
        var reading = new AtomicInteger(2);
        var wrong = new AtomicReference<String>();
        Thread reader = null;
        try {
            assertThat(recording.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .as("transfer(0, 1, 1) out of an account holding 1,000 reached ledger.record").isTrue();
            reader = Thread.ofPlatform().daemon().name("balance-reader").start(() -> {
                for (int a = 2; a < accounts; a++) {
                    reading.set(a);
                    try {
                        long balance = bank.balance(a);
                        if (balance != 1_000 + a) wrong.compareAndSet(null, "balance(%d) = %d".formatted(a, balance));
                    } catch (RuntimeException e) {
                        wrong.compareAndSet(null, "balance(%d) threw %s".formatted(a, e));
                    }
                }
                reading.set(-1);
            });
            reader.join(PATIENCE);
            int stuckAt = reading.get();
            assertThat(stuckAt)
                    .withFailMessage("while a transfer 0→1 was being recorded, balance(%d) did not answer in %s. No "
                            + "transfer holds account %d: read a balance under that account's own lock only (not "
                            + "a lock for the whole bank, not a lock other accounts share, not every account's).",
                            stuckAt, Latency.seconds(PATIENCE), stuckAt)
                    .isEqualTo(-1);
            assertThat(wrong.get())
                    .withFailMessage("in a bank of %d accounts, account a opening with 1,000 + a, %s while a transfer "
                            + "0→1 was being recorded", accounts, wrong.get())
                    .isNull();
        } finally {
            release.countDown();
            holder.finish();
            if (reader != null) reader.join();
        }
    }

    /// One ledger entry: a transfer that was written down.
    record Entry(int from, int to, long amount) {
        @Override
        public String toString() {
            return "%d→%d %,d".formatted(from, to, amount);
        }
    }

    /// One transfer, run on a platform thread of its own: what it returned or threw.
    static final class Attempt {
        final int from;
        final int to;
        final long amount;
        final Thread thread;
        volatile Boolean returned;
        volatile Throwable thrown;

        private Attempt(Bank bank, int from, int to, long amount) {
            this.from = from;
            this.to = to;
            this.amount = amount;
            this.thread = Thread.ofPlatform().daemon().name("transfer-%d-to-%d".formatted(from, to)).unstarted(() -> {
                try {
                    returned = bank.transfer(from, to, amount);
                } catch (Throwable e) {
                    thrown = e;
                }
            });
        }

        static Attempt start(Bank bank, int from, int to, long amount) {
            var attempt = new Attempt(bank, from, to, amount);
            attempt.thread.start();
            return attempt;
        }

        /// Waits for the transfer to end, which it should at once: everything it could wait for has ended.
        void finish() throws InterruptedException {
            boolean ended = thread.join(PATIENCE);
            assertThat(ended)
                    .withFailMessage("transfer(%d, %d, %,d) had not returned %s after every transfer it could wait "
                            + "for had finished: it waits for a lock nobody will ever release.", from, to, amount,
                            Latency.seconds(PATIENCE))
                    .isTrue();
        }
    }

    /// After a failure, transfers over accounts 0…3 (all of a balance each) go through: no lock was left held.
    private static void assertAccountsFree(Bank bank, String failure) throws InterruptedException {
        for (int[] route : new int[][] {{1, 0}, {3, 2}, {0, 3}}) {
            long amount = bank.balance(route[0]);
            var next = Attempt.start(bank, route[0], route[1], amount);
            boolean ended = next.thread.join(PATIENCE);
            assertThat(ended)
                    .withFailMessage("%s; after that, transfer(%d, %d, %d) waited %s for its accounts, though no "
                            + "transfer held them any more: a lock was left held when the ledger threw. Release "
                            + "every lock on every way out (unlock in finally, or synchronized blocks).", failure,
                            route[0], route[1], amount, Latency.seconds(PATIENCE))
                    .isTrue();
            assertThat(next.thrown).as("what transfer(%d, %d, %d) threw after %s, with a working ledger", route[0],
                    route[1], amount, failure).isNull();
            assertThat(next.returned).as("what transfer(%d, %d, %d) (all of account %d) returned after %s, with a "
                    + "working ledger", route[0], route[1], amount, route[0], failure).isTrue();
        }
    }

    private static long[] balances(Bank bank, int accounts) {
        return IntStream.range(0, accounts).mapToLong(bank::balance).toArray();
    }

    /// Throws `failure` as it is: InterruptedException (which record declares), a RuntimeException or an Error.
    private static void throwAsIs(Throwable failure) throws InterruptedException {
        if (failure instanceof InterruptedException e) throw e;
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
        throw new IllegalArgumentException("a ledger cannot throw " + failure, failure);
    }

    @FunctionalInterface
    interface Work {
        void run(int thread) throws Exception;
    }

    /// A transfer 0→1 of 1 is held in the ledger; then a transfer `from`→`to` of 2, which shares an account with it,
    /// starts. Returns whether the second reached the ledger while the first was still in it, rather than waiting.
    private static boolean secondTransferRunsThroughAHeldAccount(int from, int to) throws Exception {
        var firstRecording = new CountDownLatch(1);
        var secondRecorded = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Bank bank = new Bank(new long[] {10, 10, 10}, (f, t, amount) -> {
            if (amount == 1) {
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
        Thread second = Thread.ofPlatform().daemon().name("transfer-%d-to-%d".formatted(from, to))
                .start(() -> transferQuietly(bank, from, to, 2));
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
