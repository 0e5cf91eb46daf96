package check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/// Lists of tasks made to finish or fail in a chosen order, for the tests of code that runs a whole list of
/// tasks at once (fetchAll, runAll), and how their failure messages show what that code did.
public final class TaskLists {

    private TaskLists() {}

    /// How long a task made to wait for another waits at most: when not all tasks run at once, the one it waits
    /// for may never start, and the test must still end.
    public static final Duration GIVE_UP = Duration.ofSeconds(2);

    /// A wait that gives up at a System.nanoTime() `deadline`.
    @FunctionalInterface
    public interface Wait {
        void until(long deadline) throws InterruptedException;
    }

    /// Tasks that return `result(their index)`, recorded in `timeline` as `name(their index)`, made to finish in
    /// `finishOrder` (a permutation of their indices): the first of them once `first` is over, each other one once
    /// the one before it in that order has finished; or, if that does not happen, GIVE_UP after this call.
    public static <T> List<Callable<T>> finishingIn(List<Integer> finishOrder, Timeline timeline,
                                                    IntFunction<String> name, IntFunction<T> result, Wait first) {
        int n = finishOrder.size();
        var finished = new CountDownLatch[n];
        Arrays.setAll(finished, k -> new CountDownLatch(1));
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        var tasks = new ArrayList<Callable<T>>(Collections.nCopies(n, null));
        for (int k = 0; k < n; k++) {
            int task = finishOrder.get(k), place = k;
            tasks.set(task, timeline.record(name.apply(task), () -> {
                if (place == 0) first.until(deadline);
                else finished[place - 1].await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                finished[place].countDown();
                return result.apply(task);
            }));
        }
        return tasks;
    }

    /// Replaces the tasks at `earlier` and `later` (listed after it), recorded in `timeline` as `name(index)`, by
    /// two that fail: `later` with `laterFailure` at once, `earlier` with `earlierFailure` only once that has
    /// happened and `later`'s thread has ended (or `joinAtMost` has passed; GIVE_UP, if `later` never ran). So the
    /// later-listed failure is the first to happen, whatever the machine's load.
    public static <T> void laterFailsFirst(List<Callable<T>> tasks, Timeline timeline, IntFunction<String> name,
                                           int earlier, Exception earlierFailure, int later, Exception laterFailure,
                                           Duration joinAtMost) {
        var laterFailed = new CountDownLatch(1);
        var laterThread = new AtomicReference<Thread>();
        tasks.set(earlier, timeline.record(name.apply(earlier), () -> {
            if (laterFailed.await(GIVE_UP.toNanos(), TimeUnit.NANOSECONDS)) laterThread.get().join(joinAtMost);
            throw earlierFailure;
        }));
        tasks.set(later, timeline.record(name.apply(later), () -> {
            laterThread.set(Thread.currentThread());
            laterFailed.countDown();
            throw laterFailure;
        }));
    }

    /// The first few elements of a long list, e.g. `[a, b, c, … (120 in all)]`.
    public static String abbreviated(List<?> list) {
        if (list == null || list.size() <= 6) return String.valueOf(list);
        return list.subList(0, 6).toString().replaceFirst("]$", ", … (" + list.size() + " in all)]");
    }

    /// A copy of `list` (null stays null), so that a list that goes on changing (threads filling it) is seen as it was.
    public static <T> List<T> copyOf(List<T> list) {
        return list == null ? null : new ArrayList<>(list);
    }

    /// What the code under test did: `returned normally` or `threw` what it threw.
    public static String outcome(Throwable thrown) {
        return thrown == null ? "returned normally" : "threw " + thrown;
    }
}
