package engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Copies what the test JVM prints into a file, keeping only its beginning and its end: a submission that
 * prints in a loop cannot fill the disk. A thread of its own drains the pipe, so the JVM never blocks on it.
 */
public final class CappedOutput {

    /** How much of the beginning, and of the end, the file keeps. */
    static final int KEPT_BYTES = 64 * 1024;

    /** What a run printed and where the kept part is. */
    public record Output(Path file, long printedBytes) {

        public boolean cut() {
            return printedBytes > 2L * KEPT_BYTES;
        }

        /** The last {@code maxBytes} of what was kept, as text (it may start mid-line). */
        public String tail(int maxBytes) throws IOException {
            try (var kept = new RandomAccessFile(file.toFile(), "r")) {
                long start = Math.max(0, kept.length() - maxBytes);
                byte[] tail = new byte[(int) (kept.length() - start)];
                kept.seek(start);
                kept.readFully(tail);
                return new String(tail, StandardCharsets.UTF_8);
            }
        }

        /** "12.3 MB", for the report. */
        public String printed() {
            return printedBytes < 1024 * 1024 ? printedBytes / 1024 + " KiB"
                    : String.format("%.1f MB", printedBytes / 1e6);
        }
    }

    private final Path file;
    private final Thread reader;
    private final byte[] tail = new byte[KEPT_BYTES];
    private long printed;

    private CappedOutput(InputStream pipe, Path file) {
        this.file = file;
        this.reader = Thread.ofPlatform().daemon().name("test-jvm-output").start(() -> copy(pipe));
    }

    static CappedOutput drain(InputStream pipe, Path file) {
        return new CappedOutput(pipe, file);
    }

    /**
     * Waits for the pipe to end, which it does when the JVM and every process that inherited the pipe have
     * ended. A process the JVM left behind may hold it open: then what came so far must do.
     */
    Output finish(Duration grace) throws InterruptedException {
        reader.join(grace);
        synchronized (this) {
            return new Output(file, printed);
        }
    }

    private void copy(InputStream pipe) {
        try (pipe; OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[8192];
            for (int n; (n = pipe.read(buffer)) > 0; ) {
                synchronized (this) {
                    int head = (int) Math.max(0, Math.min(n, KEPT_BYTES - printed));
                    out.write(buffer, 0, head);
                    for (int i = head; i < n; i++) {
                        tail[(int) ((printed + i - KEPT_BYTES) % KEPT_BYTES)] = buffer[i];
                    }
                    printed += n;
                    if (printed <= KEPT_BYTES) out.flush();
                }
            }
            writeTail(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The end, in order; after a note of what was cut, if anything was. */
    private synchronized void writeTail(OutputStream out) throws IOException {
        long inTail = Math.min(KEPT_BYTES, Math.max(0, printed - KEPT_BYTES));
        if (inTail == 0) return;
        long cut = printed - KEPT_BYTES - inTail;
        if (cut > 0) {
            out.write(("\n[… " + cut + " bytes cut …]\n").getBytes(StandardCharsets.UTF_8));
        }
        int from = (int) ((printed - inTail - KEPT_BYTES) % KEPT_BYTES);
        int first = (int) Math.min(inTail, KEPT_BYTES - from);
        out.write(tail, from, first);
        out.write(tail, 0, (int) inTail - first);
    }
}
