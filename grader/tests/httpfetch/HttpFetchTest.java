package httpfetch;

import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import check.Declared;
import check.Latency;
import check.LiveThreads;
import check.LocalServer;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import httpfetch.HttpFetch.Response;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
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

    private LocalServer server;

    @BeforeAll
    static void loadTheHttpClasses() throws Exception {
        // One fetch before any test, so that no test's timing pays for loading the HTTP client and server classes.
        try (var warmUp = LocalServer.start();
             var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .proxy(HttpClient.Builder.NO_PROXY).build()) {
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
    void leavesNoThreadRunning() throws Exception {
        server.defaultDelay(Duration.ofMillis(50));
        var before = LiveThreads.snapshot();

        fetchAll(pages(6), 3, NO_HURRY);

        // An HttpClient's threads (HttpClient-1-SelectorManager, HttpClient-1-Worker-0, …) are daemon threads, so
        // they are suspects by name; any other new non-daemon thread (a pool never shut down) is one too.
        var clientThreads = LiveThreads.snapshot().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("HttpClient-")).toList();
        var leaked = LiveThreads.leakedSince(before, clientThreads, Duration.ofSeconds(1));
        assertThat(leaked)
                .withFailMessage("%d thread(s) that fetchAll started are still alive 1 s after it returned: %s. "
                        + "Close the HttpClient when the fetches are done (it is AutoCloseable since Java 21: "
                        + "try (var client = newClient()) { … }), and any executor you create.",
                        leaked.size(), LiveThreads.describe(leaked))
                .isEmpty();
    }

    @Test
    @DisplayName("fetches with java.net.http.HttpClient, not with URLConnection or sockets")
    void fetchesWithJavaNetHttpClient() {
        httpFetchUsesNeitherUrlConnectionNorSockets.check(new ClassFileImporter().importPackagesOf(HttpFetch.class));
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
            var cause = e.getCause() == null ? "" : ", caused by " + e.getCause();
            throw new AssertionError("fetchAll threw " + e + cause + ", for " + urls.size() + " URLs. A URL that fails (a "
                    + "timeout, a refused connection, a 500) must be reported in its own Response, not thrown: "
                    + "catch the IOException in the fetch of that URL (Response.failed), and treat an error status as "
                    + "an answer (Response.answered).", e);
        }
        assertThat(responses)
                .withFailMessage("fetchAll returned %s for %d URLs: expected one Response per URL", responses, urls.size())
                .isNotNull()
                .hasSize(urls.size());
        return responses;
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
