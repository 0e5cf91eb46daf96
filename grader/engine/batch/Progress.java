package engine.batch;

import engine.Terminal;

import java.io.PrintStream;
import java.time.Duration;

/**
 * How far a batch is: students × exercises done out of the total, time elapsed and an estimate of the time
 * left. On a terminal one line redraws itself; elsewhere (a CI log, a file) each step is a line of its own.
 */
final class Progress {

    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final int total;
    private final boolean redraw = Terminal.isTerminal();
    private final long start = System.nanoTime();
    private int done;
    private int lastWidth;

    Progress(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    /** One student × exercise is finished; {@code what} names it. */
    synchronized void done(String what) {
        done++;
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        String eta = done == total ? "done" : "ETA " + clock(elapsed.multipliedBy(total - done).dividedBy(done));
        int filled = BAR_WIDTH * done / Math.max(1, total);
        String line = "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + done + "/" + total
                + "  " + clock(elapsed) + " elapsed  " + eta + "  " + what;
        if (redraw) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
            if (done == total) out.println();
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String clock(Duration time) {
        long seconds = time.toSeconds();
        return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}
