// Mutant: applies the timeout to the whole batch (invokeAll with a timeout), so fetches still waiting for a permit or an answer when it runs out are cancelled.
// Rejected by: givesUpOnASlowUrlWithoutHoldingUpTheOthers
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
        try (var client = newClient(); var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Callable<Response>> tasks = new ArrayList<>();
            for (var url : urls) {
                tasks.add(() -> {
                    permits.acquire();
                    try {
                        return fetchOne(client, url, Duration.ofDays(1));
                    } finally {
                        permits.release();
                    }
                });
            }
            var futures = executor.invokeAll(tasks, timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            List<Response> responses = new ArrayList<>();
            for (int i = 0; i < urls.size(); i++) {
                var future = futures.get(i);
                responses.add(future.isCancelled()
                        ? Response.failed(urls.get(i), new java.net.http.HttpTimeoutException("request timed out"))
                        : resultOf(future));
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
}
