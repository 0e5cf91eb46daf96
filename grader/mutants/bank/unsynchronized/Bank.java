// Mutant: no locks at all: concurrent transfers overwrite each other's balance updates.
// Rejected by: conservesMoneyUnderContention
package bank;

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
        if (accounts[from].balance < amount) return false;
        accounts[from].balance -= amount;
        accounts[to].balance += amount;
        ledger.record(from, to, amount);
        return true;
    }

    /// The balance of one account now.
    public long balance(int account) {
        return accounts[account].balance;
    }
}
