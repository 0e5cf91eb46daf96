///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 6 — An event loop: MODEL SOLUTION.
//
// An event loop runs many short callbacks on ONE thread, one at a time: those ready now wait in a
// queue, those due later in a heap of timers, and when nothing is ready the thread sleeps until the
// next timer is due. Write one (lesson 6 builds its cousin), with this contract:
//   - callSoon(callback): ready callbacks run in the order they were given, first in, first out;
//   - callAt(deadline, callback) runs callback once System.nanoTime() has reached deadline, never before,
//     and soon after; timers run in the order of their deadlines, and timers with the same deadline in
//     the order they were set. callLater(delay, callback) is callAt(now + delay, callback);
//   - runUntilComplete() runs every callback on the thread that called it, and returns as soon as no work
//     is left: the ready queue is empty and no timer is pending;
//   - callbacks may call callSoon, callAt and callLater themselves: what they add runs in the same run;
//   - a timer that is due gets its turn even while callbacks keep adding callbacks with callSoon;
//   - while it waits for a timer, the loop thread sleeps: it does not spin;
//   - a callback that throws does not stop the loop: its exception goes to the failure handler given to
//     the constructor, on the loop thread, before the next callback runs;
//   - but an Error a callback throws (not an Exception) ends runUntilComplete, the rest undone, and so
//     does an interrupt of the loop thread (InterruptedException, at the latest when the loop would sleep);
//   - one thread only: no Thread of your own, no executor, no CompletableFuture.*Async. Only the loop
//     thread touches the loop (callbacks schedule from it; your main schedules before the loop runs),
//     so nothing needs a lock.
//
// Try it:  ./jbang ex06          Check it:  ./jbang grade ex06
//
// How it works, and why:
//   - ready callbacks wait in an ArrayDeque: add at the tail, poll from the head, so they run first in,
//     first out;
//   - timers wait in a PriorityQueue ordered by deadline, then by a counter that grows with each timer set:
//     a heap alone does not keep equal keys in the order they were added, the counter does;
//   - each turn first moves the timers that are due to the ready queue (earliest first), then runs only
//     the callbacks that were ready when the turn began: callbacks they add wait for the next turn, so a
//     callback that keeps calling callSoon cannot keep a due timer out;
//   - a timer runs only once System.nanoTime() has reached its deadline: the check is `deadline <= now`,
//     never "close enough", and the loop re-checks after every sleep;
//   - with nothing ready, the thread sleeps until the earliest deadline: no CPU is burnt waiting, and no
//     fixed poll interval makes timers late or keeps the loop running after its last timer;
//   - each callback runs in a try/catch: its exception goes to the handler and the loop goes on; the catch
//     is for Exception only, so an Error goes out of runUntilComplete, as does the InterruptedException
//     Thread.sleep throws when the loop thread is interrupted;
//   - there is one thread, the caller's, and only it touches the queue and the heap, so nothing is locked.
package eventloop;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.function.Consumer;

public class EventLoop {

    private final Consumer<? super Exception> onFailure;

    /// A callback due at `deadlineNanos`; `order` counts the timers set, so that equal deadlines keep it.
    private record Timer(long deadlineNanos, long order, Runnable callback) {}

    private final Queue<Runnable> ready = new ArrayDeque<>();
    // Earliest deadline on top; timers due at the same instant in the order they were set.
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::deadlineNanos).thenComparingLong(Timer::order));
    private long timersSet;

    /// A loop that hands the exception a callback throws to `onFailure`, on the loop thread (asyncio: the
    /// loop's exception handler).
    public EventLoop(Consumer<? super Exception> onFailure) {
        this.onFailure = onFailure;
    }

    /// A loop that prints a callback's exception and goes on, as asyncio's default exception handler does.
    public EventLoop() {
        this(e -> {
            System.err.println("Exception in callback:");
            e.printStackTrace();
        });
    }

    /// Runs `callback` on the loop, after every callback already waiting to run soon (asyncio: call_soon).
    public void callSoon(Runnable callback) {
        ready.add(callback);
    }

    /// Runs `callback` once System.nanoTime() has reached `deadlineNanos` (asyncio: call_at).
    public void callAt(long deadlineNanos, Runnable callback) {
        timers.add(new Timer(deadlineNanos, timersSet++, callback));
    }

    /// Runs `callback` once `delay` has passed (asyncio: call_later).
    public void callLater(Duration delay, Runnable callback) {
        callAt(System.nanoTime() + delay.toNanos(), callback);
    }

    /// Runs callbacks on the calling thread until no work is left (asyncio: run_until_complete).
    public void runUntilComplete() throws InterruptedException {
        while (!ready.isEmpty() || !timers.isEmpty()) {
            // 1. The timers that are due join the ready queue, earliest first (ties: in the order set).
            long now = System.nanoTime();
            while (!timers.isEmpty() && timers.peek().deadlineNanos() <= now) {
                ready.add(timers.poll().callback());
            }
            // 2. Run what was ready when the turn began. What these callbacks add waits for the next turn,
            //    so timers that fall due meanwhile get in before it.
            for (int n = ready.size(); n > 0; n--) {
                Runnable callback = ready.poll();
                try {
                    callback.run();
                } catch (Exception e) {
                    onFailure.accept(e); // reported on the loop thread; the loop goes on
                }
            }
            // 3. Nothing ready: sleep until the earliest timer is due (the loop checks it again after waking).
            if (ready.isEmpty() && !timers.isEmpty()) {
                long wait = timers.peek().deadlineNanos() - System.nanoTime();
                if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        var loop = new EventLoop();
        long start = System.nanoTime();
        Consumer<String> say = word -> System.out.printf("%-28s at %4d ms on thread %s%n", word,
                (System.nanoTime() - start) / 1_000_000, Thread.currentThread().getName());

        // asyncio's hello world: print hello, wait a second without holding the thread, print world.
        loop.callSoon(() -> {
            say.accept("hello");
            loop.callLater(Duration.ofSeconds(1), () -> say.accept("world"));
        });
        // A heartbeat that ticks 4 times, 300 ms apart, in between.
        for (int tick = 1; tick <= 4; tick++) {
            String word = "tick " + tick;
            loop.callLater(Duration.ofMillis(300L * tick), () -> say.accept(word));
        }
        // A callback that fails: the loop reports it and goes on.
        loop.callLater(Duration.ofMillis(500), () -> {
            say.accept("this callback fails:");
            throw new IllegalStateException("a failing callback");
        });
        loop.callSoon(() -> say.accept("ready, set before the timers"));

        loop.runUntilComplete();
        say.accept("runUntilComplete returned");
    }
}
