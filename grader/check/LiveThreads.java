package check;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.Collectors;

/// Finds threads that a piece of code left running.
///
/// Two kinds of suspects: non-daemon threads started since a snapshot (a pool that was never shut
/// down), and the threads that ran the tasks (a pool that already existed, or a daemon pool). The
/// JDK's own daemon threads that come and go on their own (virtual-thread carriers, timers) are not
/// suspects, nor are the caller's thread and the shared common pool, which the code does not own.
/// The JVM does not list virtual threads, so they are only seen as task threads.
public final class LiveThreads {

    private LiveThreads() {}

    /// The platform threads alive now.
    public static Set<Thread> snapshot() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /// The suspects still alive after waiting up to `grace` in all for them to finish.
    public static List<Thread> leakedSince(Set<Thread> before, Collection<Thread> taskThreads, Duration grace)
            throws InterruptedException {
        var suspects = new HashSet<Thread>();
        snapshot().stream().filter(t -> !t.isDaemon() && !before.contains(t)).forEach(suspects::add);
        suspects.addAll(taskThreads);
        suspects.removeIf(t -> t == Thread.currentThread() || inCommonPool(t));
        long deadline = System.nanoTime() + grace.toNanos();
        for (var t : suspects) {
            t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        return suspects.stream().filter(Thread::isAlive).sorted(Comparator.comparingLong(Thread::threadId)).toList();
    }

    private static boolean inCommonPool(Thread t) {
        return t instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool();
    }

    /// A thread's name, or for a nameless (virtual) thread what it is, e.g. `virtual thread #42`.
    public static String describe(Thread t) {
        if (!t.getName().isEmpty()) return t.getName();
        return (t.isVirtual() ? "virtual thread #" : "thread #") + t.threadId();
    }

    /// `describe` for each, comma-separated.
    public static String describe(Collection<Thread> threads) {
        return threads.stream().map(LiveThreads::describe).collect(Collectors.joining(", "));
    }
}
