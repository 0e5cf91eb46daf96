package check;

import com.sun.management.OperatingSystemMXBean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestReporter;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CPU speed-up checks shared by every exercise: is the student's parallel version really faster than one
 * thread, by as much as this machine's cores allow?
 *
 * <p>How it stays honest: both versions are warmed up first (JIT); then they run in alternating pairs, the
 * order flipping each pair, and the verdict is the median of the per-pair ratios, so one slow moment does not
 * decide it. The threshold is scaled to p = min(cores, tasks): half of the speed-up Amdahl's law allows for a
 * 95 % parallel program, pass ≥ 1 + 0.5·(S(p) − 1), which is 1.45× on 2 cores, 2.24× on 4, 3.46× on 8.
 * A reference kernel, timed between the pairs, shows whether the machine itself could reach it meanwhile;
 * if not (another program is busy), the check retries, and if the machine stays busy it is skipped as
 * inconclusive rather than failing the student.
 */
public final class SpeedUp {

    static final double PARALLEL_FRACTION = 0.95;
    public static final String EFFICIENCY_PROPERTY = "grader.speedUpEfficiency";
    /** The share of Amdahl's speed-up required; an instructor sets it in course.json ("speedUpEfficiency"). */
    static final double EFFICIENCY = Double.parseDouble(System.getProperty(EFFICIENCY_PROPERTY, "0.5"));
    private static final int PAIRS = 5;
    private static final int ATTEMPTS = 3;
    /**
     * One thread cannot keep more than one core busy (JIT and GC threads add a little): a parallel version that
     * used fewer cores than this ran one thing at a time, whatever speed-up a noisy machine showed.
     */
    static final double MIN_CORES_BUSY = 1.2;
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * One measurement: the median ratio of baseline time to parallel time, and what it was held against.
     *
     * @param coresBusy this JVM's CPU time over wall time during the parallel runs (median); NaN where the
     *                  work runs in other processes
     */
    public record Measurement(double speedUp, double threshold, int parallelism, int cores, double reference,
                              double coresBusy) {

        public boolean passed() {
            return speedUp >= threshold && !ranOnOneCore();
        }

        public boolean ranOnOneCore() {
            return coresBusy < MIN_CORES_BUSY;
        }

        public boolean machineBusy() {
            return reference < threshold;
        }

        @Override
        public String toString() {
            return String.format("speed-up %.2f× with %d threads on %d cores (threshold %.2f×; reference kernel %.2f×%s)",
                    speedUp, parallelism, cores, threshold, reference,
                    Double.isNaN(coresBusy) ? "" : String.format("; %.1f cores busy", coresBusy));
        }
    }

    private SpeedUp() {}

    /** The least speed-up that passes with p threads of CPU work. */
    public static double threshold(int p) {
        double amdahl = 1 / ((1 - PARALLEL_FRACTION) + PARALLEL_FRACTION / p);
        return 1 + EFFICIENCY * (amdahl - 1);
    }

    /**
     * Asserts that {@code parallel} does the work of {@code baseline} faster by the threshold for
     * min(cores, tasks) threads; publishes the measured figures to the report whether it passes or not.
     */
    public static void assertFaster(TestReporter reporter, int tasks, Runnable baseline, Runnable parallel) {
        assertFaster(reporter, tasks, baseline, parallel, true);
    }

    /** {@link #assertFaster}, for work done in other processes: their CPU time is not this JVM's to count. */
    public static void assertFasterAcrossProcesses(TestReporter reporter, int tasks, Runnable baseline,
                                                   Runnable parallel) {
        assertFaster(reporter, tasks, baseline, parallel, false);
    }

    private static void assertFaster(TestReporter reporter, int tasks, Runnable baseline, Runnable parallel,
                                     boolean inThisJvm) {
        int cores = Runtime.getRuntime().availableProcessors();
        int p = Math.min(cores, tasks);
        Assumptions.assumeTrue(p > 1, () -> "Java sees " + cores + " core here" + (tasks < 2 ? "s but only 1 task" : "")
                + ", so no speed-up is possible and this check is skipped. Run it on a machine with 2 or more cores"
                + " (on Gradescope, raise the autograder's CPU setting).");
        Measurement measurement = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            measurement = measure(p, cores, baseline, parallel, inThisJvm);
            if (measurement.passed() || !measurement.machineBusy()) {
                break;
            }
            reporter.publishEntry("inconclusive, retrying: the machine is busy (" + measurement + ")");
        }
        reporter.publishEntry(measurement.toString());
        Measurement last = measurement;
        Assumptions.assumeFalse(last.machineBusy() && !last.passed(), () -> "Inconclusive: this machine was too busy"
                + " to measure a speed-up (" + last + "). Close other programs and grade again.");
        assertThat(last.speedUp())
                .withFailMessage(() -> String.format("Your parallel version was only %.2f× as fast as one thread with %d"
                                + " threads on %d cores; it needs at least %.2f×. Is the work really split across threads,"
                                + " or do the threads wait for each other (one lock held around all the work, join()"
                                + " right after each start())? Measured: %s.",
                        last.speedUp(), last.parallelism(), last.cores(), last.threshold(), last))
                .isGreaterThanOrEqualTo(last.threshold());
        if (Double.isNaN(last.coresBusy())) return;
        assertThat(last.coresBusy())
                .withFailMessage(() -> String.format("Your parallel version measured %.2f× as fast as one thread, but it"
                                + " kept only %.1f cores busy: its work ran on one thread at a time, so that figure was"
                                + " the machine's noise, not parallelism. Measured: %s.",
                        last.speedUp(), last.coresBusy(), last))
                .isGreaterThanOrEqualTo(MIN_CORES_BUSY);
    }

    /**
     * Median ratio over alternating pairs. The reference kernel runs a pair of its own after each of them, so
     * it samples the machine at the same moments as the measurement, not only before and after it.
     */
    public static Measurement measure(int p, int cores, Runnable baseline, Runnable parallel) {
        return measure(p, cores, baseline, parallel, true);
    }

    private static Measurement measure(int p, int cores, Runnable baseline, Runnable parallel, boolean inThisJvm) {
        Pair reference = referencePair(p);
        baseline.run();
        parallel.run();
        Pair measured = new Pair(baseline, parallel);
        List<Double> ratios = new ArrayList<>();
        List<Double> references = new ArrayList<>();
        for (int pair = 0; pair < PAIRS; pair++) {
            ratios.add(measured.ratio(pair % 2 == 0));
            references.add(reference.ratio(pair % 2 == 1));
        }
        return new Measurement(median(ratios), threshold(p), p, cores, median(references),
                inThisJvm ? median(measured.coresBusy) : Double.NaN);
    }

    /**
     * What this machine gives right now: the same square-root sum on 1 thread and on p threads, warmed up: in a fresh JVM its first runs are interpreted or half-compiled, and a
     * reference taken then says "busy" on an idle machine.
     */
    private static Pair referencePair(int p) {
        long work = 8_000_000L * p;
        Pair reference = new Pair(() -> Kernels.sink = Kernels.sumOfSquareRoots(0, work),
                () -> Kernels.sink = Kernels.onThreads(p, work, Kernels::sumOfSquareRoots));
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            reference.ratio(true);
        }
        return reference;
    }

    /** One thread's version and the parallel one of the same work, timed back to back. */
    private record Pair(Runnable baseline, Runnable parallel, List<Double> coresBusy) {

        Pair(Runnable baseline, Runnable parallel) {
            this(baseline, parallel, new ArrayList<>());
        }

        /** Baseline time over parallel time, timing the baseline first or second. */
        double ratio(boolean baselineFirst) {
            long base = baselineFirst ? time(baseline) : 0;
            long cpu = OS.getProcessCpuTime();
            long par = time(parallel);
            coresBusy.add(cpu < 0 ? Double.NaN : (double) (OS.getProcessCpuTime() - cpu) / par);
            if (!baselineFirst) base = time(baseline);
            return (double) base / par;
        }
    }

    private static long time(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return System.nanoTime() - start;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }
}
