package engine;

import check.SpeedUp;
import com.google.gson.Gson;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stage 3, on the grader's side: runs one submission's tests in a JVM of its own, so that a crash, a
 * System.exit or a leaked thread costs that run only. Per-test timeouts live inside that JVM; this class
 * adds the backstop: if the whole JVM outlives its budget, the operating system kills it.
 */
public final class TestJvm {

    /**
     * Per-test timeouts and the test JVM's own watchdog end every run long before this; it is there for
     * what they cannot see, such as a test class whose loading never returns.
     */
    public static final Duration BACKSTOP = Duration.ofMinutes(10);

    /** What came back: a verdict per test that finished, and why the JVM ended early if it did. */
    public record Run(List<TestResult> tests, String crash, Path output) {}

    private final Process jvm;
    private final Path results;
    private final Path output;

    private TestJvm(Process jvm, Path results, Path output) {
        this.jvm = jvm;
        this.results = results;
        this.output = output;
    }

    /**
     * Starts the test JVM before the submission is compiled: on two cores, the JVM boots and loads JUnit
     * while javac works, and then waits on its standard input for the word to run.
     */
    public static TestJvm start(Course course, Submission submission, Path classes, Path workDir, Selection selection)
            throws IOException {
        Files.createDirectories(workDir);
        Path results = workDir.resolve("results.jsonl");
        Path output = workDir.resolve("output.txt");
        Files.deleteIfExists(results);
        Exercise exercise = submission.exercise();

        String classpath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-Dfile.encoding=UTF-8",
                // ArchUnit would otherwise import every JDK class a submission touches, half a second a run;
                // so rules name packages and classes (java.util.stream) rather than walk JDK class hierarchies.
                "-Darchunit.resolveMissingDependenciesFromClassPath=false",
                "-D" + SpeedUp.EFFICIENCY_PROPERTY + "=" + course.settings().speedUpEfficiency(),
                "-D" + Terminal.UNICODE_PROPERTY + "=" + Terminal.UNICODE,
                "-classpath", classpath));
        command.addAll(exercise.jvmOptions());
        if (onlyJars(classpath)) {
            // Class-data sharing: the JVM maps the classes JUnit, AssertJ and ArchUnit load from an archive
            // it wrote on its first run, instead of parsing them again on every run. (It archives jars only.)
            command.addAll(List.of("-XX:SharedArchiveFile=" + sharedArchive(course, classpath),
                    "-XX:+AutoCreateSharedArchive", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        command.addAll(List.of(TestJvmMain.class.getName(),
                results.toString(), classes.toString(), exercise.dir(), String.valueOf(exercise.timeoutSeconds()),
                String.join(",", selection.methods()), selection.tags(), String.valueOf(selection.rounds())));
        Process jvm = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        return new TestJvm(jvm, results, output);
    }

    /** The classes are compiled: tells the JVM to run the tests, and waits for it within the backstop. */
    public Run run() throws IOException, InterruptedException {
        // Closing standard input right after the word means a submission that reads it gets end-of-file.
        try (var stdin = jvm.getOutputStream()) {
            stdin.write((TestJvmMain.GO + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String crash = null;
        if (!jvm.waitFor(BACKSTOP.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            crash = "The tests did not end within " + BACKSTOP.toMinutes() + " minutes, so the grader stopped them.";
        }
        List<String> lines = Files.exists(results) ? Files.readAllLines(results) : List.of();
        if (crash == null && !lines.contains(TestJvmMain.DONE)) {
            crash = "The test JVM ended (exit code " + jvm.exitValue() + ") before all tests finished:"
                    + " did the code call System.exit, or run out of memory?";
        }
        Gson gson = new Gson();
        List<TestResult> tests = lines.stream()
                .filter(line -> line.startsWith("{"))
                .map(line -> gson.fromJson(line, TestResult.class))
                .toList();
        return new Run(tests, crash, output);
    }

    /** The submission did not compile: the JVM has nothing to run. */
    public void cancel() throws InterruptedException {
        kill();
    }

    private void kill() throws InterruptedException {
        jvm.descendants().forEach(ProcessHandle::destroyForcibly);
        jvm.destroyForcibly().waitFor();
    }

    /**
     * One archive per grader build and JDK, so a rebuilt grader never runs on a stale archive; the
     * archives of earlier builds are deleted.
     */
    private static Path sharedArchive(Course course, String classpath) throws IOException {
        String name = "test-jvm-" + Integer.toHexString((Runtime.version() + classpath).hashCode()) + ".jsa";
        try (var old = Files.newDirectoryStream(course.workDir(), "test-jvm*.jsa")) {
            for (Path archive : old) {
                if (!archive.getFileName().toString().equals(name)) Files.deleteIfExists(archive);
            }
        }
        return course.workDir().resolve(name);
    }

    private static boolean onlyJars(String classpath) {
        return Arrays.stream(classpath.split(File.pathSeparator)).allMatch(entry -> entry.endsWith(".jar"));
    }

    /** Where a child's standard input comes from: nothing, so a submission waiting for input gets end-of-file. */
    static File nullFile() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
