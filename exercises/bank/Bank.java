///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 3 — Bank transfers.
//
// Many threads call transfer at once. Make Bank thread-safe:
//   - money is conserved: the sum of all balances never changes, however many transfers run at once;
//   - no balance ever goes below zero: a transfer that would overdraw returns false and changes nothing;
//   - transfers between different pairs of accounts run at the same time (no single lock for the bank);
//   - two transfers in opposite directions (0→1 and 1→0) never deadlock;
//   - every transfer that happens is recorded in the ledger while it holds both accounts, so the
//     ledger and the balances agree. Recording takes a moment (it is IO), so hold only what you must.
//     If the ledger fails (record throws), the transfer does not happen: transfer throws that exception
//     and both balances stay as they were;
//   - balance(i) reads account i under its lock: while a transfer of i is being recorded, it waits for it.
//
// Try it:  ./jbang ex03          Check it:  ./jbang grade ex03
package bank;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

public class Bank {

    /// Writes down a transfer that happened (to a file, a database: IO that takes a moment).
    public interface Ledger {
        void record(int from, int to, long amount) throws InterruptedException;

        Ledger NONE = (from, to, amount) -> {};
    }

    /// One account. Its balance is shared by every thread that transfers to or from it.
    static final class Account {
        final int id;
        long balance;

        Account(int id, long balance) {
            this.id = id;
            this.balance = balance;
        }
    }

    private final Account[] accounts;
    private final Ledger ledger;

    public Bank(long[] openingBalances, Ledger ledger) {
        accounts = new Account[openingBalances.length];
        for (int i = 0; i < accounts.length; i++) {
            accounts[i] = new Account(i, openingBalances[i]);
        }
        this.ledger = ledger;
    }

    /// Moves `amount` (> 0) from account `from` to account `to` (another account) and records it in the
    /// ledger, if `from` holds at least `amount`; returns whether it did.
    public boolean transfer(int from, int to, long amount) throws InterruptedException {
        // TODO: hold both accounts (always in the same order), check, record it, move the money.
        throw new UnsupportedOperationException("TODO");
    }

    /// The balance of one account now.
    public long balance(int account) {
        // TODO: read the balance under the same lock that transfer writes it under.
        throw new UnsupportedOperationException("TODO");
    }

    public static void main(String[] args) throws Exception {
        Bank bank = new Bank(new long[] {1_000, 1_000, 1_000, 1_000}, Ledger.NONE);
        List<Thread> clerks = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            clerks.add(Thread.ofPlatform().name("clerk-" + c).start(() -> {
                var random = ThreadLocalRandom.current();
                for (int i = 0; i < 100_000; i++) {
                    int from = random.nextInt(4), to = (from + 1 + random.nextInt(3)) % 4;
                    try {
                        bank.transfer(from, to, 1 + random.nextInt(50));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        for (Thread clerk : clerks) clerk.join();
        long total = 0;
        for (int i = 0; i < 4; i++) total += bank.balance(i);
        System.out.println("after 400,000 transfers the bank holds " + total + " (it opened with 4000)");
    }
}
