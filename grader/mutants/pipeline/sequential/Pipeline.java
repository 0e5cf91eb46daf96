// Mutant: downloads and hashes one document after another on the caller's thread, like downloadAndHashSequentially.
// Rejected by: downloadsEveryDocumentAtTheSameTime
// Rejected by: takesAboutTheLongestDownloadNotTheSum
// Rejected by: startsVirtualThreadsForTheDownloads
// Rejected by: hashesFasterThanOneThread
package pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

public class Pipeline {

    public static List<String> downloadAndHash(List<URI> urls, Function<byte[], String> hash)
            throws InterruptedException, ExecutionException {
        try {
            return downloadAndHashSequentially(urls, hash);
        } catch (IOException e) {
            throw new ExecutionException(e);
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
}
