/*
 * Fetches the jars pinned in a lock file (see .jbang/jbang-cli.lock) from a Maven repository,
 * checks each against its sha256 and writes <cache>/classpath, one jar file name a line.
 * The launchers (./jbang, jbang.cmd) run it through the source launcher when that classpath
 * file is missing or out of date with the lock:
 *
 *   java .jbang/Bootstrap.java .jbang/jbang-cli.lock .jbang/cache
 *
 * Plain Java 11+ (java.net.http), no dependencies, so it runs before JBang exists.
 * Set JBANG_WRAPPER_REPO to use a mirror of Maven Central.
 */
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class Bootstrap {
    static final String CENTRAL = "https://repo1.maven.org/maven2";

    /** A failure the user can act on: reported as one message, without a stack trace. */
    static class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws Exception {
        try {
            if (args.length != 2) {
                throw new Failure("usage: java Bootstrap.java <lock file> <cache dir>");
            }
            bootstrap(Path.of(args[0]), Path.of(args[1]));
        } catch (Failure e) {
            System.err.println("[jbang wrapper] ERROR: " + e.getMessage());
            System.exit(1);
        } catch (IOException e) { // e.g. the cache directory is not writable
            System.err.println("[jbang wrapper] ERROR: " + e);
            System.exit(1);
        }
    }

    static void bootstrap(Path lock, Path cache) throws Exception {
        String env = System.getenv("JBANG_WRAPPER_REPO");
        String repo = (env == null || env.isBlank() ? CENTRAL : env.trim()).replaceAll("/+$", "");
        Files.createDirectories(cache);

        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .proxy(ProxySelector.getDefault()) // honours -Dhttps.proxyHost=... in JAVA_TOOL_OPTIONS
                .build();
        List<String> classpath = new ArrayList<>();
        for (String line : Files.readAllLines(lock)) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new Failure(lock + ": expected 'groupId:artifactId:version[:classifier] sha256', got: " + line);
            }
            String[] gav = parts[0].split(":");
            if (gav.length < 3 || gav.length > 4) {
                throw new Failure(lock + ": bad Maven coordinates: " + parts[0]);
            }
            String file = gav[1] + "-" + gav[2] + (gav.length == 4 ? "-" + gav[3] : "") + ".jar";
            String url = repo + "/" + gav[0].replace('.', '/') + "/" + gav[1] + "/" + gav[2] + "/" + file;
            Path jar = cache.resolve(file);
            // A jar left by an earlier run is reused only if it still has the pinned content.
            if (!Files.isRegularFile(jar) || !sha256(jar).equalsIgnoreCase(parts[1])) {
                download(http, url, jar, parts[1]);
            }
            classpath.add(file);
        }
        // jbang.cmd cannot compare file times, so it compares the lock with this copy instead.
        writeAtomically(cache.resolve("installed.lock"), Files.readString(lock));
        // Written last and atomically: the launchers take its presence to mean "bootstrap done".
        writeAtomically(cache.resolve("classpath"), String.join("\n", classpath) + "\n");
    }

    static void download(HttpClient http, String url, Path target, String expectedSha256) throws Exception {
        System.err.println("[jbang wrapper] Downloading (first run only) " + url);
        Path tmp = tempFileFor(target);
        try {
            String actual = null;
            for (int attempt = 1; actual == null; attempt++) {
                try {
                    actual = fetch(http, url, tmp);
                } catch (IOException e) { // a network hiccup gets two more tries, then advice
                    if (attempt < 3) {
                        Thread.sleep(2000);
                        continue;
                    }
                    throw new Failure("could not download " + url + "\n  " + describe(e)
                        + "\n  Check your network, or set JBANG_WRAPPER_REPO to a Maven Central mirror"
                        + " (and JAVA_TOOL_OPTIONS=\"-Dhttps.proxyHost=... -Dhttps.proxyPort=...\" behind a proxy),"
                        + " or install JBang yourself (https://www.jbang.dev) so that ./jbang uses it.");
                }
            }
            if (!actual.equalsIgnoreCase(expectedSha256)) {
                throw new Failure("checksum mismatch for " + url + "\n  expected sha256 " + expectedSha256
                        + "\n  but got         " + actual
                        + "\n  The repository (or a proxy in between) served a different file; nothing was installed.");
            }
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Streams url into file and returns the sha256 of what was received. */
    static String fetch(HttpClient http, String url, Path file) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(response.body(), digest);
             OutputStream out = Files.newOutputStream(file)) {
            if (response.statusCode() != 200) {
                throw new Failure("HTTP " + response.statusCode() + " for " + url + (url.startsWith(CENTRAL) ? ""
                        : "\n  Is JBANG_WRAPPER_REPO a Maven Central mirror? Unset it to use " + CENTRAL + "."));
            }
            in.transferTo(out);
        }
        return hex(digest.digest());
    }

    /** The exception and its root cause: HttpClient's exceptions often carry no message. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e + ", caused by " + root;
    }

    static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return hex(digest.digest());
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }

    static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = tempFileFor(target);
        try {
            Files.writeString(tmp, content);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A sibling of target that no concurrent bootstrap uses (created with the usual umask, unlike createTempFile). */
    static Path tempFileFor(Path target) {
        return target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + ".part");
    }

    /** Concurrent bootstraps each write their own temp file; the last move wins, with identical content. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
