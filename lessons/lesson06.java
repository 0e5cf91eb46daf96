///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES Tutorial.java

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Lesson 6: the event loop — many tasks taking turns on one thread, built from a queue and a timer heap.
 * Run it with ./jbang lessons/lesson06.java (add --help to see the options).
 */
public class lesson06 {

    public static void main(String[] args) throws Exception {
        Tutorial.run(args, "Lesson 6 · The event loop: many tasks, one thread",
                "Next: ./jbang grade ex06 (an event loop: callSoon, callLater, runUntilComplete) "
                        + "and then lesson07 (gather)",
                new Tutorial.Section("A loop, a ready queue and a timer heap",
                        "An event loop is one thread that runs short callbacks one at a time: those ready now "
                                + "from a queue, those due later from a heap of timers, and it sleeps when neither "
                                + "has work.",
                        lesson06::theLoop),
                new Tutorial.Section("Tasks: CompletableFutures completed on the loop",
                        "A task is a chain of callbacks that the loop runs step by step; its CompletableFuture "
                                + "stands for the result and is completed on the loop thread by the last step.",
                        lesson06::tasks),
                new Tutorial.Section("One blocking call stalls every task",
                        "A callback that blocks holds the loop's only thread, so no other task can take a step "
                                + "until it returns.",
                        lesson06::blockingStalls),
                new Tutorial.Section("Many sockets, one thread: the NIO Selector",
                        "A Selector asks the operating system which of many sockets are ready now, so one "
                                + "thread can serve them all, doing only the work that can go ahead.",
                        lesson06::selector),
                new Tutorial.Section("asyncio's words in Java",
                        "Each asyncio word names a part built in this lesson; everyday Java gets the same overlap "
                                + "from virtual threads and plain blocking code.",
                        lesson06::asyncioInJava));
    }

    // ── The event loop ────────────────────────────────────────────────────────────────
    // One thread runs every callback, one at a time: those ready now wait in a queue, those due later in a
    // heap that keeps the earliest timer on top. Only that thread touches the loop, so nothing here is locked.
    static final class EventLoop {
        private record Timer(long dueNanos, long order, Runnable callback) {}

        private final Queue<Runnable> ready = new ArrayDeque<>();
        // Earliest due first; timers due at the same instant run in the order they were set.
        private final PriorityQueue<Timer> timers = new PriorityQueue<>(
                Comparator.comparingLong(Timer::dueNanos).thenComparingLong(Timer::order));
        private long timersSet;

        // Run this callback on the loop's next turn (asyncio: call_soon).
        void soon(Runnable callback) {
            ready.add(callback);
        }

        // Run this callback once System.nanoTime() has reached dueNanos (asyncio: call_at).
        void at(long dueNanos, Runnable callback) {
            timers.add(new Timer(dueNanos, timersSet++, callback));
        }

        // A future that a timer completes after the wait (asyncio.sleep). What is chained on it runs then, on
        // the loop thread: a CompletableFuture runs its dependents in the thread that completes it.
        CompletableFuture<Void> sleep(Duration wait) {
            var woken = new CompletableFuture<Void>();
            at(System.nanoTime() + wait.toNanos(), () -> woken.complete(null));
            return woken;
        }

        // Turns the loop until main is done, then hands back its result (asyncio: run_until_complete).
        <T> T runUntilDone(CompletableFuture<T> main) throws InterruptedException {
            while (!main.isDone()) {
                // 1. Timers that are due join the ready queue, earliest first.
                while (!timers.isEmpty() && timers.peek().dueNanos() <= System.nanoTime()) {
                    ready.add(timers.poll().callback());
                }
                // 2. Run what is ready now. Callbacks that these add wait for the next turn, so timers get in.
                for (int n = ready.size(); n > 0; n--) ready.poll().run();
                // 3. Nothing ready: sleep until the next timer is due.
                if (ready.isEmpty() && !main.isDone()) {
                    if (timers.isEmpty()) throw new IllegalStateException("nothing is scheduled: main can never finish");
                    Thread.sleep(Duration.ofNanos(Math.max(0, timers.peek().dueNanos() - System.nanoTime())));
                }
            }
            return main.join();
        }
    }

    // The loop runs Runnables, so callbacks are drawn on timelines with Timeline.trackRunnable.

    static String onWhichThread() {
        return "(thread " + Thread.currentThread().getName() + ")";
    }

    // ── 1. The loop ───────────────────────────────────────────────────────────────────

    static final long ONE_SECOND = Duration.ofSeconds(1).toNanos();

    // A line of output with the time since start, so the waits show.
    static void stamp(String word, long start) {
        Tutorial.show("%-6s at %4d ms  %s".formatted(word,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), onWhichThread()));
    }

    static void theLoop() throws Exception {
        Tutorial.say("The whole loop is a queue, a heap and one thread. The heap keeps the timer due soonest "
                + "on top, so the loop always knows how long it may sleep. One turn of the loop:");
        Tutorial.code("""
                while (!main.isDone()) {
                    // 1. timers that are due join the ready queue, earliest first
                    while (!timers.isEmpty() && timers.peek().dueNanos() <= System.nanoTime())
                        ready.add(timers.poll().callback());
                    // 2. run what is ready now; callbacks that these add wait for the next turn
                    for (int n = ready.size(); n > 0; n--) ready.poll().run();
                    // 3. nothing ready: sleep until the next timer is due
                    if (ready.isEmpty() && !main.isDone())
                        Thread.sleep(Duration.ofNanos(timers.peek().dueNanos() - System.nanoTime()));
                }""");
        Tutorial.say("soon(callback) adds to the queue; at(time, callback) adds a timer to the heap; "
                + "runUntilDone(main) turns the loop until the future main is done. Here is the Python course's "
                + "first asyncio program, print hello, await asyncio.sleep, print world, as callbacks: "
                + "the code after the await becomes a callback on a timer.");
        Tutorial.code("""
                loop.soon(() -> {
                    stamp("hello", start);
                    loop.at(System.nanoTime() + ONE_SECOND, () -> {    // await asyncio.sleep(1)
                        stamp("world", start);
                        finished.complete(null);
                    });
                });
                loop.at(start + ONE_SECOND / 2, () -> stamp("...", start));   // set before "world", due first
                loop.runUntilDone(finished);""");

        var loop = new EventLoop();
        var finished = new CompletableFuture<Void>();
        var threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        loop.soon(() -> {
            stamp("hello", start);
            loop.at(System.nanoTime() + ONE_SECOND, () -> {
                stamp("world", start);
                finished.complete(null);
            });
        });
        loop.at(start + ONE_SECOND / 2, () -> stamp("...", start));
        loop.runUntilDone(finished);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Duration cpu = Duration.ofNanos(threads.getCurrentThreadCpuTime() - cpuBefore);

        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ", and the loop thread used "
                + Tutorial.highlight(Tutorial.seconds(cpu)) + " of CPU in that time: between callbacks it sleeps "
                + "until the next timer is due, it does not spin.");
        Tutorial.say("The order comes from the queue and the heap, not from a race: run this again and the "
                + "lines come out the same way. Only the milliseconds change a little.");
    }

    // ── 2. Tasks ──────────────────────────────────────────────────────────────────────

    static final Duration STEP = Duration.ofMillis(200);

    // The Python course's fetch_one(n): print start, wait n steps without holding the thread, print done,
    // return n². The wait is a timer; the rest is a callback chained on it.
    static CompletableFuture<Integer> fetchOne(EventLoop loop, int n) {
        Tutorial.show("start " + n + "  " + onWhichThread());
        return loop.sleep(STEP.multipliedBy(n)).thenApply(woke -> {
            Tutorial.show("done " + n + "   " + onWhichThread());
            return n * n;
        });
    }

    // fetchOne(n) with its two steps drawn on the timeline: the call that starts it, and the step that ends it.
    static CompletableFuture<Integer> drawnFetchOne(EventLoop loop, int n, Tutorial.Timeline timeline) {
        Callable<CompletableFuture<Integer>> start = timeline.track("fetch " + n + " starts", () -> fetchOne(loop, n));
        Runnable end = timeline.trackRunnable("fetch " + n + " ends", () -> {});
        return Tutorial.callUnchecked(start).thenApply(square -> {
            end.run();
            return square;
        });
    }

    static void tasks() throws Exception {
        Tutorial.say("fetch_one from the Python course, on the loop. loop.sleep returns a future that a timer "
                + "completes; thenApply chains the rest of the task on it, like the code after an await.");
        Tutorial.code("""
                static CompletableFuture<Integer> fetchOne(EventLoop loop, int n) {
                    Tutorial.show("start " + n + "  " + onWhichThread());
                    return loop.sleep(STEP.multipliedBy(n)).thenApply(woke -> {
                        Tutorial.show("done " + n + "   " + onWhichThread());
                        return n * n;
                    });
                }""");

        // Await one, then the other: thenCompose starts fetchOne(2) only when fetchOne(1) is done.
        Tutorial.say("Awaiting one, then the other (a = await fetch_one(1); b = await fetch_one(2)): "
                + "thenCompose starts the second only when the first is done. A step is " + STEP.toMillis()
                + " ms here.");
        Tutorial.code("""
                var both = fetchOne(loop, 1).thenCompose(a -> fetchOne(loop, 2).thenApply(b -> a + " " + b));
                Tutorial.show(loop.runUntilDone(both));""");
        var awaited = new Tutorial.Timeline("await one, then the other");
        var loop = new EventLoop();
        Duration took = Tutorial.time(() -> {
            var both = drawnFetchOne(loop, 1, awaited)
                    .thenCompose(a -> drawnFetchOne(loop, 2, awaited).thenApply(b -> a + " " + b));
            Tutorial.show(loop.runUntilDone(both));
            return both;
        });
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ": the two waits, one after the other.");

        // Start both, then await both: each call starts its task at once, like asyncio.create_task.
        Tutorial.say("Starting both before awaiting either (t1 = create_task(fetch_one(5)), and so on). "
                + "A Java method that returns a CompletableFuture starts its task the moment it is called: "
                + "the call is the create_task. thenCombine waits for both results.");
        Tutorial.code("""
                var t1 = fetchOne(loop, 5);
                var t2 = fetchOne(loop, 3);
                Tutorial.show(loop.runUntilDone(t1.thenCombine(t2, (r1, r2) -> r1 + " " + r2)));""");
        var started = new Tutorial.Timeline("start both, then await");
        took = Tutorial.time(() -> {
            var t1 = drawnFetchOne(loop, 5, started);
            var t2 = drawnFetchOne(loop, 3, started);
            return loop.runUntilDone(t1.thenCombine(t2, (r1, r2) -> {
                Tutorial.show(r1 + " " + r2);
                return r1 + r2;
            }));
        });
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ": the two waits overlapped, on one "
                + "thread, so the whole took the longer wait.");

        Tutorial.say("Each ▏ is a step running on the thread; the gaps between are waits, which hold no thread "
                + "at all. Both timelines to one time scale:");
        Tutorial.Timeline.print(awaited, started);
        Tutorial.say("Unlike asyncio, a CompletableFuture belongs to no loop: its dependents run on whichever "
                + "thread completes it. Here a timer on the loop completes it, so every step stays on thread main.");
    }

    // ── 3. A blocking call ────────────────────────────────────────────────────────────

    static final Duration TICK_EVERY = Duration.ofMillis(200);
    static final int TICKS = 6;
    static final Duration FETCH_STARTS = Duration.ofMillis(300), FETCH_TAKES = Duration.ofSeconds(1);

    // A blocking call, such as a JDBC query or Python's requests.get: it holds the calling thread for the whole wait.
    static void blockingCall(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // The heartbeat: a tick, a timer for the next, six times; each tick notes when it ran.
    static CompletableFuture<Void> heartbeat(EventLoop loop, Tutorial.Timeline timeline, List<Long> tickTimes) {
        long start = System.nanoTime();
        CompletableFuture<Void> beats = CompletableFuture.completedFuture(null);
        for (int k = 1; k <= TICKS; k++) {
            Runnable tick = timeline.trackRunnable("tick " + k, () -> {
                tickTimes.add(System.nanoTime());
                stamp("tick", start);
            });
            beats = (k == 1 ? beats : beats.thenCompose(woke -> loop.sleep(TICK_EVERY))).thenRun(tick);
        }
        return beats;
    }

    // The broken fetch: it waits inside a callback, with the loop's only thread.
    static CompletableFuture<Void> blockingFetch(EventLoop loop, Tutorial.Timeline timeline, long start) {
        return loop.sleep(FETCH_STARTS).thenRun(timeline.trackRunnable("fetch", () -> {
            stamp("fetch:", start);
            blockingCall(FETCH_TAKES);
            stamp("done", start);
        }));
    }

    // The fixed fetch: its wait is a timer, so the loop runs other callbacks meanwhile.
    static CompletableFuture<Void> nonBlockingFetch(EventLoop loop, Tutorial.Timeline timeline, long start) {
        return loop.sleep(FETCH_STARTS)
                .thenRun(timeline.trackRunnable("fetch starts", () -> stamp("fetch:", start)))
                .thenCompose(started -> loop.sleep(FETCH_TAKES))
                .thenRun(timeline.trackRunnable("fetch ends", () -> stamp("done", start)));
    }

    static long longestGapMillis(List<Long> tickTimes) {
        long longest = 0;
        for (int i = 1; i < tickTimes.size(); i++) longest = Math.max(longest, tickTimes.get(i) - tickTimes.get(i - 1));
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    // One of the two fetches above.
    interface Fetch {
        CompletableFuture<Void> start(EventLoop loop, Tutorial.Timeline timeline, long start);
    }

    // Runs the heartbeat and one fetch on a fresh loop; returns the longest gap between two ticks.
    static long heartbeatWith(Fetch fetch, Tutorial.Timeline timeline) throws InterruptedException {
        var loop = new EventLoop();
        List<Long> tickTimes = new ArrayList<>();
        var beats = heartbeat(loop, timeline, tickTimes);
        var fetched = fetch.start(loop, timeline, tickTimes.get(0));
        loop.runUntilDone(CompletableFuture.allOf(beats, fetched));
        return longestGapMillis(tickTimes);
    }

    static void blockingStalls() throws Exception {
        Tutorial.say("Two tasks share a loop: a heartbeat that ticks every " + TICK_EVERY.toMillis() + " ms, "
                + "and a fetch that starts at " + FETCH_STARTS.toMillis() + " ms and waits "
                + Tutorial.seconds(FETCH_TAKES) + ". First the fetch waits the way plain Java code does, "
                + "with a blocking call inside its callback:");
        Tutorial.code("""
                loop.sleep(FETCH_STARTS).thenRun(() -> {
                    stamp("fetch:", start);
                    blockingCall(FETCH_TAKES);          // Thread.sleep, a JDBC query, requests.get...
                    stamp("done", start);
                });""");
        var prediction = Tutorial.predict("while the fetch's blocking call waits, the heartbeat…",
                "keeps ticking every " + TICK_EVERY.toMillis() + " ms: it is a separate task",
                "stops, and ticks again only once the blocking call returns",
                "ticks faster, since the fetch leaves the CPU idle");

        var blocked = new Tutorial.Timeline("blocking call in a callback");
        long blockedGap = heartbeatWith(lesson06::blockingFetch, blocked);
        Tutorial.say("The longest gap between two ticks: " + Tutorial.highlight(blockedGap + " ms")
                + ", against " + TICK_EVERY.toMillis() + " ms asked for.");
        prediction.reveal(blockedGap >= TICK_EVERY.toMillis() + FETCH_TAKES.toMillis() / 2 ? 1 : 0);

        // The fix: wait on the loop's timer, so the thread is free for other callbacks meanwhile.
        Tutorial.say("The fix: wait with loop.sleep, a timer, as asyncio code awaits asyncio.sleep. The fetch "
                + "is two short callbacks now, and the wait between them holds no thread.");
        Tutorial.code("""
                loop.sleep(FETCH_STARTS)
                        .thenRun(() -> stamp("fetch:", start))
                        .thenCompose(started -> loop.sleep(FETCH_TAKES))   // await asyncio.sleep(1)
                        .thenRun(() -> stamp("done", start));""");
        var freed = new Tutorial.Timeline("timer on the loop");
        long freedGap = heartbeatWith(lesson06::nonBlockingFetch, freed);
        Tutorial.say("The longest gap between two ticks: " + Tutorial.highlight(freedGap + " ms") + ".");
        Tutorial.varies("the gaps are a few milliseconds over " + TICK_EVERY.toMillis()
                + " ms, more on a busy machine: a timer says when a callback may run at the earliest.");

        Tutorial.say("Drawn to one time scale; the blocking fetch is one long bar on thread main, and no tick "
                + "gets in while it lasts:");
        Tutorial.Timeline.print(blocked, freed);
        Tutorial.say("Java has no GIL and plenty of threads, yet this is exactly asyncio's problem: a loop has "
                + "one thread by design. A call that has no non-blocking form (a file read, a JDBC query) goes "
                + "to another thread, as asyncio.to_thread does, and only its result comes back to the loop.");
    }

    // ── 4. A Selector ─────────────────────────────────────────────────────────────────

    static final int CLIENTS = 10;
    static final Duration THINK_STEP = Duration.ofMillis(50);

    // An echo server on one thread: the selector says which sockets are ready, and handle serves just those.
    static final class EchoServer {
        private final Selector selector;
        int served, open, mostOpen;

        EchoServer(Selector selector) {
            this.selector = selector;
        }

        // Turns until every client has been served, or the time limit is up.
        void serve(int clients, Duration limit) throws IOException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (served < clients && System.nanoTime() < deadline) selector.select(this::handle, 100);
        }

        private void handle(SelectionKey key) {
            try {
                if (key.isAcceptable()) {
                    // A new connection: make it non-blocking and ask to hear when it has bytes to read.
                    SocketChannel client = ((ServerSocketChannel) key.channel()).accept();
                    if (client == null) return;
                    client.configureBlocking(false);
                    client.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(256));
                    mostOpen = Math.max(mostOpen, ++open);
                } else if (key.isReadable()) {
                    // Bytes have arrived: echo them back. -1 means the client hung up.
                    var client = (SocketChannel) key.channel();
                    var buffer = (ByteBuffer) key.attachment();
                    if (client.read(buffer) < 0) {
                        client.close();
                        open--;
                        served++;
                        return;
                    }
                    buffer.flip();
                    client.write(buffer);
                    buffer.compact();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // A client: connect, think with the connection open (client k for k steps), then send a line and read the echo.
    static String client(SocketAddress server, int number) throws IOException, InterruptedException {
        try (var socket = new Socket()) {
            socket.connect(server, 2_000);
            socket.setSoTimeout(5_000);
            Thread.sleep(THINK_STEP.multipliedBy(number));
            new PrintWriter(socket.getOutputStream(), true, UTF_8).println("hello from client " + number);
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8)).readLine();
        }
    }

    static void selector() throws Exception {
        Tutorial.say("So far the loop only waited on timers. A real loop also waits on sockets: asyncio sleeps "
                + "in the operating system's select (epoll, kqueue) with the next timer as the time limit, "
                + "and Java's java.nio.channels.Selector is the same call. An echo server on one thread:");
        Tutorial.code("""
                while (served < clients && System.nanoTime() < deadline)
                    selector.select(this::handle, 100);       // wait until sockets are ready; handle each

                if (key.isAcceptable()) {                     // in handle(key): a new connection
                    SocketChannel client = server.accept();
                    client.configureBlocking(false);
                    client.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(256));
                } else if (key.isReadable()) {                // bytes have arrived: echo them back
                    if (client.read(buffer) < 0) client.close();
                    else { buffer.flip(); client.write(buffer); buffer.compact(); }
                }""");
        Tutorial.say(CLIENTS + " clients on this machine (127.0.0.1), each on its own virtual thread, connect "
                + "at once; client k keeps its connection open k × " + THINK_STEP.toMillis() + " ms, then sends "
                + "one line and reads it back. The server is the main thread alone.");

        var timeline = new Tutorial.Timeline("echo server on 127.0.0.1");
        List<Future<String>> replies = new ArrayList<>();
        Duration took;
        EchoServer server;
        try (var selector = Selector.open(); var listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            SocketAddress address = listener.getLocalAddress();
            server = new EchoServer(selector);
            Callable<Void> serving = timeline.track("server", () -> server.serve(CLIENTS, Duration.ofSeconds(5)));
            try (var clients = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("client-", 1).factory())) {
                for (int k = 1; k <= CLIENTS; k++) {
                    int number = k;
                    replies.add(clients.submit(timeline.track("client " + k, () -> client(address, number))));
                }
                try {
                    took = Tutorial.time(serving);
                } finally {
                    for (var key : selector.keys()) key.channel().close(); // hang up on any client still connected
                }
            }
        }

        int echoed = 0;
        for (int k = 1; k <= CLIENTS; k++) {
            if (replies.get(k - 1).get().equals("hello from client " + k)) echoed++;
        }
        Tutorial.show("client 1 got back: " + replies.get(0).get());
        Tutorial.show(echoed + " of " + CLIENTS + " clients got their line back");
        Tutorial.say("One thread served " + Tutorial.highlight(server.served + " connections") + " in "
                + Tutorial.highlight(Tutorial.seconds(took)) + ", about the longest client's wait ("
                + Tutorial.seconds(THINK_STEP.multipliedBy(CLIENTS)) + "). At the busiest moment "
                + Tutorial.highlight(server.mostOpen + " connections") + " were open at once on that one thread.");
        Tutorial.varies("how many were open at once (" + server.mostOpen + " this run) depends on how soon the "
                + "clients' threads got going.");
        Tutorial.say("Each client's bar ends when its line comes back: the server answered whichever socket was "
                + "ready, while the other connections stayed open and cost it no work.");
        Tutorial.Timeline.print(timeline);
        Tutorial.say("This is the engine under asyncio, Node.js, Netty and Vert.x: one thread, many sockets, "
                + "work done only when the operating system says a socket is ready.");
    }

    // ── 5. asyncio's words in Java ────────────────────────────────────────────────────

    // fetch_one as plain blocking code: on a virtual thread, Thread.sleep frees the carrier thread meanwhile.
    static int fetchOneBlocking(int n) throws InterruptedException {
        Tutorial.show("start " + n + "  " + onWhichThread());
        Thread.sleep(STEP.multipliedBy(n));
        Tutorial.show("done " + n + "   " + onWhichThread());
        return n * n;
    }

    static void asyncioInJava() throws Exception {
        Tutorial.table(List.of("asyncio", "on this lesson's loop", "with virtual threads"), List.of(
                List.of("event loop", "EventLoop: queue + heap", "the JVM's scheduler"),
                List.of("coroutine", "returns CompletableFuture", "a plain method"),
                List.of("task (create_task)", "calling it starts it", "executor.submit(...)"),
                List.of("awaitable", "CompletionStage", "Future"),
                List.of("await x", "x.thenCompose(...)", "x.get()"),
                List.of("future", "CompletableFuture", "Future"),
                List.of("asyncio.sleep(s)", "loop.sleep(d): a timer", "Thread.sleep(d)"),
                List.of("asyncio.run(main())", "loop.runUntilDone(main)", "try (executor) { ... }")));
        Tutorial.say("One difference to remember: calling a Python coroutine function only makes a coroutine, "
                + "which runs when awaited or made a task; a Java method that returns a future has already "
                + "started its task when it returns.");

        Tutorial.say("The right-hand column is what Java code mostly uses: fetch_one written plainly, its two "
                + "tasks on virtual threads. No callbacks, no future chains, and the waits still overlap:");
        Tutorial.code("""
                try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                    Future<Integer> t1 = executor.submit(() -> fetchOneBlocking(5));
                    Future<Integer> t2 = executor.submit(() -> fetchOneBlocking(3));
                    Tutorial.show(t1.get() + " " + t2.get());
                }""");
        var timeline = new Tutorial.Timeline("virtual threads");
        Duration took = Tutorial.time(() -> {
            try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("task-", 1).factory())) {
                Future<Integer> t1 = executor.submit(timeline.track("fetch 5", () -> fetchOneBlocking(5)));
                Future<Integer> t2 = executor.submit(timeline.track("fetch 3", () -> fetchOneBlocking(3)));
                Tutorial.show(t1.get() + " " + t2.get());
                return t1.get() + t2.get();
            }
        });
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ", the longer wait, as on the loop. "
                + "Each task now holds a thread for its whole run, but a virtual thread that waits costs "
                + "a little memory and no core:");
        Tutorial.varies("which task prints start first changes from run to run: two threads race to print.");
        Tutorial.Timeline.print(timeline);
        Tutorial.say("Use a loop where one is built for you (a NIO server, Netty, Vert.x) and keep its "
                + "callbacks short; for your own code that waits, virtual threads give the same overlap with "
                + "plain code.");
    }
}
