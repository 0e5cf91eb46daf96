///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

// Exercise 9 — The right model for the job: a download-then-hash pipeline.
//
// downloadAndHashSequentially (below) downloads a document, hashes it, then does the next: every download's
// wait and every hash's computing add up. The two steps need different models. A download is waiting (IO):
// give each its own virtual thread, and they all wait at once. A hash is computing (CPU): it can only go as
// fast as the cores, and a virtual thread keeps its carrier while it computes, so hashes belong on a pool
// of platform threads sized to the cores.
//
// Goal: write downloadAndHash(urls, hash), with the same results as downloadAndHashSequentially:
//   - the hashes come back in the order of `urls`, whatever order the downloads finish in;
//   - the downloads run on virtual threads, all at the same time: the whole takes about the longest
//     download, not the sum, whatever the number of cores;
//   - the hashing runs on a fixed pool (Executors.newFixedThreadPool) of one platform thread per core:
//     when enough documents are waiting, exactly as many hashes run at once as there are cores, never more;
//   - each document is hashed as soon as it has arrived, even while slower downloads are still going;
//   - if a download or a hash fails, downloadAndHash throws an ExecutionException with that failure among
//     its causes;
//   - if the calling thread is interrupted while downloadAndHash waits, it throws InterruptedException;
//   - when downloadAndHash returns, or throws, every download and hash is over and no thread it started is
//     still running: close the HttpClient and both executors.
//
// Try it:  ./jbang ex09          Check it:  ./jbang grade ex09
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.IntStream;

public class Pipeline {

    /// Downloads every URL, hashes each body with `hash`, and returns the hashes in the order of `urls`.
    public static List<String> downloadAndHash(List<URI> urls, Function<byte[], String> hash)
            throws InterruptedException, ExecutionException {
        // TODO: one HttpClient and two executors, in try-with-resources: virtual threads for the downloads,
        //  a fixed pool of one thread per core for the hashes. Start every download before you wait for any;
        //  when a download is done, hand its body to the pool at once; collect the hashes in URL order.
        throw new UnsupportedOperationException("TODO");
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
