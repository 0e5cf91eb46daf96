// Provided for exercise 5: you need not change this file. A Worker is one worker process and its pipes;
// the worker process itself runs this class's main, which answers one job a line.
package workerpool;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/// One worker process and its pipes: jobs go down its stdin, answers come up its stdout, one a line.
/// Its stderr goes where this JVM's goes. Use each Worker from one thread at a time.
public final class Worker implements AutoCloseable {
    private final Process process;
    private final BufferedWriter stdin;
    private final BufferedReader stdout;

    private Worker(Process process) {
        this.process = process;
        this.stdin = process.outputWriter(UTF_8);
        this.stdout = process.inputReader(UTF_8);
    }

    /// Starts a worker process: a new JVM that runs this class's main. Returns at once;
    /// the first call waits while the JVM starts up.
    public static Worker start() throws IOException {
        return new Worker(new ProcessBuilder(command())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
    }

    public long pid() {
        return process.pid();
    }

    /// Sends one job and waits for its answer. Returns null if the worker died before it answered
    /// (its stdout ended, or its stdin was broken): then exitCode() says how it ended.
    public String call(String job) {
        try {
            stdin.write(job);
            stdin.newLine();
            stdin.flush();
            return stdout.readLine();
        } catch (IOException died) {
            return null;
        }
    }

    /// Waits for the worker to exit and returns its exit code: 0 for a clean exit.
    public int exitCode() throws InterruptedException {
        return process.waitFor();
    }

    /// Ends the worker: closing its stdin tells it that no more jobs will come, and it exits;
    /// one that has not exited after 5 s is killed. Returns once the process has ended.
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException alreadyGone) {
            // it has exited already: waitFor returns at once
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly(); // told to hurry: wait no longer, but leave no process behind
            Thread.currentThread().interrupt();
        }
    }

    /// The command that starts a worker process: this JVM's java, flags that make a JVM cheap to
    /// start, and a class path that holds this class. (Under the grader it is loaded from a folder
    /// that is not on java.class.path, so its code source is added first.)
    static List<String> command() {
        // Class data sharing maps the JDK's classes ready-made, the serial collector starts no GC threads, and
        // whatever the JVM says itself goes to stderr, so stdout carries only answers. (C1 alone, with
        // -XX:TieredStopAtLevel=1, would start no faster here, but would do the sums half as fast.)
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:+UseSerialGC", "-Xss256k", "-XX:-UsePerfData", "-XX:+DisplayVMOutputToStderr"));
        String sourceFile = System.getProperty("jdk.launcher.sourcefile");
        if (sourceFile != null) { // java WorkerPool.java (JDK 22+): no class path, so run this source file
            command.add(Path.of(sourceFile).resolveSibling("Worker.java").toString());
        } else {
            command.addAll(List.of("-cp", classPath(), Worker.class.getName()));
        }
        return command;
    }

    private static String classPath() {
        List<String> entries = new ArrayList<>();
        var codeSource = Worker.class.getProtectionDomain().getCodeSource();
        if (codeSource != null && codeSource.getLocation() != null) {
            try {
                entries.add(Path.of(codeSource.getLocation().toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException notAFile) {
                // not loaded from a file or folder: java.class.path must do
            }
        }
        String classPath = System.getProperty("java.class.path");
        if (classPath != null && !classPath.isEmpty()) entries.add(classPath);
        return String.join(File.pathSeparator, entries);
    }

    // ── The worker side: this class's main, in the worker process ──────────────────────────────────────────

    /// Answers one job a line until its stdin ends (the parent closed it, or died). The jobs:
    ///   sum FROM TO        → √FROM + … + √(TO−1), as Double.toString writes it (CPU-bound work)
    ///   exit CODE          → exits at once with that code, without an answer: a crash mid-job
    ///   ask PORT QUESTION  → for the tests: sends "QUESTION PID" to 127.0.0.1:PORT and answers with the
    ///                        line that comes back; the line "exit CODE" makes it crash instead.
    static void work() throws IOException {
        var jobs = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        for (String job; (job = jobs.readLine()) != null; ) {
            String[] words = job.split(" ", 3);
            switch (words[0]) {
                case "sum" -> answer(Double.toString(sumOfSquareRoots(Long.parseLong(words[1]), Long.parseLong(words[2]))));
                case "exit" -> crash(Integer.parseInt(words[1]));
                case "ask" -> {
                    String reply = ask(Integer.parseInt(words[1]), words[2]);
                    if (reply.startsWith("exit ")) crash(Integer.parseInt(reply.substring(5)));
                    answer(reply);
                }
                default -> answer("unknown job: " + job);
            }
        }
    }

    /// CPU-bound work: the sum of the square roots of [from, to).
    static double sumOfSquareRoots(long from, long to) {
        double sum = 0;
        for (long i = from; i < to; i++) sum += Math.sqrt(i);
        return sum;
    }

    private static void answer(String line) {
        System.out.println(line);
        System.out.flush(); // the parent is waiting for it
    }

    private static void crash(int exitCode) {
        Runtime.getRuntime().halt(exitCode); // no shutdown hooks, no answer: as abrupt as a real crash
    }

    private static String ask(int port, String question) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            var out = new PrintWriter(socket.getOutputStream(), true, UTF_8);
            out.println(question + " " + ProcessHandle.current().pid());
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8)).readLine();
            return reply == null ? "no answer" : reply;
        }
    }

    public static void main(String[] args) throws IOException {
        work();
    }
}
