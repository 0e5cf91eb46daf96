package engine;

import check.Integrity;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.assertj.core.api.Assertions;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
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
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
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
 * Stage 3, inside the test JVM the grader starts for one exercise: checks the course's rules on the student's
 * classes, runs the JUnit Platform on the tests, and sends one JSON line per test over the {@link ResultChannel}
 * as each test ends, so that what finished survives a crash. Arguments: the student's classes folder, the tests'
 * classes folder, student package, timeout in seconds, the test methods to run, comma-separated (empty: all),
 * a JUnit tag expression (empty: any), rounds, the exercise's provided files, comma-separated, and whether its
 * code may start processes.
 */
public final class TestJvmMain {

    private TestJvmMain() {}

    /** The grader's word on standard input once the classes are compiled, followed by a port and a token. */
    static final String GO = "go";
    /** The method name a broken course rule is reported under. */
    static final String RULES_METHOD = "followsTheCourseRules";

    public static void main(String[] args) throws Exception {
        Path studentClasses = Path.of(args[0]);
        Path testClasses = Path.of(args[1]);
        String studentPackage = args[2];
        String timeoutSeconds = args[3];
        Set<String> onlyTests = args[4].isEmpty() ? Set.of() : Set.of(args[4].split(","));
        String tags = args[5];
        int rounds = Integer.parseInt(args[6]);
        List<String> providedFiles = args[7].isEmpty() ? List.of() : List.of(args[7].split(","));
        boolean mayStartProcesses = Boolean.parseBoolean(args[8]);

        // Load what every test run needs while the grader compiles, then wait for its word: "go PORT TOKEN".
        Launcher launcher = LauncherFactory.create();
        warmUp(launcher);
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        String[] word = line == null ? new String[0] : line.split(" ");
        if (word.length != 3 || !GO.equals(word[0])) {
            return;
        }
        // Connect before any student class loads: the grader takes results from this one connection only.
        ResultChannel results = ResultChannel.connect(Integer.parseInt(word[1]), word[2]);
        Runtime.getRuntime().addShutdownHook(new Thread(results::reportExit));

        List<TestResult> broken = brokenRules(studentClasses, providedFiles, mayStartProcesses);
        if (!broken.isEmpty()) {
            broken.forEach(results::write);
            results.done();
            Runtime.getRuntime().halt(0);
        }

        // Student classes load in a loader that sees the JDK only; tests in one that sees them and the grader's jars.
        // Both are folders outside the JVM's class path, which holds only jars that do not change between runs and
        // so keeps the class-data-sharing archive valid.
        var studentLoader = new URLClassLoader("student", new URL[] {studentClasses.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        var testLoader = new TestClassLoader(testClasses, studentLoader);
        Thread.currentThread().setContextClassLoader(testLoader);

        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClasspathRoots(Set.of(testClasses)))
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
        var hangs = new HangDiagnosis(studentPackage);
        for (int round = 1; round <= rounds; round++) {
            launcher.execute(request.build(), new ResultWriter(results, hangs, Long.parseLong(timeoutSeconds), round));
        }
        results.done();
        // Threads a submission leaked must not keep this JVM alive.
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /**
     * The course's rules ({@link Integrity}) on the student's classes, read from their class files without
     * loading them; the classes of the files an exercise provides are the course's own and exempt.
     */
    private static List<TestResult> brokenRules(Path studentClasses, List<String> providedFiles,
                                                boolean mayStartProcesses) {
        JavaClasses classes = new ClassFileImporter().importPath(studentClasses)
                .that(DescribedPredicate.describe("are not provided by the exercise",
                        c -> c.getSource().flatMap(Source::getFileName).filter(providedFiles::contains).isEmpty()));
        List<TestResult> broken = new ArrayList<>();
        for (ArchRule rule : Integrity.rules(mayStartProcesses)) {
            EvaluationResult result = rule.evaluate(classes);
            if (result.hasViolation()) {
                String[] sentence = rule.getDescription().split(", because ", 2);
                broken.add(new TestResult(RULES_METHOD, sentence[0], TestResult.Status.FAILED,
                        "Because " + sentence[1] + ". The grader ran no test.",
                        result.getFailureReport().getDetails(), 1, List.of()));
            }
        }
        return broken;
    }

    /** Loads and initialises the JUnit engine, AssertJ and ArchUnit: most of a test run's start-up cost. */
    private static void warmUp(Launcher launcher) {
        launcher.discover(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(TestJvmMain.class)).build());
        Assertions.assertThat(List.of(1)).as("warm-up").containsExactly(1);
        new ClassFileImporter().importClasses(TestJvmMain.class);
    }

    private static final class ResultWriter implements TestExecutionListener {
        private final ResultChannel out;
        private final HangDiagnosis hangs;
        private final long timeoutSeconds;
        private final int round;
        // Tests publish from their own threads (SEPARATE_THREAD timeouts), so both levels are thread-safe.
        private final Map<String, List<String>> published = new ConcurrentHashMap<>();

        private Thread watchdog;

        ResultWriter(ResultChannel out, HangDiagnosis hangs, long timeoutSeconds, int round) {
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
                        hangs.describe(), List.of());
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
                // JUnit prefixes an assumption's own sentence with "Assumption failed: ", which says nothing to a student.
                write(test, TestResult.Status.SKIPPED,
                        String.valueOf(failure.getMessage()).replaceFirst("^Assumption failed: ", ""), List.of());
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
            write(method, test.getDisplayName(), status, message, details,
                    test.getTags().stream().map(TestTag::getName).sorted().toList());
        }

        private void write(String method, String displayName, TestResult.Status status,
                           String message, List<String> details, List<String> tags) {
            out.write(new TestResult(method, displayName, status, message == null ? "" : message, details, round,
                    tags));
        }
    }
}
