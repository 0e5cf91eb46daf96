package engine;

import com.google.gson.Gson;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The test JVM's end of the results connection: a loopback socket it opens, and proves itself on with the
 * grader's token, before any student class loads. Then one JSON line per test, and {@link #DONE} once every
 * test ran. What the student's code prints goes to standard output, which the grader never parses, so it
 * cannot pass for a result.
 */
final class ResultChannel {

    /** The last line when every test ran; without it the JVM ended early. */
    static final String DONE = "#done";
    /** Begins the line that says why the JVM is ending before it was done, as a JSON string. */
    static final String EXIT = "#exit ";

    private final BufferedWriter out;
    private final Gson gson = new Gson();
    private boolean done;

    private ResultChannel(BufferedWriter out) {
        this.out = out;
    }

    static ResultChannel connect(int port, String token) throws IOException {
        var socket = new Socket(InetAddress.getLoopbackAddress(), port);
        var channel = new ResultChannel(new BufferedWriter(
                new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8)));
        channel.line(token);
        return channel;
    }

    synchronized void write(TestResult result) {
        line(gson.toJson(result));
    }

    synchronized void done() {
        line(DONE);
        done = true;
    }

    /** For the shutdown hook: the JVM ends before the tests are done, so says who ended it. */
    synchronized void reportExit() {
        if (!done) line(EXIT + gson.toJson(ExitDiagnosis.describe()));
    }

    private void line(String text) {
        try {
            out.write(text);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
