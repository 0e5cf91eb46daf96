///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 9 — The right model for the job: a download-then-hash pipeline: MODEL SOLUTION.
//
// What changed from downloadAndHashSequentially, and why:
//   - each download runs on a virtual thread of its own: it only waits, and a waiting virtual thread holds
//     no OS thread, so all the downloads wait at once whatever the number of cores;
//   - each hash runs on a fixed pool of one platform thread per core: computing can go no faster than the
//     cores, and a virtual thread that computes keeps its carrier, which starves the downloads of carriers;
//   - the two steps are chained per document (supplyAsync(download, virtual threads)
//     .thenApplyAsync(hash, pool)): a document goes to the pool the moment its own download is done, so
//     hashing overlaps the downloads still going, and the pool's queue feeds its threads;
//   - the hashes are read through the futures in URL order, not in the order they finish;
//   - get() throws an ExecutionException whose cause is the failure (a CompletionException is unwrapped);
//   - the pool, the client and the virtual-thread executor are closed in reverse order of opening: first
//     the downloads (close() waits for every one, and each hands its body to the pool before it ends), then
//     the client, then the pool (close() waits for the last hashes). Closed the other way round, a download
//     that ends after the pool is shut down could not hand its body over. Try-with-resources closes them on
//     every way out, so when a get() throws, the method throws only once every download and hash is over.
//   - an interrupt is never swallowed: get() throws InterruptedException, and nothing catches it.
package pipeline;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.IntStream;

public class Pipeline {

    /// Downloads every URL, hashes each body with `hash`, and returns the hashes in the order of `urls`.
    public static List<String> downloadAndHash(List<URI> urls, Function<byte[], String> hash)
            throws InterruptedException, ExecutionException {
        int cores = Runtime.getRuntime().availableProcessors();
        try (var hashing = Executors.newFixedThreadPool(cores);
                var client = newClient();
                var downloads = Executors.newVirtualThreadPerTaskExecutor()) {
            // Start every document before waiting for any: download on a virtual thread, then hash on the pool.
            List<CompletableFuture<String>> hashes = new ArrayList<>(urls.size());
            for (URI url : urls) {
                hashes.add(CompletableFuture.supplyAsync(() -> downloadOrFail(client, url), downloads)
                        .thenApplyAsync(hash, hashing));
            }
            List<String> results = new ArrayList<>(hashes.size());
            for (var future : hashes) {
                results.add(future.get()); // URL order; throws ExecutionException(cause = the failure)
            }
            return results;
        }
    }

    /// download, for a CompletableFuture stage, which may not throw checked exceptions: a CompletionException
    /// carries the IOException, and get() unwraps it again.
    private static byte[] downloadOrFail(HttpClient client, URI url) {
        try {
            return download(client, url);
        } catch (IOException e) {
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop: keep the flag set, as catching it cleared it
            throw new CompletionException(e);
        }
    }

    // ── Provided: you need not change anything below ───────────────────────────────────────────────

    /// Where you start from: correct, but each download waits for the one before it, and so does each hash.
    public static List<String> downloadAndHashSequentially(List<URI> urls, Function<byte[], String> hash)
            throws IOException, InterruptedException {
        try (var client = newClient()) {
            List<String> hashes = new ArrayList<>();
            for (URI url : urls) {
                hashes.add(hash.apply(download(client, url)));
            }
            return hashes;
        }
    }

    /// Downloads `url` with `client` (IO: the calling thread waits for the answer) and returns its body.
    /// An answer other than 200 OK is a failure: it throws an IOException that says which.
    public static byte[] download(HttpClient client, URI url) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build();
        var response = client.send(request, BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    /// The client to download with: HTTP/1.1 (what the JDK's small server speaks), never through a proxy.
    /// It is thread-safe, so one client serves every download. It owns threads: close it when you are done.
    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /// CPU work: SHA-256 of `body` fed in `rounds` times, in hex. A round of 16 KiB takes roughly 10 µs on
    /// a recent core, so 2,000 rounds are tens of milliseconds of computing.
    public static String digest(byte[] body, int rounds) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (int round = 0; round < rounds; round++) {
                sha256.update(body);
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException everyJdkHasSha256) {
            throw new IllegalStateException(everyJdkHasSha256);
        }
    }

    // ── Try it by hand: a small server on 127.0.0.1 ──────────────────────────────────────────────────────

    /// Serves /doc/1 … /doc/12, 16 KiB each, every one after 300 ms, and runs both versions on them.
    public static void main(String[] args) throws Exception {
        int documents = 12, rounds = 2_000;
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        var handlers = Executors.newCachedThreadPool(); // the server's threads, not yours
        server.setExecutor(handlers);
        server.createContext("/doc/", exchange -> {
            try (exchange) {
                Thread.sleep(300); // stands in for a slow network
                byte[] body = new byte[16 * 1024];
                new SplittableRandom(exchange.getRequestURI().getPath().hashCode()).nextBytes(body);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<URI> urls = IntStream.rangeClosed(1, documents).mapToObj(n -> URI.create(base + "/doc/" + n)).toList();
            Function<byte[], String> hash = body -> digest(body, rounds);
            System.out.printf("%d documents, each a 300 ms download, then %,d rounds of SHA-256; %d cores%n",
                    documents, rounds, Runtime.getRuntime().availableProcessors());
            System.out.printf("the downloads alone: %.1f s one after another, 0.3 s all at once%n", documents * 0.3);
            long start = System.nanoTime();
            List<String> expected = downloadAndHashSequentially(urls, hash);
            System.out.printf("sequentially: %.2f s%n", (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            List<String> hashes = downloadAndHash(urls, hash);
            System.out.printf("pipeline:     %.2f s, same hashes: %b (doc 1: %s…)%n",
                    (System.nanoTime() - start) / 1e9, hashes.equals(expected), hashes.getFirst().substring(0, 16));
        } finally {
            server.stop(0);
            handlers.shutdownNow();
        }
    }
}
