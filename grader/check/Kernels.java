package check;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.stream.IntStream;

/** CPU-bound reference work of a known size, for speed-up checks and their calibration. */
public final class Kernels {

    /** A range of work: [from, to). */
    @FunctionalInterface
    public interface RangeWork {
        double run(long from, long to);
    }

    /** Where results go so that the JIT cannot drop work whose result nobody reads. */
    public static volatile double sink;

    private Kernels() {}

    /** Σ √i over [from, to): the CPU-bound task of lesson 1. */
    public static double sumOfSquareRoots(long from, long to) {
        double sum = 0;
        for (long i = from; i < to; i++) {
            sum += Math.sqrt(i);
        }
        return sum;
    }

    /** Splits [0, work) into {@code threads} equal parts, each on a platform thread of its own, and joins them. */
    public static double onThreads(int threads, long work, RangeWork part) {
        DoubleAdder total = new DoubleAdder();
        Thread[] running = IntStream.range(0, threads)
                .mapToObj(t -> Thread.ofPlatform().start(() ->
                        total.add(part.run(work * t / threads, work * (t + 1) / threads))))
                .toArray(Thread[]::new);
        for (Thread thread : running) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while joining reference threads", e);
            }
        }
        return total.sum();
    }
}
