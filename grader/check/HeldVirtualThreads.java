package check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/// Keeps every carrier thread of the virtual-thread scheduler busy, so that no virtual thread runs until
/// released: what a machine too busy to run new threads at once does now and then, here every time.
/// Only virtual threads are held: platform threads (the caller's, a pool's, an HttpClient's) run on.
public final class HeldVirtualThreads implements AutoCloseable {

    private volatile boolean held = true;
    private final List<Thread> holders = new ArrayList<>();

    private HeldVirtualThreads() {}

    public static HeldVirtualThreads hold() throws InterruptedException {
        var held = new HeldVirtualThreads();
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < carriers; i++) {
            if (!held.holdOne()) return held;
        }
        // A virtual thread that still gets to run shows a carrier left free: hold that one too.
        while (held.holders.size() < 64) {
            var ran = new CountDownLatch(1);
            Thread.ofVirtual().start(ran::countDown);
            if (!ran.await(100, TimeUnit.MILLISECONDS) || !held.holdOne()) break;
        }
        return held;
    }

    /// Starts one more virtual thread that spins, without ever blocking, until released; false if it did not start.
    private boolean holdOne() throws InterruptedException {
        var running = new CountDownLatch(1);
        holders.add(Thread.ofVirtual().name("holds-a-carrier").start(() -> {
            running.countDown();
            while (held) Thread.onSpinWait();
        }));
        return running.await(1, TimeUnit.SECONDS);
    }

    /// Releases the carriers once `caller` waits (for the tasks it started, or for a permit), or at the latest
    /// after `atMost`.
    public void releaseWhenWaiting(Thread caller, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        for (int waiting = 0; waiting < 3 && caller.isAlive() && System.nanoTime() < deadline; Thread.sleep(10)) {
            var state = caller.getState();
            waiting = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING ? waiting + 1 : 0;
        }
        close();
    }

    /// The virtual threads started since `before` that were alive when `caller` ended, if it ended within
    /// `atMost` with the carriers still held: none of them can have run meanwhile, so a method that returns or
    /// throws before its tasks are over is caught every time. Empty if `caller` was still running by then (it
    /// waits for its tasks, which can run once released). Holding the carriers is not this method's to end.
    public List<String> aliveWhenEnded(Thread caller, Map<Long, String> before, Duration atMost)
            throws InterruptedException {
        if (!caller.join(atMost)) return List.of();
        var beforeAndHolders = new HashMap<>(before);
        holders.forEach(holder -> beforeAndHolders.put(holder.threadId(), holder.getName()));
        return LiveThreads.virtualSince(beforeAndHolders);
    }

    @Override
    public void close() throws InterruptedException {
        held = false;
        for (var holder : holders) holder.join();
    }
}
