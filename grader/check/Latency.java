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
        return Run.of(action).took();
    }

    /// Asserts that `action`, which runs tasks waiting `waits`, takes less than the longest wait
    /// plus `slack` (which should be well below the sum). A slow run is retried, up to `attempts`
    /// runs in all, so that a pause of the machine cannot fail it; a run that took about the sum
    /// is not noise and is not retried. Returns the fastest time; a failure shows what `recording`
    /// saw run during the fastest run.
    public static Duration assertAboutTheLongest(List<Duration> waits, Duration slack, int attempts,
                                                 Recording recording, Callable<?> action) throws Exception {
        var longest = Collections.max(waits);
        var sum = waits.stream().reduce(Duration.ZERO, Duration::plus);
        var bound = longest.plus(slack);
        var aboutTheSum = sum.multipliedBy(9).dividedBy(10);
        var best = Run.of(action);
        int runs = 1;
        for (; runs < attempts && best.took().compareTo(bound) >= 0 && best.took().compareTo(aboutTheSum) < 0; runs++) {
            var again = Run.of(action);
            if (again.took().compareTo(best.took()) < 0) best = again;
        }
        var took = best.took();
        var what = took.compareTo(aboutTheSum) >= 0
                ? "your tasks ran one after another: total %s ≈ the sum of the waits (%s), expected ≈ the longest (%s)"
                : "your tasks overlapped only partly: total %s, the sum of the waits is %s, expected ≈ the longest (%s)";
        assertThat(took)
                .withFailMessage(what + ": under %s. What ran, from the call to its return%s:%s", seconds(took),
                        seconds(sum), seconds(longest), seconds(bound),
                        runs > 1 ? " (the fastest of " + runs + " runs)" : "",
                        recording.picture(best.from(), best.to()))
                .isLessThan(bound);
        return took;
    }

    /// One timed run of an action, between two System.nanoTime() values.
    private record Run(long from, long to) {

        static Run of(Callable<?> action) throws Exception {
            long from = System.nanoTime();
            action.call();
            return new Run(from, System.nanoTime());
        }

        Duration took() {
            return Duration.ofNanos(to - from);
        }
    }

    /// e.g. `1.50 s`
    public static String seconds(Duration d) {
        return "%.2f s".formatted(d.toNanos() / 1e9);
    }
}
