package pipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import check.Declared;
import check.Latency;
import check.LiveThreads;
import check.LocalServer;
import check.SpeedUp;
import check.SpeedUpTest;
import check.Timeline;
import check.TimelinePicture;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/// Every test runs its own web server on 127.0.0.1 (check.LocalServer): no request leaves the machine. The
/// server counts the requests it is working on, which is how the tests see how many downloads overlap; the
/// tests pass downloadAndHash a hash function of their own, which is how they see where and when it hashes.
@DisplayName("downloadAndHash")
class PipelineTest {

    static final ArchRule pipelineStartsVirtualThreadsForTheDownloads = classes()
            .that(Declared.inFile("Pipeline.java"))
            .should(callBetweenThem("Executors.newVirtualThreadPerTaskExecutor(), Thread.ofVirtual() or "
                    + "Thread.startVirtualThread()", "java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor",
                    "java.lang.Thread.ofVirtual", "java.lang.Thread.startVirtualThread"))
            .as("Pipeline.java starts virtual threads for the downloads")
            .because("a download is mostly waiting, and a waiting virtual thread holds no OS thread: with one "
                    + "virtual thread per download, every download waits at once, on any number of cores. "
                    + "Platform threads cost the OS memory each, and a pool of them caps how many wait at once");

    static final ArchRule pipelineCreatesAFixedThreadPoolForTheHashing = classes()
            .that(Declared.inFile("Pipeline.java"))
            .should(callBetweenThem("Executors.newFixedThreadPool(…)",
                    "java.util.concurrent.Executors.newFixedThreadPool"))
            .as("Pipeline.java creates a fixed thread pool for the hashing")
            .because("hashing is computing, which goes no faster than the cores: a fixed pool of one platform "
                    + "thread per core (Executors.newFixedThreadPool(cores)) keeps every core busy and queues the "
                    + "rest. On virtual threads, a hash would hold its carrier thread until it is done");

    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /// Enough documents that a pool sized to the cores cannot download them all at once, on any machine.
    private static final int MANY = Math.max(8, 4 * CORES);

    private final Timeline timeline = new Timeline("hashes");
    private LocalServer server;

    @BeforeAll
    static void loadTheHttpClasses() throws Exception {
        // One download before any test, so that no test's timing pays for loading the HTTP client and server classes.
        try (var warmUp = LocalServer.start(); var client = testClient()) {
            client.send(HttpRequest.newBuilder(warmUp.uri("/warm-up")).build(), BodyHandlers.ofByteArray());
        }
    }

    @BeforeEach
    void startServer() throws IOException {
        server = LocalServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    @DisplayName("returns each document's hash in the order of the URLs, not in the order the downloads finish")
    void returnsTheHashesInTheOrderOfTheUrls() throws Exception {
        // /doc/1 arrives last and /doc/6 first: 300 ms down to 0 ms, 60 ms apart.
        var paths = paths("/doc/", 6);
        for (int i = 0; i < paths.size(); i++) {
            server.delay(paths.get(i), Duration.ofMillis(300 - 60L * i));
        }

        var hashes = Pipeline.downloadAndHash(urls(paths), body -> "hash of " + text(body));

        var expected = paths.stream().map(path -> "hash of body of " + path).toList();
        assertThat(hashes)
                .withFailMessage("downloadAndHash returned%n  %s%nexpected, in the order of the URLs,%n  %s%nThe "
                        + "downloads finished in the order /doc/6, /doc/5, … /doc/1: keep each document's hash in its "
                        + "URL's place (e.g. a list of futures in URL order, each read with get()), don't add the "
                        + "hashes as they come.", hashes, expected)
                .containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("downloads every document at the same time, whatever the number of cores")
    void downloadsEveryDocumentAtTheSameTime() throws Exception {
        var paths = paths("/doc/", MANY);
        server.defaultDelay(Duration.ofMillis(300));

        // Best of 3 runs, so that a pause of the machine cannot fail a correct pipeline; a pipeline that caps
        // its downloads below MANY can never reach MANY at once.
        int peak = 0;
        for (int run = 1; run <= 3 && peak < MANY; run++) {
            server.resetCounts();
            Pipeline.downloadAndHash(urls(paths), PipelineTest::text);
            peak = Math.max(peak, server.peakInFlight());
        }

        assertThat(peak)
                .withFailMessage("the server had at most %d of the %d downloads in flight at once (best of 3 runs; "
                        + "each download takes 300 ms, this machine has %d cores). Downloading is waiting, which "
                        + "needs no core: start every download on a virtual thread of its own "
                        + "(Executors.newVirtualThreadPerTaskExecutor()), not on a pool sized to the cores, and "
                        + "before you wait for any. The server saw:%s", peak, MANY, CORES, server.describe())
                .isEqualTo(MANY);
    }

    @Test
    @DisplayName("takes about as long as the longest download, not the sum of the downloads")
    void takesAboutTheLongestDownloadNotTheSum(TestReporter reporter) throws Exception {
        // MANY downloads of 200 ms to 600 ms; hashing is next to nothing here.
        var paths = paths("/doc/", MANY);
        var waits = new ArrayList<Duration>();
        for (int i = 0; i < MANY; i++) {
            waits.add(Duration.ofMillis(200 + 400L * i / (MANY - 1)));
            server.delay(paths.get(i), waits.get(i));
        }
        var urls = urls(paths);

        var took = Latency.assertAboutTheLongest(waits, Duration.ofMillis(500), 3, server,
                () -> Pipeline.downloadAndHash(urls, PipelineTest::text));
        reporter.publishEntry(MANY + " downloads took", Latency.seconds(took) + " (longest 0.60 s, sum "
                + Latency.seconds(waits.stream().reduce(Duration.ZERO, Duration::plus)) + ")");
    }

    @Test
    @DisplayName("hashes on a pool of one platform thread per core: exactly that many hashes at once, never more")
    void hashesOnAPoolOfOnePlatformThreadPerCore() throws Exception {
        // MANY documents arrive at once. Each hash waits until as many hashes as cores are running (or 1 s has
        // passed), then works for 100 ms: a pool of one thread per core runs them exactly that many at a time.
        // Best of 3 runs for the "exactly", so that a pause of the machine cannot fail a correct pipeline.
        var urls = urls(paths("/doc/", MANY));
        int atOnce = 0;
        for (int run = 1; run <= 3 && atOnce != CORES; run++) {
            var hashes = new Timeline("hashes");
            var poolFull = new CyclicBarrier(CORES);
            Function<byte[], String> hash = recorded(hashes, body -> {
                try {
                    poolFull.await(1, TimeUnit.SECONDS); // trips once as many hashes as cores are running
                } catch (TimeoutException | BrokenBarrierException | InterruptedException gaveUp) {
                    // fewer were running at once: go on, so that the test can tell how many were
                }
                sleep(Duration.ofMillis(100));
                return text(body);
            });

            Pipeline.downloadAndHash(urls, hash);

            var threads = hashes.threads();
            var virtual = threads.stream().filter(Thread::isVirtual).toList();
            assertThat(virtual)
                    .withFailMessage("%d of the %d hashes ran on virtual threads. A virtual thread that computes "
                            + "keeps its carrier thread until it is done, so the downloads would wait for carriers, "
                            + "and nothing caps the computing at the cores. Hash on a fixed pool of platform threads, "
                            + "one per core: Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors()). "
                            + "Timeline:%s", hashesOn(hashes, virtual), MANY, hashes)
                    .isEmpty();
            assertThat(threads.size())
                    .withFailMessage("the %d hashes ran on %d different threads (%s), on a machine with %d cores. A "
                            + "pool sized to the cores has %d threads and reuses them for every hash: create one "
                            + "fixed pool per call (Executors.newFixedThreadPool(cores)), not a thread per hash or a "
                            + "pool per document. Timeline:%s", MANY, threads.size(), LiveThreads.describe(threads),
                            CORES, CORES, hashes)
                    .isLessThanOrEqualTo(CORES);
            atOnce = Math.max(atOnce, hashes.maxRunningAtOnce());
            if (run == 3 || atOnce == CORES) {
                assertThat(atOnce)
                        .withFailMessage("the most hashes running at once was %d (best of 3 runs), though %d documents "
                                + "were waiting and this machine has %d cores: the pool is smaller than the cores (is it "
                                + "the common ForkJoinPool, which has one thread less, or thenApplyAsync without an "
                                + "executor?), or the hashes wait for each other. Hash on "
                                + "Executors.newFixedThreadPool(cores) and hand every document to it as soon as it has "
                                + "arrived. Timeline:%s", atOnce, MANY, CORES, hashes)
                        .isEqualTo(CORES);
            }
        }
    }

    @Test
    @DisplayName("hashes each document as soon as it has arrived, while slower downloads are still going")
    void hashesEachDocumentAsSoonAsItArrives() throws Exception {
        // The first URL takes 1 s to download; the others arrive at once and take 20 ms each to hash.
        var fast = paths("/fast/", 2 * CORES);
        var paths = new ArrayList<String>();
        paths.add("/slow");
        paths.addAll(fast);
        server.delay("/slow", Duration.ofSeconds(1));
        var urls = urls(paths);

        // Best of 2 runs, so that a pause of the machine cannot fail a correct pipeline; a pipeline that holds a
        // hash back until the slow download is in can never pass.
        List<String> late = List.of();
        String lastRun = "";
        for (int run = 1; run <= 2 && (run == 1 || !late.isEmpty()); run++) {
            var hashes = new Timeline("hashes");
            server.resetCounts();
            Pipeline.downloadAndHash(urls, recorded(hashes, body -> {
                sleep(Duration.ofMillis(20));
                return text(body);
            }));
            long slowArrived = server.finished().stream().filter(r -> r.path().equals("/slow"))
                    .mapToLong(LocalServer.Request::endNanos).findFirst().orElseThrow();
            var hashed = hashes.events().stream()
                    .filter(e -> e.kind() == Timeline.Kind.START && e.nanos() < slowArrived)
                    .map(Timeline.Event::task).toList();
            late = fast.stream().filter(path -> !hashed.contains(hashLabel(path))).toList();
            lastRun = downloadsAndHashes(paths, hashes);
        }

        assertThat(late)
                .withFailMessage("%d of the %d fast documents (%s) were hashed only after the first URL, /slow, had "
                        + "taken its 1 s to download, though they had all arrived at once. Hand each document to the "
                        + "hashing pool as soon as its own download is done (e.g. supplyAsync(download, virtual "
                        + "threads).thenApplyAsync(hash, pool)), not after waiting for every download, nor for the "
                        + "downloads before it in the list. The downloads and the hashes in the last run:%s",
                        late.size(), fast.size(), String.join(", ", late), lastRun)
                .isEmpty();
    }

    @SpeedUpTest
    @DisplayName("hashes faster than one thread, as far as your cores allow")
    void hashesFasterThanOneThread(TestReporter reporter) throws Exception {
        // 4 documents per core, 16 KiB each, that download at once and take about 20 ms each to hash.
        var paths = paths("/doc/", 4 * CORES);
        for (var path : paths) {
            byte[] body = new byte[16 * 1024];
            new SplittableRandom(path.hashCode()).nextBytes(body);
            server.body(path, body);
        }
        var urls = urls(paths);
        int rounds = roundsFor(Duration.ofMillis(20));
        Function<byte[], String> hash = body -> Pipeline.digest(body, rounds);

        var expected = hashedOnOneThread(urls, hash);
        var hashes = Pipeline.downloadAndHash(urls, hash);
        assertThat(hashes)
                .withFailMessage("downloadAndHash returned%n  %s%nbut each document's digest, in the order of the URLs, is%n"
                        + "  %s", hashes, expected)
                .isEqualTo(expected);

        // Both download every document at once; the reference then hashes them one after another on one thread.
        SpeedUp.assertFaster(reporter, urls.size(), () -> hashedOnOneThread(urls, hash), () -> {
            try {
                Pipeline.downloadAndHash(urls, hash);
            } catch (InterruptedException | ExecutionException e) {
                throw new AssertionError("downloadAndHash threw " + e, e);
            }
        });
    }

    @Test
    @DisplayName("when a download fails, throws an ExecutionException caused by the download's IOException")
    void throwsWhenADownloadFails() {
        server.delay("/doc/1", Duration.ofMillis(100)).delay("/doc/3", Duration.ofMillis(150))
                .status("/broken", 500).delay("/broken", Duration.ofMillis(50));
        var urls = urls(List.of("/doc/1", "/broken", "/doc/3"));

        var thrown = catchThrowable(() -> Pipeline.downloadAndHash(urls, PipelineTest::text));

        assertThat(thrown)
                .withFailMessage("the server answered /broken with HTTP 500, so download() threw an IOException, "
                        + "but downloadAndHash %s: let the failure reach the caller as an ExecutionException "
                        + "(Future.get() and CompletableFuture.get() throw one)", outcome(thrown))
                .isInstanceOf(ExecutionException.class);
        assertThat(causes(thrown))
                .withFailMessage("the server answered /broken with HTTP 500, so download() threw an IOException "
                        + "saying so, but the causes of the ExecutionException are %s: pass on the download's own "
                        + "exception (in a CompletableFuture stage, wrap it in a CompletionException, which get() "
                        + "unwraps)", causes(thrown))
                .anyMatch(cause -> cause instanceof IOException && String.valueOf(cause.getMessage()).contains("500"));
    }

    @Test
    @DisplayName("when a hash fails, throws an ExecutionException caused by the hash's exception")
    void throwsWhenAHashFails() {
        var failure = new IllegalStateException("cannot hash /doc/2");
        var urls = urls(paths("/doc/", 3));

        var thrown = catchThrowable(() -> Pipeline.downloadAndHash(urls, body -> {
            if (text(body).endsWith("/doc/2")) throw failure;
            return text(body);
        }));

        assertThat(thrown)
                .withFailMessage("hashing /doc/2 threw %s, but downloadAndHash %s: let the failure reach the caller "
                        + "as an ExecutionException (Future.get() and CompletableFuture.get() throw one)",
                        failure, outcome(thrown))
                .isInstanceOf(ExecutionException.class);
        assertThat(causes(thrown))
                .withFailMessage("hashing /doc/2 threw %s, but the causes of the ExecutionException are %s: pass on "
                        + "the hash's own exception", failure, causes(thrown))
                .contains(failure);
    }

    @Test
    @DisplayName("leaves no thread running after it returns: it closes its HttpClient and both executors")
    void leavesNoThreadRunning() throws Exception {
        var urls = urls(paths("/doc/", 6));
        server.defaultDelay(Duration.ofMillis(50));
        var before = LiveThreads.snapshot();

        Pipeline.downloadAndHash(urls, recorded(timeline, PipelineTest::text));

        // The hashing threads are suspects, and so are an HttpClient's threads (HttpClient-1-SelectorManager, …),
        // which are daemon threads; any other new non-daemon thread (a pool never shut down) is one too.
        var suspects = new ArrayList<>(timeline.threads());
        LiveThreads.snapshot().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("HttpClient-"))
                .forEach(suspects::add);
        var leaked = LiveThreads.leakedSince(before, suspects, Duration.ofSeconds(1));
        assertThat(leaked)
                .withFailMessage("%d thread(s) that downloadAndHash started are still alive 1 s after it returned: "
                        + "%s. Open the HttpClient and both executors in try-with-resources, so that closing them "
                        + "waits for their work and ends their threads. Timeline of the hashes:%s",
                        leaked.size(), LiveThreads.describe(leaked), timeline)
                .isEmpty();
    }

    @Test
    @DisplayName("starts virtual threads for the downloads")
    void startsVirtualThreadsForTheDownloads() {
        pipelineStartsVirtualThreadsForTheDownloads.check(new ClassFileImporter().importPackagesOf(Pipeline.class));
    }

    @Test
    @DisplayName("creates a fixed thread pool for the hashing")
    void createsAFixedThreadPoolForTheHashing() {
        pipelineCreatesAFixedThreadPoolForTheHashing.check(new ClassFileImporter().importPackagesOf(Pipeline.class));
    }

    // ── Helpers ──────────────────────────────────────────────────────────────────────────────────────

    /// A condition on all the classes of a file together: at least one of them calls (or references) one of
    /// `methods`, each given as `fully.qualified.Owner.methodName`.
    private static ArchCondition<JavaClass> callBetweenThem(String what, String... methods) {
        var wanted = Set.of(methods);
        return new ArchCondition<>("call " + what) {
            private final List<JavaClass> checked = new ArrayList<>();
            private boolean called;

            @Override
            public void init(Collection<JavaClass> classes) {
                checked.clear();
                called = false;
            }

            @Override
            public void check(JavaClass c, ConditionEvents events) {
                checked.add(c);
                called |= c.getCodeUnitAccessesFromSelf().stream()
                        .anyMatch(a -> wanted.contains(a.getTargetOwner().getName() + "." + a.getName()));
            }

            @Override
            public void finish(ConditionEvents events) {
                if (!called) {
                    events.add(SimpleConditionEvent.violated(checked, "none of "
                            + checked.stream().map(JavaClass::getSimpleName).collect(Collectors.joining(", "))
                            + " calls " + what));
                }
            }
        };
    }

    private static HttpClient testClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /// The reference for the speed-up: the downloads all at once, as a pipeline does them, but the hashes one
    /// after another on this thread, so that only the hashing is compared.
    private static List<String> hashedOnOneThread(List<URI> urls, Function<byte[], String> hash) {
        try (var client = testClient(); var downloads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<byte[]>> bodies = new ArrayList<>();
            for (var url : urls) {
                bodies.add(downloads.submit(
                        () -> client.send(HttpRequest.newBuilder(url).build(), BodyHandlers.ofByteArray()).body()));
            }
            List<String> hashes = new ArrayList<>();
            for (var body : bodies) {
                hashes.add(hash.apply(body.get()));
            }
            return hashes;
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("the test's own download failed: " + e, e);
        }
    }

    /// How many rounds of Pipeline.digest over 16 KiB take about `time` on one core of this machine, once the JIT
    /// has compiled it.
    private static int roundsFor(Duration time) {
        byte[] body = new byte[16 * 1024];
        long warmUntil = System.nanoTime() + Duration.ofMillis(300).toNanos();
        while (System.nanoTime() < warmUntil) {
            Pipeline.digest(body, 50);
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            Pipeline.digest(body, 200);
            best = Math.min(best, System.nanoTime() - start);
        }
        return (int) Math.max(1, 200 * time.toNanos() / Math.max(1, best));
    }

    /// `hash`, with each call's start and end recorded in `timeline` as `hash /the/path` (bodies are `body of
    /// /the/path` unless a test sets them).
    private static Function<byte[], String> recorded(Timeline timeline, Function<byte[], String> hash) {
        return body -> {
            Callable<String> call = timeline.record(hashLabel(text(body).replaceFirst("^body of ", "")),
                    () -> hash.apply(body));
            try {
                return call.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static String hashLabel(String path) {
        return "hash " + path;
    }

    /// A picture of each document's download, as the server saw it, above its hash, as `hashes` saw it, in the
    /// order of `paths`.
    private String downloadsAndHashes(List<String> paths, Timeline hashes) {
        var downloads = server.rows();
        var hashRows = hashes.rows();
        var rows = new ArrayList<TimelinePicture.Row>();
        for (var path : paths) {
            downloads.stream().filter(download -> download.label().equals(path)).forEach(download -> rows.add(
                    new TimelinePicture.Row("download " + path, download.bars(), download.note())));
            hashRows.stream().filter(hash -> hash.label().equals(hashLabel(path))).forEach(rows::add);
        }
        return TimelinePicture.draw(rows);
    }

    /// How many of the hashes in `timeline` started on one of `threads`.
    private static long hashesOn(Timeline timeline, List<Thread> threads) {
        return timeline.events().stream()
                .filter(e -> e.kind() == Timeline.Kind.START && threads.contains(e.thread())).count();
    }

    private static List<Throwable> causes(Throwable thrown) {
        var causes = new ArrayList<Throwable>();
        for (var cause = thrown == null ? null : thrown.getCause(); cause != null && !causes.contains(cause);
                cause = cause.getCause()) {
            causes.add(cause);
        }
        return causes;
    }

    private static String outcome(Throwable thrown) {
        return thrown == null ? "returned normally" : "threw " + thrown;
    }

    private static List<String> paths(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(n -> prefix + n).toList();
    }

    private List<URI> urls(List<String> paths) {
        return paths.stream().map(server::uri).toList();
    }

    private static String text(byte[] body) {
        return new String(body, UTF_8);
    }

    private static void sleep(Duration time) {
        try {
            Thread.sleep(time);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
