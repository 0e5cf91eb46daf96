package engine;

import com.google.gson.Gson;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.assertj.core.api.Assertions;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

/**
 * Stage 3, inside the test JVM the grader starts for one exercise: runs the JUnit Platform on the
 * compiled classes and writes one JSON line per test to the results file as each test ends, so that
 * what finished survives a crash. Arguments: results file, classes folder, student package, timeout in seconds,
 * the test methods to run, comma-separated (empty: all), a JUnit tag expression (empty: any), and rounds.
 */
public final class TestJvmMain {

    private TestJvmMain() {}

    /** The grader's word on standard input once the classes are compiled. */
    static final String GO = "go";
    /** The results file's last line when every test ran; without it the JVM ended early. */
    static final String DONE = "#done";

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        Path classes = Path.of(args[1]);
        String studentPackage = args[2];
        String timeoutSeconds = args[3];
        Set<String> onlyTests = args[4].isEmpty() ? Set.of() : Set.of(args[4].split(","));
        String tags = args[5];
        int rounds = Integer.parseInt(args[6]);

        // Load what every test run needs while the grader compiles, then wait for its word.
        Launcher launcher = LauncherFactory.create();
        warmUp(launcher);
        String word = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (!GO.equals(word)) {
            return;
        }

        // The compiled classes load through their own loader, so that the JVM's class path holds only jars
        // that do not change between runs, which keeps the class-data-sharing archive valid.
        var loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, TestJvmMain.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(loader);

        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClasspathRoots(Set.of(classes)))
                .filters((PostDiscoveryFilter) test -> FilterResult.includedIf(onlyTests.isEmpty()
                        || test.getSource().filter(MethodSource.class::isInstance)
                                .map(source -> onlyTests.contains(((MethodSource) source).getMethodName()))
                                .orElse(true)))
                .configurationParameter("junit.jupiter.execution.timeout.default", timeoutSeconds + " s")
                // A test thread blocked entering synchronized can't be interrupted: in the default SAME_THREAD
                // mode the timeout would wait for it forever. A separate thread lets the test fail and go on.
                .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                .configurationParameter("junit.jupiter.testmethod.order.default",
                        "org.junit.jupiter.api.MethodOrderer$OrderAnnotation");
        if (!tags.isEmpty()) {
            request.filters(TagFilter.includeTags(tags));
        }
        try (BufferedWriter out = Files.newBufferedWriter(results)) {
            var hangs = new HangDiagnosis(studentPackage);
            for (int round = 1; round <= rounds; round++) {
                launcher.execute(request.build(), new ResultWriter(out, hangs, Long.parseLong(timeoutSeconds), round));
            }
            out.write(DONE);
            out.newLine();
        }
        // Threads a submission leaked must not keep this JVM alive.
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** Loads and initialises the JUnit engine, AssertJ and ArchUnit: most of a test run's start-up cost. */
    private static void warmUp(Launcher launcher) {
        launcher.discover(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(TestJvmMain.class)).build());
        Assertions.assertThat(List.of(1)).as("warm-up").containsExactly(1);
        new ClassFileImporter().importClasses(TestJvmMain.class);
    }

    private static final class ResultWriter implements TestExecutionListener {
        private final BufferedWriter out;
        private final HangDiagnosis hangs;
        private final long timeoutSeconds;
        private final int round;
        private final Gson gson = new Gson();
        // Tests publish from their own threads (SEPARATE_THREAD timeouts), so both levels are thread-safe.
        private final Map<String, List<String>> published = new ConcurrentHashMap<>();

        private Thread watchdog;

        ResultWriter(BufferedWriter out, HangDiagnosis hangs, long timeoutSeconds, int round) {
            this.out = out;
            this.hangs = hangs;
            this.timeoutSeconds = timeoutSeconds;
            this.round = round;
        }

        /**
         * A watchdog for what per-test timeouts cannot stop (a hang while a class initialises, a test thread
         * that never yields): once every test could have timed out in turn, diagnose and end the JVM.
         */
        @Override
        public void testPlanExecutionStarted(TestPlan plan) {
            long tests = Math.max(1, plan.countTestIdentifiers(TestIdentifier::isTest));
            Duration budget = Duration.ofSeconds(10 + tests * (timeoutSeconds + 2));
            watchdog = Thread.ofPlatform().daemon().name("grader-watchdog").start(() -> {
                try {
                    Thread.sleep(budget);
                } catch (InterruptedException e) {
                    return;
                }
                write("watchdog", "the tests as a whole", TestResult.Status.FAILED,
                        "The tests did not end within " + budget.toSeconds() + " s, so the grader stopped them.",
                        hangs.describe());
                Runtime.getRuntime().halt(1);
            });
        }

        @Override
        public void testPlanExecutionFinished(TestPlan plan) {
            watchdog.interrupt();
        }

        @Override
        public void reportingEntryPublished(TestIdentifier test, ReportEntry entry) {
            entry.getKeyValuePairs().forEach((key, value) ->
                    published.computeIfAbsent(test.getUniqueId(), id -> new CopyOnWriteArrayList<>())
                            .add("value".equals(key) ? value : key + ": " + value));
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            write(test, TestResult.Status.SKIPPED, reason, List.of());
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            // A container reports only its own failure (a @BeforeAll that threw, a class that would not load).
            if (!test.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                return;
            }
            Throwable failure = result.getThrowable().orElse(null);
            if (failure == null) {
                write(test, TestResult.Status.PASSED, "", List.of());
            } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                write(test, TestResult.Status.SKIPPED, failure.getMessage(), List.of());
            } else if (failure instanceof TimeoutException) {
                write(test, TestResult.Status.FAILED, "It did not finish in time: " + failure.getMessage(), hangs.describe());
            } else {
                write(test, TestResult.Status.FAILED, Failures.explain(failure), List.of());
            }
        }

        private void write(TestIdentifier test, TestResult.Status status, String message, List<String> diagnosis) {
            String method = test.getSource()
                    .filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getMethodName())
                    .orElse(test.getLegacyReportingName());
            List<String> details = new ArrayList<>(published.getOrDefault(test.getUniqueId(), List.of()));
            details.addAll(diagnosis);
            write(method, test.getDisplayName(), status, message, details);
        }

        private synchronized void write(String method, String displayName, TestResult.Status status,
                                        String message, List<String> details) {
            try {
                out.write(gson.toJson(new TestResult(method, displayName, status,
                        message == null ? "" : message, details, round)));
                out.newLine();
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
