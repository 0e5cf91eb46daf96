package httpfetch;

import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import check.Declared;
import check.HeldVirtualThreads;
import check.Latency;
import check.LiveThreads;
import check.LocalServer;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import httpfetch.HttpFetch.Response;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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

/// Every test runs its own web server on 127.0.0.1 (check.LocalServer): no request leaves the machine.
/// The server counts the requests it is working on, which is how the tests see how many are in flight.
@DisplayName("fetchAll")
class HttpFetchTest {

    static final ArchRule httpFetchUsesNeitherUrlConnectionNorSockets = noClasses()
            .that(Declared.inFile("HttpFetch.java"))
            .should().dependOnClassesThat(nameMatching(
                    "java\\.net\\.(URLConnection|HttpURLConnection|Socket)|java\\.nio\\.channels\\.SocketChannel"))
            .as("HttpFetch.java uses neither URLConnection nor sockets")
            .because("this exercise is about java.net.http.HttpClient: one client shared by every fetch, a timeout "
                    + "on each HttpRequest, and close() when done. Fetch with client.send (or sendAsync)");

    private static final Duration NO_HURRY = Duration.ofSeconds(5); // a timeout that no answer here comes near
    private static final int LARGE_CAP = 100; // more than any pool size a fetchAll might hard-code

    private LocalServer server;

    @BeforeAll
    static void loadTheHttpClasses() throws Exception {
        // One fetch before any test, so that no test's timing pays for loading the HTTP client and server classes.
        try (var warmUp = LocalServer.start();
             var client = newClient()) {
            client.send(HttpRequest.newBuilder(warmUp.uri("/warm-up")).build(), BodyHandlers.ofString());
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
    @DisplayName("returns one Response per URL, in the order of the URLs, not in the order the answers come")
    @Tag("input-order:fetchAll")
    @Tag("answer-reported:fetchAll")
    void returnsOneResponsePerUrlInInputOrder() {
        // /a answers last and /f first: 360 ms down to 60 ms, 60 ms apart; all 6 may be in flight at once.
        var paths = List.of("/a", "/b", "/c", "/d", "/e", "/f");
        for (int i = 0; i < paths.size(); i++) {
            server.delay(paths.get(i), Duration.ofMillis(360 - 60L * i));
        }
        var urls = urls(paths);

        var responses = fetchAll(urls, paths.size(), NO_HURRY);

        assertThat(responses.stream().map(Response::uri).toList())
                .withFailMessage("the URLs of the Responses, in order: %s; expected the order of the URLs %s. The "
                        + "answers came in the order /f, /e, … /a: keep each fetch's result in its URL's place "
                        + "(e.g. a list of futures in URL order), don't add them as they arrive.",
                        paths(responses), paths)
                .containsExactlyElementsOf(urls);
        assertThat(responses)
                .withFailMessage("every URL answers 200, but the Responses were:%s", describe(responses))
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.error()).isNull();
                });
        assertThat(responses.stream().map(Response::body).toList())
                .withFailMessage("the bodies, in order, were %s; expected %s",
                        responses.stream().map(Response::body).toList(), bodies(paths))
                .containsExactlyElementsOf(bodies(paths));
    }

    @Test
    @DisplayName("never has more than maxConcurrency requests in flight")
    @Tag("concurrency-cap:fetchAll")
    void neverHasMoreThanMaxConcurrencyRequestsInFlight() {
        int n = 12, k = 4;
        server.defaultDelay(Duration.ofMillis(200));

        var responses = fetchAll(pages(n), k, NO_HURRY);

        int peak = server.peakInFlight();
        assertThat(peak)
                .withFailMessage("the server had %d requests in flight at once, with maxConcurrency = %d (%d URLs, "
                        + "each answered after 200 ms). Cap them: e.g. a Semaphore(maxConcurrency) whose permit each "
                        + "fetch takes before it sends and gives back (in finally) once its answer is in. Note that "
                        + "HttpClient's executor does not cap anything: it runs the client's own work, not your "
                        + "requests. The server saw:%s", peak, k, n, server.describe())
                .isLessThanOrEqualTo(k);
        assertThat(responses).as("the Responses, which all should be 200 OK").allMatch(Response::ok);
    }

    @Test
    @DisplayName("has maxConcurrency requests in flight at once while URLs are waiting, not fewer")
    @Tag("fetches-overlap:fetchAll")
    void reachesMaxConcurrencyRequestsInFlight(TestReporter reporter) {
        int n = 12, k = 4;
        server.defaultDelay(Duration.ofMillis(200));

        // Best of up to 3 runs: a correct fetchAll reaches the cap at once, but a busy machine may start a
        // request a little late. A fetchAll that never has more than k - 1 in flight cannot reach it in any run;
        // one that had a single request in flight at a time overlapped nothing, which no pause explains: no retry.
        int peak = 0, runs = 0;
        while (runs < 3 && peak < k && (runs == 0 || peak > 1)) {
            runs++;
            server.resetCounts();
            fetchAll(pages(n), k, NO_HURRY);
            peak = Math.max(peak, server.peakInFlight());
        }

        reporter.publishEntry("most requests in flight at once", peak + " (maxConcurrency " + k + ")");
        assertThat(peak)
                .withFailMessage("with maxConcurrency = %d and %d URLs, each answered after 200 ms, at most %d "
                        + "request(s) were in flight at once (%s). Start every fetch before you wait for "
                        + "any (a virtual thread per URL); only the cap may hold them back. The server saw:%s",
                        k, n, peak, bestOf(runs), server.describe())
                .isGreaterThanOrEqualTo(k);
    }

    @Test
    @DisplayName("takes about ⌈N / maxConcurrency⌉ server delays: 12 URLs of 200 ms, 4 at a time, take about 0.6 s")
    @Tag("fetches-overlap:fetchAll")
    @Tag("concurrency-cap:fetchAll")
    void takesAboutNOverMaxConcurrencyDelays(TestReporter reporter) throws Exception {
        int n = 12, k = 4;
        Duration delay = Duration.ofMillis(200);
        server.defaultDelay(delay);
        Duration lowest = delay.multipliedBy((n + k - 1) / k); // 3 rounds of 4: no capped fetchAll can be faster
        Duration oneAfterAnother = delay.multipliedBy(n);
        Duration bound = oneAfterAnother.dividedBy(2);
        Duration aboutOneAfterAnother = oneAfterAnother.multipliedBy(9).dividedBy(10);

        // Best of up to 3 runs, so that a pause of the machine cannot fail a correct fetchAll. A run faster
        // than the lowest time is not noise: it broke the cap; nor is one that took about as long as one
        // request after another, which is not retried.
        Duration took = null;
        String requests = "";
        int runs = 0;
        while (runs < 3 && (took == null
                || took.compareTo(bound) >= 0 && took.compareTo(aboutOneAfterAnother) < 0)) {
            runs++;
            long from = System.nanoTime();
            fetchAll(pages(n), k, NO_HURRY);
            long to = System.nanoTime();
            var time = Duration.ofNanos(to - from);
            if (took == null || time.compareTo(took) < 0 || time.compareTo(lowest) < 0) {
                took = time;
                requests = server.picture(from, to);
            }
            if (time.compareTo(lowest) < 0) break;
        }

        reporter.publishEntry("fetchAll took", Latency.seconds(took) + " (" + n + " URLs of "
                + Latency.seconds(delay) + ", " + k + " at a time: at least " + Latency.seconds(lowest)
                + "; one after another " + Latency.seconds(oneAfterAnother) + ")");
        assertThat(took)
                .withFailMessage("%d URLs, each answered after %s, took only %s with maxConcurrency = %d: at most %d at "
                        + "a time need at least %d rounds, %s. More than %d requests were in flight: cap them. The "
                        + "server saw:%s", n, Latency.seconds(delay), Latency.seconds(took), k, k, n / k,
                        Latency.seconds(lowest), k, requests)
                .isGreaterThanOrEqualTo(lowest);
        assertThat(took)
                .withFailMessage("%d URLs, each answered after %s, %d at a time, took %s (%s): expected "
                        + "about %s, and under %s (one after another takes %s). Do the fetches overlap? Start them "
                        + "all before you wait for any, each on its own virtual thread, and let only the cap hold "
                        + "them back. The server saw, in that run:%s", n, Latency.seconds(delay), k,
                        Latency.seconds(took), bestOf(runs), Latency.seconds(lowest), Latency.seconds(bound),
                        Latency.seconds(oneAfterAnother), requests)
                .isLessThan(bound);
    }

    @Test
    @DisplayName("gives up on a URL that answers too late, and fetches the others on time")
    @Tag("gives-up-after-timeout:fetchAll")
    @Tag("timeout-per-request:fetchAll")
    @Tag("failure-in-its-response:fetchAll")
    @Tag("failure-spoils-no-other:fetchAll")
    void givesUpOnASlowUrlWithoutHoldingUpTheOthers(TestReporter reporter) throws Exception {
        // 8 pages of 150 ms and /slow, which answers after 5 s, 4 at a time with a timeout of 300 ms: /slow
        // holds one slot for 300 ms while the pages go through the other three, so all is done in about 0.45 s.
        Duration slow = Duration.ofSeconds(5), timeout = Duration.ofMillis(300);
        server.defaultDelay(Duration.ofMillis(150)).delay("/slow", slow);
        var paths = new ArrayList<>(pagePaths(8));
        paths.add(1, "/slow");
        var urls = urls(paths);
        Duration bound = slow.dividedBy(2);

        var responses = new ArrayList<Response>();
        var took = Latency.time(() -> responses.addAll(fetchAll(urls, 4, timeout)));

        reporter.publishEntry("fetchAll took", Latency.seconds(took) + " (/slow answers after "
                + Latency.seconds(slow) + ", timeout " + Latency.seconds(timeout) + ")");
        assertThat(took)
                .withFailMessage("fetchAll took %s: it waited for /slow, which answers after %s, though the timeout "
                        + "is %s. Give each request its own timeout, HttpRequest.newBuilder(url).timeout(timeout): "
                        + "the client's connectTimeout only bounds opening the connection, not waiting for the answer.",
                        Latency.seconds(took), Latency.seconds(slow), Latency.seconds(timeout))
                .isLessThan(bound);
        var slowResponse = responseFor(responses, urls.get(1));
        assertThat(slowResponse.status() == 0 && slowResponse.error() != null)
                .withFailMessage("/slow answers only after %s, yet with a timeout of %s its Response is %s; expected "
                        + "status 0 (no answer) and an error such as \"timed out\" (Response.failed does that)",
                        Latency.seconds(slow), Latency.seconds(timeout), slowResponse)
                .isTrue();
        var others = urls.stream().filter(url -> !url.getPath().equals("/slow"))
                .map(url -> responseFor(responses, url)).toList();
        assertThat(others)
                .withFailMessage("each page answers after 150 ms, well within the timeout of %s, yet not all came "
                        + "back 200 OK:%s%nThe timeout is for each request on its own, counted from when it is sent: "
                        + "not for the whole batch, nor from when fetchAll started.",
                        Latency.seconds(timeout), describe(responses))
                .allMatch(r -> r.ok() && r.status() == 200);
        assertThat(others.stream().map(Response::body).toList())
                .as("the bodies of the pages")
                .containsExactlyElementsOf(bodies(pagePaths(8)));
    }

    @Test
    @DisplayName("reports a 500 for that URL only, and fetches the others")
    @Tag("error-status-is-an-answer:fetchAll")
    @Tag("failure-in-its-response:fetchAll")
    @Tag("failure-spoils-no-other:fetchAll")
    void reportsAServerErrorForThatUrlOnly() {
        server.defaultDelay(Duration.ofMillis(50)).status("/broken", 500);
        var paths = List.of("/a", "/broken", "/c", "/d");

        var urls = urls(paths);

        var responses = fetchAll(urls, 2, NO_HURRY);

        var broken = responseFor(responses, urls.get(1));
        assertThat(broken.status() == 500 && broken.error() != null)
                .withFailMessage("/broken answers 500, a server error, but its Response is %s; expected status 500 "
                        + "and an error (such as \"HTTP 500\"). HttpClient throws nothing for an error status: it "
                        + "is an answer like any other, so look at its status code (Response.answered does that).",
                        broken)
                .isTrue();
        assertThat(Stream.of(urls.get(0), urls.get(2), urls.get(3)).map(url -> responseFor(responses, url)).toList())
                .withFailMessage("only /broken fails, but the Responses were:%s", describe(responses))
                .allMatch(r -> r.ok() && r.status() == 200);
    }

    @Test
    @DisplayName("reports a URL whose server refuses the connection for that URL only, and fetches the others")
    @Tag("failure-in-its-response:fetchAll")
    @Tag("failure-spoils-no-other:fetchAll")
    void reportsARefusedConnectionForThatUrlOnly() throws IOException {
        server.defaultDelay(Duration.ofMillis(50));
        URI refused = URI.create("http://127.0.0.1:" + closedPort() + "/nobody-listens");
        var urls = new ArrayList<>(urls(List.of("/a", "/c", "/d")));
        urls.add(1, refused);

        var responses = fetchAll(urls, 2, NO_HURRY);

        var failed = responseFor(responses, refused);
        assertThat(failed.status() == 0 && failed.error() != null)
                .withFailMessage("nothing listens at %s, so the connection is refused, but its Response is %s; "
                        + "expected status 0 (no answer) and an error (Response.failed does that)", refused, failed)
                .isTrue();
        assertThat(Stream.of(urls.get(0), urls.get(2), urls.get(3)).map(url -> responseFor(responses, url)).toList())
                .withFailMessage("only the second URL fails, but the Responses were:%s", describe(responses))
                .allMatch(r -> r.ok() && r.status() == 200);
    }

    @Test
    @DisplayName("leaves no thread running after it returns: it closes its HttpClient")
    @Tag("nothing-left-running:fetchAll")
    void leavesNoThreadRunning() throws Exception {
        server.defaultDelay(Duration.ofMillis(50));
        var before = LiveThreads.snapshot();

        fetchAll(pages(6), 3, NO_HURRY);

        // An HttpClient's threads (HttpClient-1-SelectorManager, HttpClient-1-Worker-0, …) are daemon threads, so
        // they are suspects by name; any other new non-daemon thread (a pool never shut down) is one too.
        var leaked = LiveThreads.leakedSince(before, newClientThreads(before), Duration.ofSeconds(1));
        assertThat(leaked)
                .withFailMessage("%d thread(s) that fetchAll started are still alive 1 s after it returned: %s. "
                        + "Close the HttpClient when the fetches are done (it is AutoCloseable since Java 21: "
                        + "try (var client = newClient()) { … }), and any executor you create.",
                        leaked.size(), LiveThreads.describe(leaked))
                .isEmpty();
    }

    @Test
    @DisplayName("when interrupted, keeps the interrupt (throws InterruptedException) and leaves no thread running")
    @Tag("nothing-left-running:fetchAll")
    @Tag("interrupt-kept:fetchAll")
    void leavesNoThreadRunningWhenInterrupted() throws Exception {
        int n = 6, k = 6;
        server.defaultDelay(Duration.ofMillis(300));
        var before = LiveThreads.snapshot();

        var stillInterrupted = new AtomicBoolean();
        var call = new FutureTask<>(() -> {
            var responses = HttpFetch.fetchAll(pages(n), k, NO_HURRY);
            stillInterrupted.set(Thread.currentThread().isInterrupted()); // if fetchAll returned rather than threw
            return responses;
        });
        var caller = Thread.ofPlatform().name("fetchAll-caller").start(call);
        // Interrupted once every request has reached the server: fetchAll has started them all and now waits for
        // their answers, which is where the interrupt must reach it.
        server.awaitStarted(n, caller);
        caller.interrupt();
        Throwable outcome = null; // null: fetchAll returned
        try {
            call.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            outcome = e.getCause();
        } catch (TimeoutException e) {
            for (int i = 0; i < 30 && caller.isAlive(); i++) {
                caller.interrupt();
                caller.join(Duration.ofMillis(100));
            }
            throw new AssertionError("fetchAll, interrupted while it fetched " + n + " URLs of 0.3 s, had not "
                    + "returned 10 s later. Where it waited:" + stackOf(caller));
        }
        if (outcome instanceof UnsupportedOperationException todo) throw todo;

        var leaked = LiveThreads.leakedSince(before, newClientThreads(before), Duration.ofSeconds(1));
        assertThat(outcome instanceof InterruptedException || outcome == null && stillInterrupted.get())
                .withFailMessage("fetchAll, interrupted while it fetched, %s; expected it to throw "
                        + "InterruptedException (or at least to return with the interrupt status still set): an "
                        + "interrupt is a request to stop, not a URL's failure. Don't catch the InterruptedException "
                        + "of future.get() (or, where you must catch it, call Thread.currentThread().interrupt())",
                        outcome == null ? "returned normally and cleared the thread's interrupt status"
                                : "threw " + outcome)
                .isTrue();
        assertThat(leaked)
                .withFailMessage("fetchAll threw %s when interrupted, and %d thread(s) it started were still alive 1 s "
                        + "later: %s. Close the HttpClient and the executor however fetchAll ends, by return or by "
                        + "exception: open them in try-with-resources.", outcome, leaked.size(),
                        LiveThreads.describe(leaked))
                .isEmpty();
    }

    @Test
    @DisplayName("when interrupted, throws only once every fetch it started has ended, even on a machine too busy to run them")
    @Tag("nothing-left-running:fetchAll")
    void endsEveryFetchBeforeItThrowsWhenInterrupted() throws Exception {
        int n = 6;
        server.defaultDelay(Duration.ofMillis(300));
        var before = LiveThreads.virtualSnapshot();
        var call = new FutureTask<>(() -> HttpFetch.fetchAll(pages(n), n, NO_HURRY));
        var caller = Thread.ofPlatform().name("fetchAll-caller").start(call);
        server.awaitStarted(n, caller);

        // Every request is at the server, which answers in 0.3 s; from now on no virtual thread runs until the
        // test lets go. A fetchAll that waits for its fetches waits until then; one that throws now leaves them
        // to run after it, and they are caught alive.
        List<String> outlived;
        try (var held = HeldVirtualThreads.hold()) {
            caller.interrupt();
            outlived = held.aliveWhenEnded(caller, before, Duration.ofSeconds(2));
        }
        try {
            call.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedOperationException todo) throw todo;
        } catch (TimeoutException e) {
            caller.interrupt();
            throw new AssertionError("fetchAll, interrupted while it fetched " + n + " URLs of 0.3 s, had not "
                    + "returned 10 s later. Where it waited:" + stackOf(caller));
        }
        if (outlived.isEmpty()) outlived = LiveThreads.virtualSince(before);

        assertThat(outlived)
                .withFailMessage("fetchAll was interrupted while %d fetches waited for their answers, at a moment the "
                        + "machine was too busy to run them, and it ended while %d thread(s) it started were alive: "
                        + "%s. They went on after fetchAll had thrown. Close the executor whatever way fetchAll "
                        + "ends (try-with-resources): its close() waits for every task.", n, outlived.size(),
                        String.join(", ", outlived))
                .isEmpty();
    }

    @Test
    @DisplayName("fetches with java.net.http.HttpClient, not with URLConnection or sockets")
    @Tag("uses-http-client:HttpFetch")
    void fetchesWithJavaNetHttpClient() {
        httpFetchUsesNeitherUrlConnectionNorSockets.check(new ClassFileImporter().importPackagesOf(HttpFetch.class));
    }

    @Test
    @DisplayName("returns an empty list for no URLs, and leaves no thread running")
    @Tag("input-order:fetchAll")
    @Tag("nothing-left-running:fetchAll")
    void returnsAnEmptyListForNoUrls() throws Exception {
        var before = LiveThreads.snapshot();

        var responses = fetchAll(List.of(), 4, NO_HURRY);

        assertThat(responses).withFailMessage("fetchAll(no URLs) returned %s: expected an empty list", responses)
                .isEmpty();
        var leaked = LiveThreads.leakedSince(before, newClientThreads(before), Duration.ofSeconds(1));
        assertThat(leaked)
                .withFailMessage("fetchAll(no URLs) left %d thread(s) running 1 s after it returned: %s. Close the "
                        + "HttpClient and any executor even when there is nothing to fetch (try-with-resources).",
                        leaked.size(), LiveThreads.describe(leaked))
                .isEmpty();
    }

    @Test
    @DisplayName("with a cap of 100 and 130 URLs, has exactly 100 requests in flight at once: no fewer, no more")
    @Tag("fetches-overlap:fetchAll")
    @Tag("concurrency-cap:fetchAll")
    void reachesALargeCapWithManyUrls(TestReporter reporter) {
        int k = LARGE_CAP, n = LARGE_CAP + LARGE_CAP * 3 / 10;
        server.defaultDelay(Duration.ofMillis(500));

        // Best of 2 runs: 100 requests take a while to open on a busy machine; a cap too low is so in every run.
        int peak = 0, runs = 0;
        List<Response> responses = List.of();
        while (runs < 2 && peak < k) {
            runs++;
            server.resetCounts();
            responses = fetchAll(pages(n), k, NO_HURRY);
            peak = Math.max(peak, server.peakInFlight());
            if (peak > k) break;
        }

        reporter.publishEntry("most requests in flight at once", peak + " (maxConcurrency " + k + ")");
        assertThat(peak)
                .withFailMessage("with maxConcurrency = %d and %d URLs, each answered after 0.5 s, the server had %d "
                        + "requests in flight at once: more than the cap. Let each fetch take a permit of a "
                        + "Semaphore(maxConcurrency) before it sends, and give it back in finally.", k, n, peak)
                .isLessThanOrEqualTo(k);
        assertThat(peak)
                .withFailMessage("with maxConcurrency = %d and %d URLs, each answered after 0.5 s, at most %d "
                        + "requests were in flight at once (best of %d runs): something other than maxConcurrency "
                        + "caps them. A pool of a fixed size (16, 50, the number of cores…) runs only that many "
                        + "fetches at once: give each URL its own virtual thread and let only the Semaphore hold "
                        + "them back.", k, n, peak, runs)
                .isEqualTo(k);
        assertThat(responses).as("the Responses, which all should be 200 OK").allMatch(Response::ok);
    }

    @Test
    @DisplayName("never has more than maxConcurrency requests in flight, even when the fetches start late")
    @Tag("concurrency-cap:fetchAll")
    void keepsTheCapWhenTheFetchesStartLate() throws Exception {
        int n = 24, k = 4;
        server.defaultDelay(Duration.ofMillis(100));

        // The virtual threads fetchAll starts run only once fetchAll waits: a cap that is checked in one place
        // (the loop that starts the fetches) and counted in another (each fetch, once it runs) lets every fetch
        // through, as a busy machine would now and then.
        List<Response> responses;
        try (var held = HeldVirtualThreads.hold()) {
            var call = new FutureTask<>(() -> HttpFetch.fetchAll(pages(n), k, NO_HURRY));
            var caller = Thread.ofPlatform().name("fetchAll-caller").start(call);
            held.releaseWhenWaiting(caller, Duration.ofSeconds(1));
            responses = resultWithin(call, caller, Duration.ofSeconds(10), n, "for " + n + " URLs of 0.1 s, "
                    + k + " at a time (about 0.6 s)");
        }

        int peak = server.peakInFlight();
        assertThat(peak)
                .withFailMessage("the server had %d requests in flight at once, with maxConcurrency = %d: the fetches "
                        + "were started while the machine was too busy to run them at once, and when they ran, more "
                        + "than %d went through. Checking a count before starting a fetch and counting it once it "
                        + "runs is a race (check-then-act): take a permit of a Semaphore(maxConcurrency) in the fetch "
                        + "itself, before it sends. The server saw:%s", peak, k, k, server.describe())
                .isLessThanOrEqualTo(k);
        assertThat(responses).as("the Responses, which all should be 200 OK").allMatch(Response::ok);
    }

    @Test
    @DisplayName("loses no slot to failed URLs: after more failures than maxConcurrency, still fetches that many at once")
    @Tag("failure-spoils-no-other:fetchAll")
    @Tag("failure-in-its-response:fetchAll")
    @Tag("error-status-is-an-answer:fetchAll")
    void losesNoSlotToFailedUrls() throws Exception {
        int k = 4, each = 3 * k; // 12 refused connections and 12 errors 500: three times the cap each
        server.defaultDelay(Duration.ofMillis(100));
        int closedPort = closedPort();
        var urls = new ArrayList<URI>();
        for (int i = 1; i <= each; i++) {
            urls.add(URI.create("http://127.0.0.1:" + closedPort + "/refused/" + i));
            String broken = "/broken/" + i;
            server.status(broken, 500).delay(broken, Duration.ZERO);
            urls.add(server.uri(broken));
            urls.add(server.uri("/page/" + i));
        }

        var call = new FutureTask<>(() -> HttpFetch.fetchAll(urls, k, NO_HURRY));
        var caller = Thread.ofPlatform().name("fetchAll-caller").start(call);
        var responses = resultWithin(call, caller, Duration.ofSeconds(5), urls.size(), "for " + urls.size() + " URLs, "
                + (2 * each) + " of which fail at once and " + each + " answer after 0.1 s, " + k + " at a time "
                + "(about 0.3 s). A fetch that fails must give its permit back (in finally, or in whenComplete), "
                + "or after " + k + " failures no fetch can start");

        for (var url : urls) {
            var r = responseFor(responses, url);
            String path = url.getPath();
            boolean right = path.startsWith("/refused/") ? r.status() == 0 && r.error() != null
                    : path.startsWith("/broken/") ? r.status() == 500 && r.error() != null
                    : r.ok() && r.status() == 200;
            assertThat(right)
                    .withFailMessage("the refused connections must have status 0 and an error, the 500s status 500 "
                            + "and an error, the pages 200 OK; but %s got %s. All the Responses:%s",
                            url, r, describe(responses))
                    .isTrue();
        }
        var pages = server.finished().stream().filter(r -> r.path().startsWith("/page/")).toList();
        int peak = peakOverlap(pages);
        assertThat(peak)
                .withFailMessage("after the failures, at most %d page(s) were in flight at once, with "
                        + "maxConcurrency = %d and %d pages left to fetch: a fetch that failed kept its permit. Give "
                        + "the permit back however the fetch ends (in finally). The server saw:%s",
                        peak, k, each, server.describe())
                .isEqualTo(k);
    }

    @Test
    @DisplayName("fetchOne returns the server's answer whatever its status: 200 with its body, 500 with an error")
    @Tag("answer-reported:fetchOne")
    @Tag("error-status-is-an-answer:fetchOne")
    @Tag("failure-in-its-response:fetchOne")
    void fetchOneReturnsTheAnswerWhateverItsStatus() throws Exception {
        server.status("/broken", 500).body("/broken", "it broke");
        URI page = server.uri("/page"), broken = server.uri("/broken");

        try (var client = newClient()) {
            var answered = fetchOne(client, page, NO_HURRY);
            var failed = fetchOne(client, broken, NO_HURRY);

            assertThat(answered)
                    .withFailMessage("fetchOne(%s) returned %s; expected status 200, the body \"body of /page\", "
                            + "no error, and the URL (Response.answered does that)", page, answered)
                    .isEqualTo(new Response(page, 200, "body of /page", null));
            assertThat(failed.uri().equals(broken) && failed.status() == 500 && "it broke".equals(failed.body())
                    && failed.error() != null)
                    .withFailMessage("fetchOne(%s), which answers 500 with the body \"it broke\", returned %s; "
                            + "expected status 500, that body and an error such as \"HTTP 500\". HttpClient throws "
                            + "nothing for an error status: look at the status code (Response.answered does that).",
                            broken, failed)
                    .isTrue();
        }
    }

    @Test
    @DisplayName("fetchOne gives up after its timeout on a URL that answers too late, and says so in the Response")
    @Tag("gives-up-after-timeout:fetchOne")
    @Tag("failure-in-its-response:fetchOne")
    void fetchOneGivesUpAfterItsTimeout(TestReporter reporter) throws Exception {
        Duration slow = Duration.ofSeconds(5), timeout = Duration.ofMillis(300);
        server.delay("/slow", slow);
        URI url = server.uri("/slow");

        try (var client = newClient()) {
            var response = new Response[1];
            var took = Latency.time(() -> response[0] = fetchOne(client, url, timeout));

            reporter.publishEntry("fetchOne took", Latency.seconds(took) + " (/slow answers after "
                    + Latency.seconds(slow) + ", timeout " + Latency.seconds(timeout) + ")");
            assertThat(took)
                    .withFailMessage("fetchOne(/slow, timeout %s) took %s: it waited for the answer, which comes "
                            + "after %s. Give the request its timeout: HttpRequest.newBuilder(url).timeout(timeout).",
                            Latency.seconds(timeout), Latency.seconds(took), Latency.seconds(slow))
                    .isLessThan(slow.dividedBy(2));
            assertThat(response[0].uri().equals(url) && response[0].status() == 0 && response[0].error() != null)
                    .withFailMessage("/slow answers only after %s, yet with a timeout of %s fetchOne returned %s; "
                            + "expected status 0 (no answer) and an error such as \"timed out\" (Response.failed "
                            + "does that)", Latency.seconds(slow), Latency.seconds(timeout), response[0])
                    .isTrue();
        }
    }

    @Test
    @DisplayName("fetchOne reports a refused connection in the Response, and throws nothing")
    @Tag("failure-in-its-response:fetchOne")
    void fetchOneReportsARefusedConnection() throws Exception {
        URI refused = URI.create("http://127.0.0.1:" + closedPort() + "/nobody-listens");

        try (var client = newClient()) {
            var response = fetchOne(client, refused, NO_HURRY);

            assertThat(response.uri().equals(refused) && response.status() == 0 && response.error() != null)
                    .withFailMessage("nothing listens at %s, so the connection is refused, but fetchOne returned "
                            + "%s; expected status 0 (no answer) and an error (Response.failed does that)",
                            refused, response)
                    .isTrue();
        }
    }

    // ── helpers ───────────────────────────────────────────────────────────────────────

    /// The student's fetchAll, which must return one Response per URL and throw nothing for a failed URL.
    private static List<Response> fetchAll(List<URI> urls, int maxConcurrency, Duration timeout) {
        List<Response> responses;
        try {
            responses = HttpFetch.fetchAll(urls, maxConcurrency, timeout);
        } catch (UnsupportedOperationException e) {
            throw e;
        } catch (Exception e) {
            throw threw(e, urls.size());
        }
        assertThat(responses)
                .withFailMessage("fetchAll returned %s for %d URLs: expected one Response per URL", responses, urls.size())
                .isNotNull()
                .hasSize(urls.size());
        return responses;
    }

    /// The student's fetchOne, package-private in a class of another class loader: called through reflection.
    private static final Method FETCH_ONE;

    static {
        try {
            FETCH_ONE = HttpFetch.class.getDeclaredMethod("fetchOne", HttpClient.class, URI.class, Duration.class);
            FETCH_ONE.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new AssertionError("HttpFetch has no method fetchOne(HttpClient, URI, Duration): keep its signature",
                    e);
        }
    }

    /// The student's fetchOne, which must return the URL's Response and throw nothing for a URL that fails.
    private static Response fetchOne(HttpClient client, URI url, Duration timeout) throws InterruptedException {
        Response response;
        try {
            response = (Response) FETCH_ONE.invoke(null, client, url, timeout);
        } catch (ReflectiveOperationException reflective) {
            var e = reflective instanceof InvocationTargetException thrown ? thrown.getCause() : reflective;
            if (e instanceof UnsupportedOperationException todo) throw todo;
            if (e instanceof InterruptedException interrupted) throw interrupted;
            throw new AssertionError("fetchOne(" + url + ") threw " + e + ". A URL that fails (a timeout, a refused "
                    + "connection, a 500) must be reported in its Response, not thrown: catch the IOException "
                    + "(Response.failed), and treat an error status as an answer (Response.answered).", e);
        }
        assertThat(response).withFailMessage("fetchOne(%s) returned null: expected its Response", url).isNotNull();
        return response;
    }

    /// The Responses of a fetchAll running on `caller`, or a failure if it has not returned within `deadline`:
    /// a fetchAll that lost its permits waits forever, and the test says so rather than time out. A fetchAll
    /// still running then is interrupted, again and again (an executor's close() ends its tasks at the second
    /// interrupt), so that it does not outlive the test.
    private static List<Response> resultWithin(FutureTask<List<Response>> call, Thread caller, Duration deadline,
                                               int urls, String what) throws InterruptedException {
        List<Response> responses;
        try {
            responses = call.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException late) {
            for (int i = 0; i < 30 && caller.isAlive(); i++) {
                caller.interrupt();
                caller.join(Duration.ofMillis(100));
            }
            throw new AssertionError("fetchAll had not returned after " + Latency.seconds(deadline) + ", " + what
                    + ". Where it waited:" + stackOf(caller));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedOperationException todo) throw todo;
            throw threw(e.getCause(), urls);
        }
        assertThat(responses)
                .withFailMessage("fetchAll returned %s for %d URLs: expected one Response per URL", responses, urls)
                .isNotNull()
                .hasSize(urls);
        return responses;
    }

    /// The failure to report when fetchAll threw `e`, though a failed URL must be reported in its Response.
    private static AssertionError threw(Throwable e, int urls) {
        var cause = e.getCause() == null ? "" : ", caused by " + e.getCause();
        return new AssertionError("fetchAll threw " + e + cause + ", for " + urls + " URLs. A URL that fails (a "
                + "timeout, a refused connection, a 500) must be reported in its own Response, not thrown: "
                + "catch the IOException in the fetch of that URL (Response.failed), and treat an error status as "
                + "an answer (Response.answered).", e);
    }

    private static String stackOf(Thread thread) {
        var frames = thread.getStackTrace();
        if (frames.length == 0) return " (it has ended since)";
        return Stream.of(frames).limit(12).map(f -> "%n  at %s".formatted(f)).collect(Collectors.joining());
    }

    /// The most requests in `requests` that the server was working on at one instant.
    private static int peakOverlap(List<LocalServer.Request> requests) {
        var starts = requests.stream().mapToLong(LocalServer.Request::startNanos).sorted().toArray();
        var ends = requests.stream().mapToLong(LocalServer.Request::endNanos).sorted().toArray();
        int now = 0, peak = 0;
        for (int s = 0, e = 0; s < starts.length; ) {
            if (e < ends.length && ends[e] <= starts[s]) {
                now--;
                e++;
            } else {
                peak = Math.max(peak, ++now);
                s++;
            }
        }
        return peak;
    }

    /// The HttpClient threads started since `before`: daemon threads, so suspects by name.
    private static List<Thread> newClientThreads(Set<Thread> before) {
        return LiveThreads.snapshot().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("HttpClient-")).toList();
    }

    /// A client like HttpFetch.newClient's (which the tests cannot call: it is package-private).
    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /// The Response whose uri is `url`: the tests other than the one on order find each URL's Response by its uri.
    private static Response responseFor(List<Response> responses, URI url) {
        return responses.stream().filter(r -> url.equals(r.uri())).findFirst().orElseThrow(() -> new AssertionError(
                "no Response has the uri " + url + ", which was one of the URLs; each Response carries its URL. "
                        + "The Responses were:" + describe(responses)));
    }

    private List<URI> urls(List<String> paths) {
        return paths.stream().map(server::uri).toList();
    }

    private List<URI> pages(int n) {
        return urls(pagePaths(n));
    }

    private static List<String> pagePaths(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "/page/" + i).toList();
    }

    private List<String> bodies(List<String> paths) {
        return paths.stream().map(p -> new String(server.bodyOf(p), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> paths(List<Response> responses) {
        return responses.stream().map(r -> r.uri() == null ? "null" : r.uri().getPath()).toList();
    }

    private static String describe(List<Response> responses) {
        return responses.stream().map(r -> "%n  %s".formatted(r)).collect(Collectors.joining());
    }

    /// How many runs a retried measurement took, for a failure message: a run in which nothing overlapped is
    /// not retried, since no pause of the machine explains it.
    private static String bestOf(int runs) {
        return runs == 1 ? "in one run: nothing overlapped, which no pause of the machine explains"
                : "best of " + runs + " runs";
    }

    /// A port on 127.0.0.1 that nothing listens on: one the system just handed out and took back.
    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
