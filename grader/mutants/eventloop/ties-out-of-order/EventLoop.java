// Mutant: the timer heap is ordered by deadline only, so timers due at the same instant come out in the heap's order, not the order they were set.
// Rejected by: runsTimersWithTheSameDeadlineInTheOrderTheyWereSet
package eventloop;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.function.Consumer;

public class EventLoop {

    private record Timer(long deadlineNanos, long order, Runnable callback) {}

    private final Consumer<? super Exception> onFailure;
    private final Queue<Runnable> ready = new ArrayDeque<>();
    private final Queue<Timer> timers = new PriorityQueue<>(Comparator.comparingLong(Timer::deadlineNanos));
    private long timersSet;

    public EventLoop(Consumer<? super Exception> onFailure) {
        this.onFailure = onFailure;
    }

    public EventLoop() {
        this(Exception::printStackTrace);
    }

    public void callSoon(Runnable callback) {
        ready.add(callback);
    }

    public void callAt(long deadlineNanos, Runnable callback) {
        timers.add(new Timer(deadlineNanos, timersSet++, callback));
    }

    public void callLater(Duration delay, Runnable callback) {
        callAt(System.nanoTime() + delay.toNanos(), callback);
    }

    public void runUntilComplete() throws InterruptedException {
        while (!ready.isEmpty() || !timers.isEmpty()) {
            long now = System.nanoTime();
            while (!timers.isEmpty() && timers.peek().deadlineNanos() <= now) {
                ready.add(timers.poll().callback());
            }
            for (int n = ready.size(); n > 0; n--) {
                run(ready.poll());
            }
            if (ready.isEmpty() && !timers.isEmpty()) {
                long wait = timers.peek().deadlineNanos() - System.nanoTime();
                if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
            }
        }
    }

    private void run(Runnable callback) {
        try {
            callback.run();
        } catch (Exception e) {
            onFailure.accept(e);
        }
    }
}
