package engine;

import check.SpeedUp;
import com.google.gson.Gson;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Stage 3, on the grader's side: runs one submission's tests in a JVM of its own, so that a crash, a
 * System.exit or a leaked thread costs that run only. Per-test timeouts live inside that JVM; this class
 * adds the backstop: if the whole JVM outlives its budget, the operating system kills it.
 * Results come back over a loopback socket that only the holder of this run's token (sent on the JVM's standard
 * input, never on its command line) can speak on; what the JVM prints is kept apart, capped by {@link CappedOutput}.
 */
public final class TestJvm {

    /**
     * Per-test timeouts and the test JVM's own watchdog end every run long before this; it is there for
     * what they cannot see, such as a test class whose loading never returns.
     */
    public static final Duration BACKSTOP = Duration.ofMinutes(10);

    /** What came back: a verdict per test that finished, why the JVM ended early if it did, what it printed. */
    public record Run(List<TestResult> tests, String crash, CappedOutput.Output output) {}

    /** How long the pipes may stay open after the JVM ended: a process it left behind may hold them. */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private final Process jvm;
    private final ServerSocket results;
    private final String token;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread receiver;
    private final CappedOutput output;

    private TestJvm(Process jvm, ServerSocket results, Path output) {
        this.jvm = jvm;
        this.results = results;
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        this.token = HexFormat.of().formatHex(secret);
        this.receiver = Thread.ofPlatform().daemon().name("test-jvm-results").start(this::receive);
        this.output = CappedOutput.drain(jvm.getInputStream(), output);
    }

    /**
     * Starts the test JVM before the submission is compiled: on two cores, the JVM boots and loads JUnit
     * while javac works, and then waits on its standard input for the word to run.
     */
    public static TestJvm start(Course course, Submission submission, Path classes, Path workDir, Selection selection)
            throws IOException {
        Files.createDirectories(workDir);
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
        // Nothing secret goes here: any process may read a command line. The port and token go on standard input.
        List<String> provided = Compilation.providedFiles(course, exercise).stream()
                .map(p -> p.getFileName().toString()).toList();
        command.addAll(List.of(TestJvmMain.class.getName(),
                Compilation.studentClasses(classes).toString(), Compilation.testClasses(classes).toString(),
                exercise.dir(), String.valueOf(exercise.timeoutSeconds()),
                String.join(",", selection.methods()), selection.tags(), String.valueOf(selection.rounds()),
                String.join(",", provided), String.valueOf(exercise.mayStartProcesses())));
        var results = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Process jvm;
        try {
            jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            results.close();
            throw e;
        }
        return new TestJvm(jvm, results, workDir.resolve("output.txt"));
    }

    /** The classes are compiled: tells the JVM to run the tests, and waits for it within the backstop. */
    public Run run() throws IOException, InterruptedException {
        // Closing standard input right after the word means a submission that reads it gets end-of-file.
        try (var stdin = jvm.getOutputStream()) {
            stdin.write((String.join(" ", TestJvmMain.GO, String.valueOf(results.getLocalPort()), token) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        String crash = null;
        if (!jvm.waitFor(BACKSTOP.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            crash = "The tests did not end within " + BACKSTOP.toMinutes() + " minutes, so the grader stopped them.";
        }
        results.close();
        receiver.join(DRAIN);
        CappedOutput.Output printed = output.finish(DRAIN);
        List<String> received = List.copyOf(lines);
        if (crash == null && !received.contains(ResultChannel.DONE)) {
            crash = received.stream().filter(line -> line.startsWith(ResultChannel.EXIT))
                    .map(line -> new Gson().fromJson(line.substring(ResultChannel.EXIT.length()), String.class))
                    .findFirst()
                    .orElse("The test JVM ended (exit code " + jvm.exitValue() + ") before all tests finished:"
                            + " it ran out of memory, crashed, or your code called Runtime.halt.");
        }
        Gson gson = new Gson();
        List<TestResult> tests = received.stream()
                .filter(line -> line.startsWith("{"))
                .map(line -> gson.fromJson(line, TestResult.class))
                .toList();
        return new Run(tests, crash, printed);
    }

    /**
     * Takes the results from the first connection that presents the token, which the test JVM opens before
     * any student class loads; then takes no other. Lines come in until the JVM ends and the socket closes.
     */
    private void receive() {
        while (!results.isClosed()) {
            try (Socket connection = results.accept()) {
                connection.setSoTimeout((int) DRAIN.toMillis());
                var in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
                if (!token.equals(in.readLine())) continue;
                results.close();
                connection.setSoTimeout(0);
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException closedOrBroken) {
                // the JVM ended, or never connected and run() closed the server: the lines so far are all
            }
        }
    }

    /** The submission did not compile: the JVM has nothing to run. */
    public void cancel() throws InterruptedException {
        kill();
    }

    private void kill() throws InterruptedException {
        jvm.descendants().forEach(ProcessHandle::destroyForcibly);
        jvm.destroyForcibly().waitFor();
        try {
            results.close();
        } catch (IOException alreadyClosed) {
            // nothing more to receive either way
        }
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
