package pipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import check.Declared;
import check.HeldVirtualThreads;
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
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
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
    /// More downloads than any cap a pipeline might hard-code (a pool of 16, 64 or 100 threads, a semaphore).
    private static final int HUNDREDS = 150;
    /// How long the failure tests hold a hash at most: longer than any bounded wait a pipeline might make.
    private static final Duration HELD = Duration.ofSeconds(4);

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
    @Tag("url-order:downloadAndHash")
    @Tag("same-hashes:downloadAndHash")
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
    @DisplayName("downloads every document at the same time, 150 of them, whatever the number of cores")
    @Tag("downloads-all-at-once:downloadAndHash")
    void downloadsEveryDocumentAtTheSameTime() throws Exception {
        var paths = paths("/doc/", HUNDREDS);
        server.defaultDelay(Duration.ofMillis(300));

        // A run that nearly had them all at once is retried, best of 3, so that a pause of the machine cannot
        // fail a correct pipeline; a pipeline that caps its downloads below HUNDREDS can never reach HUNDREDS at
        // once. A capped pipeline takes many times 300 ms: a run is given up (interrupted) after 10 s.
        var urls = urls(paths);
        int peak = 0;
        boolean gaveUp = false;
        for (int run = 1; run == 1 || (run <= 3 && peak < HUNDREDS && peak >= HUNDREDS / 2); run++) {
            server.resetCounts();
            gaveUp |= !Call.start(() -> Pipeline.downloadAndHash(urls, PipelineTest::text))
                    .returnedWithin(Duration.ofSeconds(10));
            peak = Math.max(peak, server.peakInFlight());
        }

        assertThat(peak)
                .withFailMessage("the server had at most %d of the %d downloads in flight at once (each download "
                        + "takes 300 ms, this machine has %d cores%s). Downloading is waiting, which "
                        + "needs no core: start every download on a virtual thread of its own "
                        + "(Executors.newVirtualThreadPerTaskExecutor()), with no cap: not on a pool sized to the "
                        + "cores nor on a pool or semaphore of any fixed size, and start every download before you "
                        + "wait for any. The server saw:%s", peak, HUNDREDS, CORES,
                        gaveUp ? "; a run had not returned after 10 s, and was interrupted" : "", server.describe())
                .isEqualTo(HUNDREDS);
    }

    @Test
    @DisplayName("takes about as long as the longest download, not the sum of the downloads")
    @Tag("about-the-longest-download:downloadAndHash")
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
    @Tag("hashes-on-fixed-pool:downloadAndHash")
    @Tag("hashes-as-many-as-cores:downloadAndHash")
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
    @Tag("hash-on-arrival:downloadAndHash")
    void hashesEachDocumentAsSoonAsItArrives() throws Exception {
        // The first URLs, one per core, take 1 s to download; the others arrive at once and take 20 ms each to
        // hash. As many slow documents as cores: a pool whose every thread waits for a download of its own (a hash
        // task that calls the download's get()) has no thread left to hash the documents that are in.
        var slow = paths("/slow/", CORES);
        var fast = paths("/fast/", 2 * CORES);
        var paths = new ArrayList<String>(slow);
        paths.addAll(fast);
        slow.forEach(path -> server.delay(path, Duration.ofSeconds(1)));
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
            long slowArrived = server.finished().stream().filter(r -> slow.contains(r.path()))
                    .mapToLong(LocalServer.Request::endNanos).min().orElseThrow();
            var hashed = hashes.events().stream()
                    .filter(e -> e.kind() == Timeline.Kind.START && e.nanos() < slowArrived)
                    .map(Timeline.Event::task).toList();
            late = fast.stream().filter(path -> !hashed.contains(hashLabel(path))).toList();
            lastRun = downloadsAndHashes(paths, hashes);
        }

        assertThat(late)
                .withFailMessage("%d of the %d fast documents (%s) were hashed only after the first %d URL(s), "
                        + "%s, had taken their 1 s to download, though the fast ones had all arrived at once. Hand "
                        + "each document to the hashing pool as soon as its own download is done (e.g. "
                        + "supplyAsync(download, virtual threads).thenApplyAsync(hash, pool)), not after waiting for "
                        + "every download, nor for the downloads before it in the list, and don't give the pool tasks "
                        + "that wait for a download (a pool thread blocked in get() hashes nothing). The downloads "
                        + "and the hashes in the last run:%s",
                        late.size(), fast.size(), String.join(", ", late), slow.size(), String.join(", ", slow),
                        lastRun)
                .isEmpty();
    }

    @SpeedUpTest
    @DisplayName("hashes faster than one thread, as far as your cores allow")
    @Tag("same-hashes:downloadAndHash")
    @Tag("hashes-on-fixed-pool:downloadAndHash")
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
    @Tag("failure-thrown:downloadAndHash")
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
    @Tag("failure-thrown:downloadAndHash")
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
    @Tag("nothing-left-running:downloadAndHash")
    void leavesNoThreadRunning() throws Exception {
        var urls = urls(paths("/doc/", 6));
        server.defaultDelay(Duration.ofMillis(50));
        var before = LiveThreads.snapshot();

        Pipeline.downloadAndHash(urls, recorded(timeline, PipelineTest::text));

        assertNoThreadLeft(before, timeline, "returned");
    }

    @Test
    @DisplayName("returns the hashes in the order of the URLs when that is neither sorted nor the finishing order")
    @Tag("url-order:downloadAndHash")
    @Tag("same-hashes:downloadAndHash")
    void returnsTheHashesInTheOrderOfUnsortedUrls() throws Exception {
        // 40 documents listed in a shuffled order, with /doc/1 and /doc/10 next to each other and one URL given
        // twice; they finish in another shuffled order, 0 to 300 ms. Neither the sorted URLs (a sorted map) nor
        // the finishing order nor a map keyed by URL (which keeps a URL once) gives the order of the list.
        var random = new Random(9);
        var paths = new ArrayList<>(paths("/doc/", 40));
        Collections.shuffle(paths, random);
        var byDelay = new ArrayList<>(paths);
        Collections.shuffle(byDelay, random);
        for (int i = 0; i < byDelay.size(); i++) {
            server.delay(byDelay.get(i), Duration.ofMillis(300L * i / (byDelay.size() - 1)));
        }
        paths.remove("/doc/10");
        paths.add(paths.indexOf("/doc/1"), "/doc/10");
        paths.add(30, paths.get(5));
        var urls = urls(paths);

        var hashes = callWithin(Duration.ofSeconds(20), "40 documents of at most 0.3 s each should take well under "
                + "a second.", () -> Pipeline.downloadAndHash(urls, body -> "hash of " + text(body))).returned();

        var expected = paths.stream().map(path -> "hash of body of " + path).toList();
        assertThat(hashes)
                .withFailMessage("downloadAndHash returned %s hashes, %s; expected %d, one per URL in the order of "
                        + "the list (%s given twice, at places %d and %d). The URLs were in no sorted order and the "
                        + "downloads finished in yet another order: keep each document's hash in its URL's place "
                        + "(e.g. a list of futures in URL order, each read with get()), not in a sorted map, not "
                        + "in a map keyed by URL, not in the order they finish.%nreturned: %s%nexpected: %s",
                        hashes == null ? "no" : hashes.size(), firstDifference(hashes, expected), expected.size(),
                        paths.get(5), 6, 31, hashes, expected)
                .isEqualTo(expected);
    }

    @Test
    @DisplayName("returns an empty list for no URLs, and leaves no thread running")
    @Tag("same-hashes:downloadAndHash")
    @Tag("nothing-left-running:downloadAndHash")
    void returnsAnEmptyListForNoUrls() throws Exception {
        var before = LiveThreads.snapshot();

        var outcome = callWithin(Duration.ofSeconds(10), "with no URLs there is nothing to wait for.",
                () -> Pipeline.downloadAndHash(List.of(), recorded(timeline, PipelineTest::text)));

        assertThat(outcome.thrown())
                .withFailMessage("downloadAndHash(List.of(), hash) threw %s: with no URLs it has nothing to download "
                        + "and should return an empty list, like downloadAndHashSequentially. (Is a pool sized to the "
                        + "number of URLs? newFixedThreadPool(0) throws: size the pool to the cores.)",
                        outcome.thrown())
                .isNull();
        assertThat(outcome.value())
                .withFailMessage("downloadAndHash(List.of(), hash) returned %s: with no URLs, expected an empty "
                        + "list", outcome.value())
                .isEmpty();
        assertNoThreadLeft(before, timeline, "returned");
    }

    @Test
    @DisplayName("downloads on virtual threads: no platform thread waits for a download's answer")
    @Tag("downloads-on-virtual-threads:downloadAndHash")
    void downloadsOnVirtualThreads() throws Exception {
        // MANY downloads of 500 ms. While the server is working on them, the test looks at the stack of every
        // platform thread (the JVM lists no virtual thread) for one that is waiting in HttpClient.send.
        server.defaultDelay(Duration.ofMillis(500));
        var urls = urls(paths("/doc/", MANY));
        var waiting = new LinkedHashMap<Thread, StackTraceElement[]>();
        boolean looked = false;
        for (int run = 1; run <= 3 && !looked; run++) { // a run in which the test never saw a download is no proof
            var call = Call.start(() -> Pipeline.downloadAndHash(urls, PipelineTest::text));
            while (call.running()) {
                if (server.inFlight() > 0) {
                    looked = true;
                    waiting.putAll(platformThreadsWaitingForAnAnswer());
                }
                Thread.sleep(5);
            }
            call.within(Duration.ofSeconds(20), MANY + " downloads of 0.5 s each, all at once, take well under "
                    + "a second.").returned();
        }

        assertThat(looked).withFailMessage("the test never saw a download in flight: the machine is too busy")
                .isTrue();
        assertThat(waiting.keySet())
                .withFailMessage("%d platform thread(s) waited for a download's answer: %s. A download is waiting, "
                        + "which a virtual thread does without holding an OS thread: run each download on a virtual "
                        + "thread (supplyAsync(download, Executors.newVirtualThreadPerTaskExecutor()); without an "
                        + "executor, supplyAsync runs on the common pool's platform threads). Where one waited:%n%s",
                        waiting.size(), LiveThreads.describe(waiting.keySet()),
                        waiting.isEmpty() ? "" : stack(waiting.values().iterator().next()))
                .isEmpty();
    }

    @Test
    @DisplayName("downloads every document with one HttpClient, not a client per download")
    @Tag("one-client:downloadAndHash")
    void downloadsWithOneHttpClient() throws Exception {
        // MANY downloads of 300 ms. While they are in flight, the test counts the HttpClients that are open by
        // their selector threads (HttpClient-N-SelectorManager, one per client).
        server.defaultDelay(Duration.ofMillis(300));
        var urls = urls(paths("/doc/", MANY));
        var before = LiveThreads.snapshot();
        var clients = new TreeSet<String>();

        var call = Call.start(() -> Pipeline.downloadAndHash(urls, PipelineTest::text));
        while (call.running()) {
            LiveThreads.snapshot().stream()
                    .filter(t -> !before.contains(t) && t.getName().matches("HttpClient-\\d+-SelectorManager"))
                    .forEach(t -> clients.add(t.getName()));
            Thread.sleep(5);
        }
        call.within(Duration.ofSeconds(20), MANY + " downloads of 0.3 s each, all at once, take well under a "
                + "second.").returned();

        assertThat(clients.size())
                .withFailMessage("downloadAndHash opened %d HttpClients for %d downloads (%s). A client is "
                        + "thread-safe and owns threads of its own: open one, newClient(), before the downloads, "
                        + "use it for every download, and close it at the end.", clients.size(), MANY,
                        String.join(", ", clients))
                .isLessThanOrEqualTo(1);
    }

    @Test
    @DisplayName("when a hash fails, throws only once the other hashes are over, and leaves no thread running")
    @Tag("nothing-left-running:downloadAndHash")
    @Tag("failure-thrown:downloadAndHash")
    void leavesNothingRunningWhenAHashFails() throws Exception {
        // /doc/1's hash fails once /doc/2's hash is running; /doc/2's hash is held (see thrownWhileHeld).
        var failure = new IllegalStateException("cannot hash /doc/1");
        var slowHashStarted = new CountDownLatch(1);
        var released = new CountDownLatch(1);
        var urls = urls(paths("/doc/", MANY));

        var thrown = thrownWhileHeld(released, urls, body -> switch (text(body)) {
            case "body of /doc/1" -> {
                await(slowHashStarted, Duration.ofSeconds(2));
                throw failure;
            }
            case "body of /doc/2" -> {
                slowHashStarted.countDown();
                await(released, HELD);
                yield text(body);
            }
            default -> text(body);
        });

        assertThat(causes(thrown))
                .withFailMessage("hashing /doc/1 threw %s, but downloadAndHash %s: throw an ExecutionException "
                        + "caused by it", failure, outcome(thrown))
                .contains(failure);
    }

    @Test
    @DisplayName("when a download fails, throws only once the hashes are over, and leaves no thread running")
    @Tag("nothing-left-running:downloadAndHash")
    @Tag("failure-thrown:downloadAndHash")
    void leavesNothingRunningWhenADownloadFails() throws Exception {
        // /broken answers HTTP 500 after 300 ms, while the hash of /doc/1, which arrived at once, is held (see
        // thrownWhileHeld).
        server.status("/broken", 500).delay("/broken", Duration.ofMillis(300));
        var released = new CountDownLatch(1);
        var urls = urls(List.of("/broken", "/doc/1", "/doc/2", "/doc/3"));

        var thrown = thrownWhileHeld(released, urls, body -> {
            if (text(body).equals("body of /doc/1")) await(released, HELD);
            return text(body);
        });

        assertThat(causes(thrown))
                .withFailMessage("the server answered /broken with HTTP 500, so download() threw an IOException "
                        + "saying so, but downloadAndHash %s: throw an ExecutionException caused by it",
                        outcome(thrown))
                .anyMatch(cause -> cause instanceof IOException && String.valueOf(cause.getMessage()).contains("500"));
    }

    @Test
    @DisplayName("when a hash fails, throws only once every download it started has ended, even on a machine too busy to run them")
    @Tag("nothing-left-running:downloadAndHash")
    void endsEveryDownloadBeforeItThrows() throws Exception {
        // /doc/1 arrives at once and its hash fails; the five other downloads are answered 0.5 s later.
        var urls = docOneAndFiveSlow(Duration.ofMillis(500));
        var failure = new IllegalStateException("cannot hash /doc/1");
        var hashing = new CountDownLatch(1);
        var fail = new CountDownLatch(1);
        var before = LiveThreads.virtualSnapshot();
        var call = Call.start(() -> Pipeline.downloadAndHash(urls, body -> {
            if (!text(body).equals("body of /doc/1")) return text(body);
            hashing.countDown();
            await(fail, Duration.ofSeconds(5));
            throw failure;
        }));
        await(hashing, Duration.ofSeconds(5));
        server.awaitStarted(urls.size(), call.caller());

        // Every download is at the server; from now on no virtual thread runs until the test lets go. A pipeline
        // that waits for its downloads waits until then; one that throws now leaves them to run after it, and
        // they are caught alive.
        List<String> outlived;
        try (var held = HeldVirtualThreads.hold()) {
            fail.countDown();
            outlived = held.aliveWhenEnded(call.caller(), before, Duration.ofSeconds(2));
        }
        call.within(Duration.ofSeconds(10), "the downloads take 0.5 s.");
        if (outlived.isEmpty()) outlived = LiveThreads.virtualSince(before);

        assertThat(outlived)
                .withFailMessage("the hash of /doc/1 failed while %d downloads waited for their answers, at a moment "
                        + "the machine was too busy to run them, and downloadAndHash ended while %d thread(s) it "
                        + "started were alive: %s. They went on after it had thrown. Open the downloads' executor in "
                        + "try-with-resources too: its close() waits for every download, on every way out.",
                        urls.size() - 1, outlived.size(), String.join(", ", outlived))
                .isEmpty();
    }

    @Test
    @DisplayName("when interrupted, keeps the interrupt (throws InterruptedException) and leaves no thread running")
    @Tag("interrupt-kept:downloadAndHash")
    @Tag("nothing-left-running:downloadAndHash")
    void keepsTheInterruptAndLeavesNoThreadRunning() throws Exception {
        var urls = docOneAndFiveSlow(Duration.ofMillis(400));
        var before = LiveThreads.snapshot();
        var stillInterrupted = new AtomicBoolean();
        var call = Call.start(() -> {
            var hashes = Pipeline.downloadAndHash(urls, recorded(timeline, PipelineTest::text));
            stillInterrupted.set(Thread.currentThread().isInterrupted()); // if it returned rather than threw
            return hashes;
        });
        // Interrupted once every download has reached the server: downloadAndHash now waits for the answers.
        server.awaitStarted(urls.size(), call.caller());
        call.caller().interrupt();
        var outcome = call.within(Duration.ofSeconds(10), "the downloads take 0.4 s.");

        assertThat(outcome.thrown() instanceof InterruptedException
                || outcome.thrown() == null && stillInterrupted.get())
                .withFailMessage("downloadAndHash, interrupted while it waited for %d downloads, %s; expected it to "
                        + "throw InterruptedException (or at least to return with the thread's interrupt status still "
                        + "set): an interrupt is a request to stop, not a failure of a download. Let the "
                        + "InterruptedException of get() reach the caller.", urls.size(), outcome.thrown() == null
                        ? "returned normally and cleared the thread's interrupt status" : "threw " + outcome.thrown())
                .isTrue();
        assertNoThreadLeft(before, timeline, outcome.thrown() == null ? "returned" : "threw");
    }

    @Test
    @DisplayName("when a hash throws an Error, throws an ExecutionException caused by it, and does not hang")
    @Tag("failure-thrown:downloadAndHash")
    void throwsWhenAHashThrowsAnError() throws Exception {
        var failure = new StackOverflowError("pretend: hashing /doc/2 overflowed its stack");
        var urls = urls(paths("/doc/", MANY));

        var thrown = callWithin(Duration.ofSeconds(5), "hashing /doc/2 threw " + failure + ", an Error, not an "
                + "Exception, and " + MANY + " small documents take well under a second. Does a catch (Exception e) "
                + "let the Error pass, so that a future is never completed? Catch Throwable if you complete futures "
                + "yourself, or let thenApplyAsync/submit pass on whatever the hash throws.",
                () -> Pipeline.downloadAndHash(urls, body -> {
                    if (text(body).equals("body of /doc/2")) throw failure;
                    return text(body);
                })).thrown();

        assertThat(thrown)
                .withFailMessage("hashing /doc/2 threw %s, but downloadAndHash %s: let every failure, an Error too, "
                        + "reach the caller as an ExecutionException", failure, outcome(thrown))
                .isInstanceOf(ExecutionException.class);
        assertThat(causes(thrown))
                .withFailMessage("hashing /doc/2 threw %s, but the causes of the ExecutionException are %s: pass on "
                        + "the hash's own Error", failure, causes(thrown))
                .contains(failure);
    }

    @Test
    @DisplayName("starts virtual threads for the downloads")
    @Tag("downloads-on-virtual-threads:downloadAndHash")
    void startsVirtualThreadsForTheDownloads() {
        pipelineStartsVirtualThreadsForTheDownloads.check(new ClassFileImporter().importPackagesOf(Pipeline.class));
    }

    @Test
    @DisplayName("creates a fixed thread pool for the hashing")
    @Tag("hashes-on-fixed-pool:downloadAndHash")
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

    /// Calls downloadAndHash(urls, hash), which must throw while one of the hashes is held until `released`:
    /// asserts that it threw an ExecutionException, that no hash was still running when it did, and that it left
    /// no thread behind. Returns what it threw.
    ///
    /// The held hash ends HELD after it started, longer than any bounded wait a pipeline might make (a join or
    /// awaitTermination of a second or two), or as soon as the caller is seen in an executor's close(), which waits
    /// as long as it takes: a pipeline that closes its executors with try-with-resources is not slowed down.
    private Throwable thrownWhileHeld(CountDownLatch released, List<URI> urls, Function<byte[], String> hash)
            throws Exception {
        var hashes = new Timeline("hashes");
        var before = LiveThreads.snapshot();
        var call = Call.start(() -> Pipeline.downloadAndHash(urls, recorded(hashes, hash)));
        Outcome<List<String>> outcome;
        try {
            while (call.running() && released.getCount() > 0) {
                if (call.callerIsClosingAnExecutor()) released.countDown();
                Thread.sleep(2);
            }
            outcome = call.within(Duration.ofSeconds(15), "the held hash ends " + Latency.seconds(HELD)
                    + " after it started, at the latest.");
        } finally {
            released.countDown();
        }
        var running = hashes.notEndedBy(call.endNanos());

        assertThat(outcome.thrown())
                .withFailMessage("one of the %d documents failed, but downloadAndHash %s: let the failure reach the "
                        + "caller as an ExecutionException (Future.get() and CompletableFuture.get() throw one)",
                        urls.size(), outcome(outcome.thrown()))
                .isInstanceOf(ExecutionException.class);
        assertThat(running)
                .withFailMessage("when downloadAndHash threw, %d hash(es) were still running (%s, which the test "
                        + "held for up to %s): it must not return, nor throw, before every download and hash is "
                        + "over, however long they take. Open both executors in try-with-resources, whose close() "
                        + "waits for their tasks on every way out, also when get() throws (shutdown() alone does not "
                        + "wait, nor does an awaitTermination with a short timeout). Timeline of the hashes:%s",
                        running.size(), String.join(", ", running), Latency.seconds(HELD), hashes)
                .isEmpty();
        assertNoThreadLeft(before, hashes, "threw");
        return outcome.thrown();
    }

    /// Asserts that the threads that ran the hashes, any HttpClient thread and any other non-daemon thread started
    /// since `before` have all ended within 1 s after downloadAndHash `returnedOrThrew`.
    private static void assertNoThreadLeft(Set<Thread> before, Timeline hashes, String returnedOrThrew)
            throws InterruptedException {
        // The hashing threads are suspects, and so are an HttpClient's threads (HttpClient-1-SelectorManager, …),
        // which are daemon threads; any other new non-daemon thread (a pool never shut down) is one too.
        var suspects = new ArrayList<>(hashes.threads());
        LiveThreads.snapshot().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("HttpClient-"))
                .forEach(suspects::add);
        var leaked = LiveThreads.leakedSince(before, suspects, Duration.ofSeconds(1));
        assertThat(leaked)
                .withFailMessage("%d thread(s) that downloadAndHash started are still alive 1 s after it %s: %s. "
                        + "Open the HttpClient and both executors in try-with-resources, so that closing them waits "
                        + "for their work and ends their threads, on every way out of the method, also when it "
                        + "throws. Timeline of the hashes:%s",
                        leaked.size(), returnedOrThrew, LiveThreads.describe(leaked), hashes)
                .isEmpty();
    }

    /// /doc/1, answered at once, and /slow/1 to /slow/5, answered after `delay`.
    private List<URI> docOneAndFiveSlow(Duration delay) {
        var slow = paths("/slow/", 5);
        slow.forEach(path -> server.delay(path, delay));
        return urls(Stream.concat(Stream.of("/doc/1"), slow.stream()).toList());
    }

    /// What a call returned, or what it threw (then `value` is null).
    private record Outcome<T>(T value, Throwable thrown) {

        /// The value, or what the call threw, thrown again.
        T returned() throws Exception {
            if (thrown instanceof Exception e) throw e;
            if (thrown instanceof Error e) throw e;
            return value;
        }
    }

    /// A call of downloadAndHash on a thread of its own, so that a test can watch it and give up on it.
    private static final class Call<T> {
        private final FutureTask<T> task;
        private final Thread caller;

        private volatile long endNanos;

        private Call(Callable<T> action) {
            task = new FutureTask<>(() -> {
                try {
                    return action.call();
                } finally {
                    endNanos = System.nanoTime();
                }
            });
            caller = Thread.ofPlatform().daemon().name("downloadAndHash caller").start(task);
        }

        static <T> Call<T> start(Callable<T> action) {
            return new Call<>(action);
        }

        boolean running() {
            return !task.isDone();
        }

        /// The thread the call runs on.
        Thread caller() {
            return caller;
        }

        /// When the call returned or threw (a System.nanoTime() value), once it has.
        long endNanos() {
            return endNanos;
        }

        /// Whether the caller is in the close() of an executor now (ExecutorService.close, which waits for every
        /// task however long it takes, or an executor's own close, e.g. ThreadPerTaskExecutor's).
        boolean callerIsClosingAnExecutor() {
            return Arrays.stream(caller.getStackTrace()).anyMatch(frame ->
                    frame.getClassName().startsWith("java.util.concurrent.") && frame.getMethodName().equals("close"));
        }

        /// Whether the call returned (or threw) within `limit`; if not, the caller is interrupted, and given 1 s more.
        boolean returnedWithin(Duration limit) throws InterruptedException {
            caller.join(limit);
            if (!caller.isAlive()) return true;
            caller.interrupt();
            caller.join(Duration.ofSeconds(1));
            return false;
        }

        /// What the call returned or threw; fails the test, saying `ifStuck` and where it was stuck, if the call
        /// has not returned within `limit` (then the caller is interrupted).
        Outcome<T> within(Duration limit, String ifStuck) throws InterruptedException {
            try {
                return new Outcome<>(task.get(limit.toNanos(), TimeUnit.NANOSECONDS), null);
            } catch (ExecutionException e) {
                return new Outcome<>(null, e.getCause());
            } catch (TimeoutException e) {
                var where = stack(caller.getStackTrace());
                caller.interrupt();
                caller.join(Duration.ofSeconds(5));
                throw new AssertionError("downloadAndHash had not returned " + Latency.seconds(limit) + " after it "
                        + "was called, and it was interrupted then: " + ifStuck + " Where it was stuck:\n" + where);
            }
        }
    }

    private static <T> Outcome<T> callWithin(Duration limit, String ifStuck, Callable<T> action)
            throws InterruptedException {
        return Call.start(action).within(limit, ifStuck);
    }

    /// The platform threads, other than this one, that are waiting in HttpClient.send or Pipeline.download now,
    /// with their stacks.
    private static Map<Thread, StackTraceElement[]> platformThreadsWaitingForAnAnswer() {
        var waiting = new LinkedHashMap<Thread, StackTraceElement[]>();
        Thread.getAllStackTraces().forEach((thread, frames) -> {
            if (thread != Thread.currentThread() && Arrays.stream(frames).anyMatch(frame ->
                    (frame.getClassName().startsWith("jdk.internal.net.http.HttpClient")
                            && frame.getMethodName().equals("send"))
                    || (frame.getClassName().equals(Pipeline.class.getName())
                            && frame.getMethodName().equals("download")))) {
                waiting.put(thread, frames);
            }
        });
        return waiting;
    }

    private static String stack(StackTraceElement[] frames) {
        return Arrays.stream(frames).limit(25).map(frame -> "    at " + frame).collect(Collectors.joining("\n"));
    }

    /// Where `actual` first differs from `expected`, in words.
    private static String firstDifference(List<String> actual, List<String> expected) {
        if (actual == null) return "null";
        for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
            if (!actual.get(i).equals(expected.get(i))) {
                return "the first wrong one at place %d: \"%s\" where \"%s\" belongs".formatted(i + 1, actual.get(i),
                        expected.get(i));
            }
        }
        return actual.size() == expected.size() ? "as expected" : "the first " + Math.min(actual.size(),
                expected.size()) + " in their places";
    }

    /// Waits for `latch`, for `limit` at most (then goes on: the test tells what happened from the timeline).
    private static void await(CountDownLatch latch, Duration limit) {
        try {
            latch.await(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
