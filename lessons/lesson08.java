///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES Tutorial.java

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Lesson 8: fetching many URLs with java.net.http — one after another, on threads, asynchronously, capped,
 * with timeouts — from a server the lesson runs on 127.0.0.1, measured live.
 * Run it with ./jbang lessons/lesson08.java (add --help to see the options).
 */
public class lesson08 {

    static final int PAGES = 50;                              // how many pages each run fetches
    static final Duration DELAY = Duration.ofMillis(100);     // how long the server takes over each page
    static final int CAP = 10;                                // the most requests in flight, where capped
    static final Duration SLOW = Duration.ofSeconds(2);       // how long the slow page takes
    static final Duration TIMEOUT = Duration.ofMillis(500);   // how long a request may wait, where bounded

    public static void main(String[] args) throws Exception {
        // The server and the client last the whole lesson. At the end of try the client closes first, then the
        // server stops: no thread of either outlives the lesson.
        try (var server = new LocalServer(DELAY, SLOW); var client = newClient()) {
            Tutorial.run(args, "Lesson 8 · HTTP fetch: many URLs at once, capped, with timeouts",
                    "Next: ./jbang grade ex08 (fetch many URLs at once, at most N at a time) "
                            + "and then lesson09 (choosing a model)",
                    new Tutorial.Section("One fetch: a request and a wait",
                            "An HTTP fetch sends a request and waits for the answer; across a network, "
                                    + "nearly all of its time is that wait.",
                            () -> oneFetch(server, client)),
                    new Tutorial.Section("Fifty fetches: one after another, or on threads",
                            "Fetching concurrently means sending the next request before the last answer is "
                                    + "back, so that the waits overlap.",
                            () -> fiftyFetches(server, client)),
                    new Tutorial.Section("sendAsync and allOf: no thread waits",
                            "An asynchronous call returns at once with a future that completes when the "
                                    + "answer arrives, so one thread can have every request in flight.",
                            () -> asynchronous(server, client)),
                    new Tutorial.Section("A cap: at most ten at once",
                            "A semaphore holds a fixed number of permits: each fetch takes one before it "
                                    + "starts and gives it back when done, so no more than that many run at once.",
                            () -> cap(server, client)),
                    new Tutorial.Section("A slow page and a broken one",
                            "A timeout bounds how long one request may wait, so that one slow server "
                                    + "cannot hold up all the rest.",
                            () -> slowAndBroken(server, client)),
                    new Tutorial.Section("Five ways, side by side",
                            "Each way of fetching trades how long the whole batch takes against how many "
                                    + "requests it puts on the server at once.",
                            () -> sideBySide(server, client)));
        }
    }

    // ── The server: on this machine only ──────────────────────────────────────────────

    // A web server on 127.0.0.1, so no request ever leaves the machine. /page/N answers after `delay`, as if it
    // asked a database first; /slow/ answers after `slow`; /broken/ answers 500, a server error, after `delay`.
    // It also counts the pages in flight: the lesson's way to see how many requests a client sends at once.
    static final class LocalServer implements AutoCloseable {
        private final HttpServer http;
        private final ExecutorService handlers =
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("server-", 1).factory());
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger peak = new AtomicInteger();
        private volatile Tutorial.Timeline timeline; // when set, the server draws its own view of some pages

        LocalServer(Duration delay, Duration slow) throws IOException {
            // Port 0: the system picks any free port. A backlog of 100 has room for every connection opened at once.
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            http.setExecutor(handlers); // each request on its own virtual thread
            http.createContext("/page/", exchange -> answer(exchange, 200, delay, true));
            http.createContext("/slow/", exchange -> answer(exchange, 200, slow, false));
            http.createContext("/broken/", exchange -> answer(exchange, 500, delay, false));
            http.start();
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
        }

        // Starts counting afresh, and draws on `timeline` from now on (or on none, if it is null).
        void watch(Tutorial.Timeline timeline) {
            this.timeline = timeline;
            peak.set(0);
        }

        // The most pages the server was waiting over at one instant since watch.
        int peakInFlight() {
            return peak.get();
        }

        // Waits as the URL takes, then answers `status` with a line of text. A page is counted, and may be
        // drawn on the timeline.
        private void answer(HttpExchange exchange, int status, Duration wait, boolean isPage) throws IOException {
            String path = exchange.getRequestURI().getPath();
            Tutorial.Timeline drawing = isPage && drawn(path) ? timeline : null;
            Callable<Void> answering = () -> {
                waitOver(wait, isPage);
                byte[] body = ("this is " + path).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
                return null;
            };
            try (exchange) { // closing the exchange ends the answer
                (drawing == null ? answering : drawing.track(path, answering)).call();
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt(); // the lesson is over: close without an answer
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) { // call() may throw any Exception, though answering throws none but the above
                throw new IOException(e);
            }
        }

        // A page is in flight while the server waits over it. The count drops before the answer goes out, so
        // it never still holds a request whose client has its answer and has sent the next one.
        private void waitOver(Duration wait, boolean isPage) throws InterruptedException {
            if (isPage) peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(wait);
            } finally {
                if (isPage) inFlight.decrementAndGet();
            }
        }

        @Override
        public void close() {
            http.stop(0);           // stop listening and close every connection
            handlers.shutdownNow(); // interrupt any answer still waiting, such as a /slow/ one
            handlers.close();       // and wait until every handler thread has ended
        }
    }

    // `count` URLs on the local server: /page/1, /page/2, …
    static List<URI> pages(LocalServer server, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(n -> server.uri("/page/" + n)).toList();
    }

    // ── The client ────────────────────────────────────────────────────────────────────

    // One client for the whole lesson, like one aiohttp.ClientSession: it keeps connections open for reuse.
    static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)  // what the JDK's small server speaks
                .proxy(HttpClient.Builder.NO_PROXY)    // straight to 127.0.0.1, never through a proxy
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    // One fetch: send blocks the calling thread, and only that thread, until the answer is in.
    static HttpResponse<String> fetch(HttpClient client, URI url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(url).build(), BodyHandlers.ofString());
    }

    // One task per URL, to hand to any of the ways below.
    static List<Callable<HttpResponse<String>>> fetchEach(HttpClient client, List<URI> urls) {
        return urls.stream().<Callable<HttpResponse<String>>>map(url -> () -> fetch(client, url)).toList();
    }

    // ── Ways to run the fetches ───────────────────────────────────────────────────────

    // One after another: each fetch starts when the one before it has its answer.
    static <T> List<T> oneAfterAnother(List<Callable<T>> tasks) throws Exception {
        List<T> results = new ArrayList<>();
        for (var task : tasks) results.add(task.call());
        return results;
    }

    // A pool of `threads` platform threads: each runs one fetch at a time; the other fetches queue.
    static <T> List<T> onPool(int threads, List<Callable<T>> tasks) throws Exception {
        try (var executor = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("pool-", 1).factory())) {
            return resultsOf(executor.invokeAll(tasks));
        }
    }

    // A virtual thread per fetch: all of them wait at once, and a waiting virtual thread costs next to nothing.
    static <T> List<T> onVirtualThreads(List<Callable<T>> tasks) throws Exception {
        try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("virtual-", 1).factory())) {
            return resultsOf(executor.invokeAll(tasks));
        }
    }

    // invokeAll has already waited for every task; get() hands back each result, or rethrows the task's exception.
    static <T> List<T> resultsOf(List<Future<T>> futures) throws Exception {
        List<T> results = new ArrayList<>();
        for (var future : futures) results.add(future.get());
        return results;
    }

    // sendAsync: every request goes out at once and no thread waits for its answer; allOf completes when all have.
    static List<HttpResponse<String>> allAsync(HttpClient client, List<URI> urls) {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (var url : urls) answers.add(client.sendAsync(HttpRequest.newBuilder(url).build(), BodyHandlers.ofString()));
        CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).join();
        return answers.stream().map(CompletableFuture::join).toList();
    }

    // Each task takes a permit before it runs and gives it back after, even if it throws.
    static <T> List<Callable<T>> capped(Semaphore permits, List<Callable<T>> tasks) {
        return tasks.stream().<Callable<T>>map(task -> () -> {
            permits.acquire();
            try {
                return task.call();
            } finally {
                permits.release();
            }
        }).toList();
    }

    // ── The lesson's own instruments ──────────────────────────────────────────────────

    // The rows a timeline draws: the first three pages, the last three, and any URL that is not a page.
    static boolean drawn(String path) {
        Set<Integer> firstAndLast = Set.of(1, 2, 3, PAGES - 2, PAGES - 1, PAGES);
        return !path.startsWith("/page/") || firstAndLast.contains(Integer.valueOf(path.substring(6)));
    }

    // Tracks the drawn tasks on `timeline`, labelled by path.
    static <T> List<Callable<T>> drawnOn(Tutorial.Timeline timeline, List<URI> urls, List<Callable<T>> tasks) {
        List<Callable<T>> tracked = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            String path = urls.get(i).getPath();
            tracked.add(drawn(path) ? timeline.track(path, tasks.get(i)) : tasks.get(i));
        }
        return tracked;
    }

    // Steps `progress` as each task ends.
    static <T> List<Callable<T>> counted(Tutorial.Progress progress, List<Callable<T>> tasks) {
        return tasks.stream().<Callable<T>>map(task -> () -> {
            try {
                return task.call();
            } finally {
                progress.step();
            }
        }).toList();
    }

    // "Took 520 ms, 5.2 × the server's delay, with at most 10 requests in flight at the server."
    static String took(Duration took, int peak) {
        return "Took %s, %s × the server's delay, with at most %s in flight at the server.".formatted(
                Tutorial.highlight(Tutorial.seconds(took)), inDelays(took),
                Tutorial.highlight(peak + (peak == 1 ? " request" : " requests")));
    }

    static String inDelays(Duration took) {
        return "%.1f".formatted((double) took.toNanos() / DELAY.toNanos());
    }

    // ── 1. One fetch ──────────────────────────────────────────────────────────────────

    static void oneFetch(LocalServer server, HttpClient client) throws Exception {
        Tutorial.say("This lesson runs its own web server on 127.0.0.1, which is this machine alone: no request "
                + "leaves it, and every time you see is measured here. Each page takes the server "
                + Tutorial.seconds(DELAY) + " to answer, as if it asked a database first.");
        Tutorial.code("""
                var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100); // port 0: any free port
                server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());          // a virtual thread per request
                server.createContext("/page/", exchange -> answer(exchange, 200, delay, true)); // true: a page
                server.start();
                // in answer, on the request's own virtual thread: wait, then send the status and a line of text
                Thread.sleep(wait);
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);""");
        Tutorial.say("The system picked port " + server.uri("/").getPort() + ". The client is java.net.http's "
                + "HttpClient, the Java twin of aiohttp's ClientSession: make one, share it, close it when done "
                + "(try-with-resources does what async with does in Python). It keeps connections open for reuse. "
                + "Both last the whole lesson: at its end the client is closed, then the server stopped.");
        Tutorial.code("""
                try (var client = HttpClient.newBuilder().version(HTTP_1_1).proxy(NO_PROXY).build()) {
                    HttpRequest request = HttpRequest.newBuilder(url).build();
                    HttpResponse<String> response = client.send(request, BodyHandlers.ofString());
                }""");

        URI url = server.uri("/page/1");
        for (String which : List.of("first", "second")) {
            long start = System.nanoTime();
            HttpResponse<String> response = fetch(client, url);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Tutorial.show("%s fetch: GET %s → %d \"%s\" in %s".formatted(which, url.getPath(),
                    response.statusCode(), response.body(), Tutorial.highlight(Tutorial.seconds(took))));
        }
        Tutorial.say("The first fetch also opened the connection and loaded the HTTP classes; the second reused "
                + "both, so it took about the server's " + Tutorial.seconds(DELAY) + " alone.");
        Tutorial.varies("the first fetch's extra time depends on how quickly this JVM loads its classes.");
        Tutorial.say("client.send is the Java twin of requests.get: it blocks until the answer is in. Under "
                + "asyncio that is a problem, because one blocked call stops the whole event loop. In Java it "
                + "blocks only the thread that called it, so the way to fetch many pages at once is to call it "
                + "on many threads, or to use sendAsync, which blocks none.");
    }

    // ── 2. Fifty fetches ──────────────────────────────────────────────────────────────

    static void fiftyFetches(LocalServer server, HttpClient client) throws Exception {
        List<URI> urls = pages(server, PAGES);
        Tutorial.say("Now " + PAGES + " pages, /page/1 to /page/" + PAGES + ", each a task that calls fetch:");
        Tutorial.code("""
                static HttpResponse<String> fetch(HttpClient client, URI url) throws IOException, InterruptedException {
                    return client.send(HttpRequest.newBuilder(url).build(), BodyHandlers.ofString());
                }""");

        // The slow version first: each fetch starts when the one before it has its answer.
        Tutorial.say("One after another, the way a plain loop of requests.get runs:");
        Tutorial.code("for (var task : tasks) results.add(task.call());");
        var sequential = new Tutorial.Timeline("one after another");
        server.watch(null);
        Duration took;
        try (var progress = new Tutorial.Progress("fetching " + PAGES + " pages one after another", PAGES)) {
            took = Tutorial.time(() -> oneAfterAnother(counted(progress, drawnOn(sequential, urls,
                    fetchEach(client, urls)))));
        }
        Tutorial.say(took(took, server.peakInFlight()) + " Fifty waits, added up.");

        // The fix: threads, so that the waits overlap. First a pool of ten, then a thread per fetch.
        Tutorial.say("On a pool of " + CAP + " threads: invokeAll hands the " + PAGES + " tasks to the pool, "
                + "whose threads each fetch one page at a time.");
        Tutorial.code("""
                try (var executor = Executors.newFixedThreadPool(10)) {
                    return resultsOf(executor.invokeAll(tasks));
                }""");
        var prediction = Tutorial.predict("the " + PAGES + " fetches on a pool of " + CAP + " threads take about…",
                Tutorial.seconds(DELAY) + ": one server delay", Tutorial.seconds(DELAY.multipliedBy(PAGES / CAP))
                        + ": " + PAGES / CAP + " delays", Tutorial.seconds(DELAY.multipliedBy(PAGES))
                        + ": as long as one after another");
        var pool = new Tutorial.Timeline("pool of " + CAP + " threads");
        server.watch(null);
        took = Tutorial.time(() -> onPool(CAP, drawnOn(pool, urls, fetchEach(client, urls))));
        Tutorial.say(took(took, server.peakInFlight()) + " Ten at a time: five rounds of waits.");
        // The choice nearest the outcome, on a log scale: 1, 5 or 50 delays.
        double delays = (double) took.toNanos() / DELAY.toNanos();
        prediction.reveal(delays < Math.sqrt(PAGES / CAP) ? 0 : delays < Math.sqrt(PAGES * PAGES / CAP) ? 1 : 2);

        Tutorial.say("On a virtual thread per fetch: the same code with another executor. No fetch queues.");
        Tutorial.code("""
                try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                    return resultsOf(executor.invokeAll(tasks));
                }""");
        var virtual = new Tutorial.Timeline("a virtual thread per fetch");
        server.watch(null);
        took = Tutorial.time(() -> onVirtualThreads(drawnOn(virtual, urls, fetchEach(client, urls))));
        Tutorial.say(took(took, server.peakInFlight()) + " All fifty waits at once.");

        Tutorial.say("The first three fetches and the last three of each run, drawn to one time scale:");
        Tutorial.Timeline.print(sequential, pool, virtual);
        Tutorial.varies("which pool thread or virtual thread fetched which page, and the exact times.");
        Tutorial.say("A waiting thread needs no core, so even on " + Runtime.getRuntime().availableProcessors()
                + " cores fifty threads can wait at once. Python's ThreadPoolExecutor does this job as well, "
                + "because its threads let go of the GIL while they wait on the network: for waiting, Java and "
                + "Python threads behave alike. Lesson 1 measured where they differ: computing.");
    }

    // ── 3. sendAsync ──────────────────────────────────────────────────────────────────

    static void asynchronous(LocalServer server, HttpClient client) throws Exception {
        List<URI> urls = pages(server, PAGES);
        Tutorial.say("sendAsync is the non-blocking twin of send: it returns a CompletableFuture at once. Send "
                + "them all, then wait once, for the lot, with allOf: the Java twin of aiohttp's session.get "
                + "under asyncio.gather.");
        Tutorial.code("""
                for (var url : urls)
                    answers.add(client.sendAsync(HttpRequest.newBuilder(url).build(), BodyHandlers.ofString()));
                CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).join();
                return answers.stream().map(CompletableFuture::join).toList();""");

        // No thread of ours waits for a single fetch, so this timeline is drawn by the server.
        var async = new Tutorial.Timeline("sendAsync + allOf, as the server saw it");
        server.watch(async);
        Duration took = Tutorial.time(() -> allAsync(client, urls));
        int peak = server.peakInFlight();
        server.watch(null);
        Tutorial.say(took(took, peak));
        Tutorial.say("No thread of yours waited for any one answer: main waited once, in join, for all of "
                + "them, and HttpClient's own threads completed each future as its answer came in. So this timeline "
                + "is the server's view: when it handled each of the first three and last three pages, on "
                + "the server's virtual threads.");
        Tutorial.Timeline.print(async);
        Tutorial.varies("the order in which the server received the pages.");
        Tutorial.say("Both ways fetch fifty pages in about one delay. A virtual thread per fetch keeps the plain "
                + "code of section 2, exceptions and all; sendAsync chains callbacks instead. Python needs async "
                + "and await to wait on many requests from one thread; Java gets the same from plain blocking code "
                + "on virtual threads, as the two times show.");
    }

    // ── 4. A cap ──────────────────────────────────────────────────────────────────────

    static void cap(LocalServer server, HttpClient client) throws Exception {
        List<URI> urls = pages(server, PAGES);

        // The broken version first: nothing limits how many requests are in flight.
        Tutorial.say("A virtual thread per fetch, as before, with nothing to limit how many requests are in "
                + "flight:");
        var uncapped = new Tutorial.Timeline("no cap");
        server.watch(null);
        Duration took = Tutorial.time(() -> onVirtualThreads(drawnOn(uncapped, urls, fetchEach(client, urls))));
        int peak = server.peakInFlight();
        Tutorial.say(took(took, peak) + " HttpClient opened a connection for every request; nothing "
                + "in it capped them. At fifty that is fine. At ten thousand URLs a real server slows down, "
                + "answers 429 Too Many Requests or shuts you out, and your own machine runs short of sockets.");

        // The fix: a permit per request in flight.
        Tutorial.say("The fix: a Semaphore of " + CAP + " permits around each fetch. The other threads wait "
                + "for a permit, which costs a virtual thread nothing. It is asyncio.Semaphore with "
                + "`async with sem:`; aiohttp also caps connections itself (TCPConnector(limit=100)).");
        Tutorial.code("""
                var permits = new Semaphore(10);
                tasks.stream().<Callable<T>>map(task -> () -> {
                    permits.acquire();
                    try { return task.call(); } finally { permits.release(); }
                })""");
        var semaphore = new Tutorial.Timeline("Semaphore(" + CAP + ")");
        server.watch(null);
        took = Tutorial.time(() -> onVirtualThreads(capped(new Semaphore(CAP), drawnOn(semaphore, urls,
                fetchEach(client, urls)))));
        Tutorial.say(took(took, server.peakInFlight()) + " At most ten at once, so five rounds of waits, "
                + "like the pool of ten in section 2.");
        Tutorial.say("The timelines draw each fetch from when it got its permit:");
        Tutorial.Timeline.print(uncapped, semaphore);
        Tutorial.varies("which pages got the first permits: a Semaphore promises no order unless it is built "
                + "fair, with new Semaphore(10, true).");
        Tutorial.say("A pool of ten caps too, but only the work you submit to it. A Semaphore caps any way of "
                + "running, can be shared by every part of a program that calls the same server, and leaves "
                + "the threads cheap and plentiful.");
    }

    // ── 5. A slow page and a broken one ───────────────────────────────────────────────

    // One URL's outcome, with at most `timeout` to wait: failures are reported, not thrown, so they stay with their URL.
    static String outcome(HttpClient client, URI url, Duration timeout) throws InterruptedException {
        var request = HttpRequest.newBuilder(url).timeout(timeout).build();
        try {
            return status(client.send(request, BodyHandlers.ofString()).statusCode());
        } catch (HttpTimeoutException e) {
            return "timed out";
        } catch (IOException e) {
            return "failed: " + e.getMessage();
        }
    }

    static String status(int code) {
        return code == 200 ? "200 OK" : "HTTP " + code;
    }

    // "48 × 200 OK, 1 × HTTP 500, 1 × timed out"
    static String summary(List<String> outcomes) {
        Map<String, Long> counts = outcomes.stream()
                .collect(Collectors.groupingBy(o -> o, LinkedHashMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getValue() + " × " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    static void slowAndBroken(LocalServer server, HttpClient client) throws Exception {
        List<URI> urls = Stream.concat(pages(server, PAGES - 2).stream(),
                Stream.of(server.uri("/slow/"), server.uri("/broken/"))).toList();
        Tutorial.say(urls.size() + " URLs again, each fetched on its own virtual thread: " + (PAGES - 2)
                + " pages, then /slow/, which answers after " + Tutorial.seconds(SLOW) + ", and /broken/, which "
                + "answers 500, a server error, after the usual " + Tutorial.seconds(DELAY) + ".");
        var prediction = Tutorial.predict("without a timeout, fetching the " + urls.size() + " URLs…",
                "is done in about " + Tutorial.seconds(DELAY) + ", the slow one still on its way",
                "takes about " + Tutorial.seconds(SLOW) + ": the batch waits for its slowest fetch",
                "fails after about " + Tutorial.seconds(DELAY) + ", on the 500");

        // The broken version first: no timeout, so the batch lasts as long as its slowest fetch.
        Tutorial.code("responses = onVirtualThreads(fetchEach(client, urls));   // no timeout");
        var unbounded = new Tutorial.Timeline("no timeout");
        List<String> outcomes;
        long start = System.nanoTime();
        try (var progress = new Tutorial.Progress("fetching " + urls.size() + " URLs, no timeout", urls.size())) {
            outcomes = onVirtualThreads(counted(progress, drawnOn(unbounded, urls, fetchEach(client, urls))))
                    .stream().map(response -> status(response.statusCode())).toList();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Tutorial.show(summary(outcomes));
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ": forty-nine answers were in "
                + "after about " + Tutorial.seconds(DELAY) + ", and then everything waited for /slow/. A real "
                + "server can take far longer, or never answer. The 500 threw nothing: HttpClient hands an "
                + "error status back as an ordinary response, as aiohttp does unless you ask for "
                + "raise_for_status(), so check statusCode() yourself.");
        prediction.reveal(took.compareTo(SLOW.dividedBy(2)) > 0 ? 1 : 0);

        // The fix: a timeout on each request, and an outcome per URL, so one failure cannot sink the batch.
        Tutorial.say("The fix: HttpRequest.timeout, aiohttp's ClientTimeout. After it, send throws an "
                + "HttpTimeoutException. Catch it in the task, so that it becomes that URL's outcome; thrown "
                + "out of the task, future.get() would rethrow it and the whole batch would fail.");
        Tutorial.code("""
                var request = HttpRequest.newBuilder(url).timeout(Duration.ofMillis(500)).build();
                try {
                    return status(client.send(request, BodyHandlers.ofString()).statusCode());
                } catch (HttpTimeoutException e) {
                    return "timed out";
                }""");
        var bounded = new Tutorial.Timeline("timeout " + Tutorial.seconds(TIMEOUT));
        List<Callable<String>> tasks = urls.stream()
                .<Callable<String>>map(url -> () -> outcome(client, url, TIMEOUT)).toList();
        start = System.nanoTime();
        outcomes = onVirtualThreads(drawnOn(bounded, urls, tasks));
        took = Duration.ofNanos(System.nanoTime() - start);
        Tutorial.show(summary(outcomes));
        Tutorial.say("Took " + Tutorial.highlight(Tutorial.seconds(took)) + ", about the timeout: every page "
                + "arrived, the broken one is reported as broken, and the fetch of the slow one gave up without "
                + "holding up the rest.");
        Tutorial.Timeline.print(unbounded, bounded);
        Tutorial.varies("the exact times, and which virtual thread fetched which URL.");
    }

    // ── 6. Side by side ───────────────────────────────────────────────────────────────

    // A way of fetching all the pages, by name.
    record Way(String name, Callable<?> fetchAll) {}

    static void sideBySide(LocalServer server, HttpClient client) throws Exception {
        List<URI> urls = pages(server, PAGES);
        List<Way> ways = List.of(
                new Way("one after another", () -> oneAfterAnother(fetchEach(client, urls))),
                new Way("pool of " + CAP + " threads", () -> onPool(CAP, fetchEach(client, urls))),
                new Way("a virtual thread per fetch", () -> onVirtualThreads(fetchEach(client, urls))),
                new Way("sendAsync + allOf", () -> allAsync(client, urls)),
                new Way("virtual threads + Semaphore(" + CAP + ")",
                        () -> onVirtualThreads(capped(new Semaphore(CAP), fetchEach(client, urls)))));
        Tutorial.say("All the ways again, on the same " + PAGES + " pages, one run each; the server counts "
                + "what it had in flight.");

        fetch(client, urls.get(0)); // one fetch untimed, so that no row pays for loading the HTTP classes
        Duration[] times = new Duration[ways.size()];
        int[] peaks = new int[ways.size()];
        try (var progress = new Tutorial.Progress("fetching " + PAGES + " pages five ways", ways.size())) {
            for (int i = 0; i < ways.size(); i++) {
                server.watch(null);
                times[i] = Tutorial.time(ways.get(i).fetchAll());
                peaks[i] = server.peakInFlight();
                progress.step();
            }
        }
        List<String> cells = Tutorial.markFastest(times);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < ways.size(); i++) {
            rows.add(List.of(ways.get(i).name(), cells.get(i), inDelays(times[i]), String.valueOf(peaks[i])));
        }
        Tutorial.table(List.of(PAGES + " pages, " + Tutorial.seconds(DELAY) + " each", "took", "× delay",
                "most in flight"), rows);
        Tutorial.say(Tutorial.highlight("✓") + " marks the fastest, and any within 30% of it.");
        Tutorial.varies("the times move a little from run to run. The counts in flight hardly do: they can only "
                + "come out lower, when the requests of one round reach the server a little apart.");

        Tutorial.say("From the Python course to Java:");
        Tutorial.code("""
                Python: aiohttp, asyncio           Java: java.net.http, java.util.concurrent
                async with ClientSession() as s:   try (var client = HttpClient.newHttpClient()) {
                await s.get(url)                   client.send(request, ofString()), on a virtual thread
                asyncio.gather(*tasks)             invokeAll(tasks), or sendAsync + CompletableFuture.allOf
                asyncio.Semaphore(10)              new Semaphore(10)
                ClientTimeout(total=0.5)           HttpRequest.newBuilder(url).timeout(Duration.ofMillis(500))
                response.raise_for_status()        check response.statusCode()""");
        Tutorial.say("For many fetches: a virtual thread per URL, a Semaphore to cap them, a timeout on every "
                + "request, and an outcome per URL, so that one slow or broken server costs you that URL alone.");
    }
}
