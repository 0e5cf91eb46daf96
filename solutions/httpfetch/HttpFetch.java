///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 8 — Fetch many URLs at once, at most N at a time, with a timeout: MODEL SOLUTION.
//
// What changed from fetchAllSequentially, and why:
//   - each URL gets its own virtual thread, so the waits overlap: a thread blocked in client.send costs next to
//     nothing, and send blocks only its own thread;
//   - a Semaphore of maxConcurrency permits caps the requests in flight: a fetch takes a permit before it sends
//     and gives it back in finally, after its answer (or its failure) is in, so never more than maxConcurrency
//     are out at once; the threads waiting for a permit are cheap virtual threads;
//   - each request carries its own timeout (HttpRequest.Builder.timeout), so a slow URL costs only its own fetch:
//     send throws HttpTimeoutException after it, and the permit goes back to the others;
//   - fetchOne catches every IOException (a timeout, a refused connection) and turns it into that URL's Response,
//     and a 500 is an answer like any other: no failure leaves its task, so none can sink the batch;
//   - fetchOne does not catch InterruptedException: an interrupt is no URL's failure but a request to stop;
//   - the results are read through the futures in input order, not in the order the answers came;
//   - the client and the executor live in try-with-resources: the executor's close() waits for every fetch,
//     then the client's close() stops its selector and worker threads, so nothing outlives fetchAll, whether it
//     returns or throws (InterruptedException, if its thread is interrupted while it waits for the fetches).
//     An interrupt is never swallowed: future.get() throws it, and nothing catches it.
//
// The lesson's other way works as well: client.sendAsync(request, ...) per URL, with the permit taken before
// sendAsync and given back in whenComplete, and the futures joined in input order.
//
// Run it:  ./jbang solutions/httpfetch/HttpFetch.java          Check it:  ./jbang grade --solutions ex08
package httpfetch;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
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
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

public class HttpFetch {

    /// What became of one URL.
    ///   status  the server's HTTP status code, or 0 if no answer came (timeout, refused connection…)
    ///   body    the server's body, or null if no answer came
    ///   error   null if the server answered with a 2xx status; otherwise what went wrong: "HTTP 500", "timed out", …
    public record Response(URI uri, int status, String body, String error) {

        /// The server answered. Any status is an answer: a 500 is an answer too, reported as the error "HTTP 500".
        public static Response answered(URI uri, HttpResponse<String> response) {
            int status = response.statusCode();
            return new Response(uri, status, response.body(), status / 100 == 2 ? null : "HTTP " + status);
        }

        /// No answer came: `failure` is what send threw (or what a sendAsync future failed with).
        public static Response failed(URI uri, Throwable failure) {
            while ((failure instanceof CompletionException || failure instanceof ExecutionException)
                    && failure.getCause() != null) {
                failure = failure.getCause(); // unwrap what a future wraps around the real failure
            }
            String error = failure instanceof HttpTimeoutException ? "timed out" : failure.toString();
            return new Response(uri, 0, null, error);
        }

        public boolean ok() {
            return error == null;
        }
    }

    /// Fetches every URL, at most `maxConcurrency` at a time, each with at most `timeout` to answer, and
    /// returns one Response per URL in the order of `urls`. Throws nothing for a URL that fails.
    public static List<Response> fetchAll(List<URI> urls, int maxConcurrency, Duration timeout) throws InterruptedException {
        var permits = new Semaphore(maxConcurrency);
        // Closed in reverse order: first the executor (waits for every fetch), then the client.
        try (var client = newClient(); var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> futures = new ArrayList<>(urls.size());
            for (var url : urls) {
                futures.add(executor.submit(() -> {
                    permits.acquire(); // waits while maxConcurrency fetches are in flight
                    try {
                        return fetchOne(client, url, timeout);
                    } finally {
                        permits.release(); // even if the fetch was interrupted
                    }
                }));
            }
            List<Response> responses = new ArrayList<>(urls.size());
            for (var future : futures) {
                responses.add(resultOf(future)); // in the order of urls
            }
            return responses;
        }
    }

    /// Fetches `url` with `client`, giving up after `timeout`: the server's answer, whatever its status, or why
    /// there is none. Throws nothing for a URL that fails.
    static Response fetchOne(HttpClient client, URI url, Duration timeout) throws InterruptedException {
        var request = HttpRequest.newBuilder(url).timeout(timeout).build();
        try {
            return Response.answered(url, client.send(request, BodyHandlers.ofString())); // a 500 too
        } catch (IOException e) { // HttpTimeoutException, ConnectException, …: this URL's failure alone
            return Response.failed(url, e);
        }
    }

    /// The task's Response. A URL's failure is in its Response, so a task that threw met a bug or an interrupt.
    private static Response resultOf(Future<Response> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a fetch failed outside fetchOne", e.getCause());
        }
    }

    /// The client to fetch with: HTTP/1.1 (what the JDK's small server speaks), never through a proxy.
    /// It owns threads: close it when you are done (try-with-resources).
    static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /// Where you start from: one URL after another, no timeout, and the first failure ends the whole batch.
    public static List<Response> fetchAllSequentially(List<URI> urls) throws IOException, InterruptedException {
        try (var client = newClient()) {
            List<Response> responses = new ArrayList<>();
            for (var url : urls) {
                var request = HttpRequest.newBuilder(url).build();
                responses.add(Response.answered(url, client.send(request, BodyHandlers.ofString())));
            }
            return responses;
        }
    }

    // ── Try it by hand: a small server on 127.0.0.1 ──────────────────────────────────────────────────────

    /// A server on this machine only: /page/N answers after 200 ms, /slow after 3 s, /broken answers 500.
    /// It counts the most requests it had in flight at once, but for /slow, which it goes on working on after
    /// the client has given up on it.
    public static void main(String[] args) throws Exception {
        var inFlight = new AtomicInteger();
        var peak = new AtomicInteger();
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                boolean counted = !path.equals("/slow");
                if (counted) peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(Duration.ofMillis(counted ? 200 : 3000));
                } catch (InterruptedException e) {
                    return;
                } finally {
                    if (counted) inFlight.decrementAndGet(); // before the answer goes out
                }
                byte[] body = ("this is " + path).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(path.equals("/broken") ? 500 : 200, body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException clientGone) {
                // the client timed out and hung up
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<URI> urls = new ArrayList<>(IntStream.rangeClosed(1, 10)
                    .mapToObj(n -> URI.create(base + "/page/" + n)).toList());
            urls.add(2, URI.create(base + "/slow"));
            urls.add(5, URI.create(base + "/broken"));
            System.out.println(urls.size() + " URLs: 10 pages of 200 ms each, /slow (3 s), /broken (500);"
                    + " at most 4 at once, timeout 500 ms");
            fetchAllSequentially(urls.subList(0, 1)); // loads the HTTP classes: the time below is the fetching alone
            peak.set(0);
            long start = System.nanoTime();
            List<Response> responses = fetchAll(urls, 4, Duration.ofMillis(500));
            long took = System.nanoTime() - start;
            for (var r : responses) {
                System.out.printf("  %-8s %3d  %s%n", r.uri().getPath(), r.status(),
                        r.ok() ? r.body() : "error: " + r.error());
            }
            System.out.printf("took %.2f s (at best 0.8 s: 4 rounds of 200 ms, /slow holding a slot for 500 ms),"
                    + " at most %d in flight at the server besides /slow (expected 4)%n", took / 1e9, peak.get());
        } finally {
            server.stop(0);
        }
    }
}
