package check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/// A web server on 127.0.0.1 for tests of HTTP clients: no request ever leaves the machine.
///
/// Every path answers: after the path's delay (default: none), with its status (default 200) and its
/// body (default `body of /the/path`). Each request is handled on a platform thread of its own, so any
/// number of them can wait at once. The server counts the requests it is working on (from when its
/// handler starts until just before the answer goes out) and the most it had at once, and keeps a
/// record of each request's start and end.
///
/// "Just before the answer goes out" matters: a client that caps its requests in flight gets its answer
/// only after the server stopped counting that request, so a capped client can never be seen over its cap.
///
/// ```java
/// try (var server = LocalServer.start()) {
///     server.delay("/slow", Duration.ofSeconds(5)).status("/broken", 500);
///     URI url = server.uri("/slow");   // http://127.0.0.1:PORT/slow
///     ...
///     server.peakInFlight();           // the most requests the server was working on at once
/// }
/// ```
/// Thread-safe. Close it to stop listening and to interrupt any request still waiting out its delay.
public final class LocalServer implements AutoCloseable, Recording {

    /// What the pictures call the requests.
    private static final String NOUN = "requests";

    /// One request: its path, the status it was given, when its handler started and ended
    /// (System.nanoTime() values), and whether it was answered (false: interrupted by close()).
    public record Request(String path, int status, long startNanos, long endNanos, boolean answered) {

        public Duration duration() {
            return Duration.ofNanos(endNanos - startNanos);
        }
    }

    private final HttpServer http;
    /// Platform threads, so that the server answers on time while a test holds every virtual thread
    /// (HeldVirtualThreads): a request is one thread from its start to its answer, a few hundred at most.
    private final ExecutorService handlers =
            Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("local-server-", 1).factory());
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private volatile Duration defaultDelay = Duration.ZERO;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final ConcurrentLinkedQueue<Request> finished = new ConcurrentLinkedQueue<>();

    private LocalServer() throws IOException {
        // Port 0: the system picks a free port. A backlog of 200 has room for every connection opened at once.
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        http.setExecutor(handlers);
        http.createContext("/", this::handle);
        http.start();
    }

    /// A new server on 127.0.0.1, on a free port, already listening.
    public static LocalServer start() throws IOException {
        return new LocalServer();
    }

    /// The URL of `path` (which starts with `/`) on this server.
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
    }

    /// `path` answers after `delay`.
    public LocalServer delay(String path, Duration delay) {
        delays.put(path, delay);
        return this;
    }

    /// Paths without a delay of their own answer after `delay`.
    public LocalServer defaultDelay(Duration delay) {
        defaultDelay = delay;
        return this;
    }

    /// `path` answers with HTTP status `status` (e.g. 500).
    public LocalServer status(String path, int status) {
        statuses.put(path, status);
        return this;
    }

    /// `path` answers with `body` instead of `body of PATH`.
    public LocalServer body(String path, byte[] body) {
        bodies.put(path, body.clone());
        return this;
    }

    /// `path` answers with `body`, in UTF-8.
    public LocalServer body(String path, String body) {
        return body(path, body.getBytes(StandardCharsets.UTF_8));
    }

    /// The body `path` answers with: `body of PATH` unless set.
    public byte[] bodyOf(String path) {
        byte[] body = bodies.get(path);
        return body != null ? body.clone() : ("body of " + path).getBytes(StandardCharsets.UTF_8);
    }

    /// The requests the server is working on now.
    public int inFlight() {
        return inFlight.get();
    }

    /// The most requests the server was working on at one instant, since it started or since `resetCounts()`.
    public int peakInFlight() {
        return peak.get();
    }

    /// How many requests have reached a handler since it started or since `resetCounts()`.
    public int started() {
        return started.get();
    }

    /// Waits, 5 s at most, until `requests` requests have reached a handler, or `caller` (the thread sending
    /// them) has ended: a test that acts once the requests are out waits no longer than it must.
    public void awaitStarted(int requests, Thread caller) throws InterruptedException {
        for (long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
             started() < requests && caller.isAlive() && System.nanoTime() < deadline; ) {
            Thread.sleep(5);
        }
    }

    /// Forgets the peak, the count of started requests and the finished requests (requests in flight go on counting).
    public void resetCounts() {
        peak.set(inFlight.get());
        started.set(0);
        finished.clear();
    }

    /// The requests whose handler has ended, in the order they ended.
    public List<Request> finished() {
        var list = new ArrayList<>(finished);
        list.sort(Comparator.comparingLong(Request::endNanos));
        return list;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) { // closing the exchange ends the answer
            String path = exchange.getRequestURI().getPath();
            exchange.getRequestBody().readAllBytes();
            int status = statuses.getOrDefault(path, 200);
            Duration delay = delays.getOrDefault(path, defaultDelay);
            long start = System.nanoTime();
            started.incrementAndGet();
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            boolean answer = false;
            try {
                Thread.sleep(delay);
                answer = true;
            } catch (InterruptedException closing) {
                Thread.currentThread().interrupt(); // close() stops the server: end without an answer
            } finally {
                // Counted out before the answer goes out: a client has its answer only after this.
                inFlight.decrementAndGet();
                finished.add(new Request(path, status, start, System.nanoTime(), answer));
            }
            if (answer) {
                byte[] body = bodyOf(path);
                exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
            }
        } catch (IOException clientGone) {
            // the client gave up (e.g. timed out) and closed the connection: nothing to answer
        }
    }

    /// One row per path, a bar for each finished request, its status at the end of the row (TimelinePicture).
    public List<TimelinePicture.Row> rows() {
        var rows = new LinkedHashMap<String, List<Request>>();
        finished().stream().sorted(Comparator.comparingLong(Request::startNanos))
                .forEach(r -> rows.computeIfAbsent(r.path(), path -> new ArrayList<>()).add(r));
        return rows.entrySet().stream().map(row -> new TimelinePicture.Row(row.getKey(),
                row.getValue().stream().map(r -> new TimelinePicture.Bar(r.startNanos(), r.endNanos())).toList(),
                row.getValue().stream().map(r -> r.answered() ? "answered " + r.status() : "not answered")
                        .distinct().collect(Collectors.joining(", ")))).toList();
    }

    /// The finished requests between two System.nanoTime() values, as a picture that starts with a line break.
    @Override
    public String picture(long fromNanos, long toNanos) {
        return TimelinePicture.draw(rows(), fromNanos, toNanos, NOUN);
    }

    /// Every finished request, as a picture that starts with a line break.
    public String describe() {
        return TimelinePicture.draw(rows(), NOUN);
    }

    /// Stops listening, closes every connection, interrupts the requests still waiting, and waits for their handlers.
    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
