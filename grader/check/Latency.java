package check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/// Latency assertions that hold on any number of cores: waiting tasks that run at the same time
/// take about as long as the longest wait, whatever the CPU count; one after another, the sum.
public final class Latency {

    private Latency() {}

    /// How long `action` took.
    public static Duration time(Callable<?> action) throws Exception {
        long start = System.nanoTime();
        action.call();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /// Asserts that `action`, which runs tasks waiting `waits`, takes less than the longest wait
    /// plus `slack` (which should be well below the sum). A slow run is retried, up to `attempts`
    /// runs in all, so that a pause of the machine cannot fail it; a run that took about the sum
    /// is not noise and is not retried. Returns the fastest time.
    public static Duration assertAboutTheLongest(List<Duration> waits, Duration slack, int attempts, Callable<?> action)
            throws Exception {
        var longest = Collections.max(waits);
        var sum = waits.stream().reduce(Duration.ZERO, Duration::plus);
        var bound = longest.plus(slack);
        var aboutTheSum = sum.multipliedBy(9).dividedBy(10);
        var best = time(action);
        for (int run = 1; run < attempts && best.compareTo(bound) >= 0 && best.compareTo(aboutTheSum) < 0; run++) {
            var again = time(action);
            if (again.compareTo(best) < 0) best = again;
        }
        var what = best.compareTo(aboutTheSum) >= 0
                ? "your tasks ran one after another: total %s ≈ the sum of the waits (%s), expected ≈ the longest (%s)"
                : "your tasks overlapped only partly: total %s, the sum of the waits is %s, expected ≈ the longest (%s)";
        assertThat(best)
                .withFailMessage(what + ": under %s", seconds(best), seconds(sum), seconds(longest), seconds(bound))
                .isLessThan(bound);
        return best;
    }

    /// e.g. `1.50 s`
    public static String seconds(Duration d) {
        return "%.2f s".formatted(d.toNanos() / 1e9);
    }
}
