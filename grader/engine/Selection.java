package engine;

import check.SpeedUpTest;

import java.util.List;

/**
 * Which of an exercise's tests a run executes, and how many rounds.
 *
 * @param methods test methods to run; empty: every test
 * @param tags    a JUnit tag expression such as {@code speed-up} or {@code !speed-up}; empty: any
 * @param rounds  how many times the selection runs in one JVM (stress runs of the self-test)
 */
public record Selection(List<String> methods, String tags, int rounds) {

    public static final Selection EVERY_TEST = new Selection(List.of(), "", 1);
    /** The tests that measure CPU speed-up: they need the cores to themselves. */
    public static final Selection SPEED_UP_TESTS = tagged(SpeedUpTest.TAG);
    /** Every test but the speed-up ones: these may run beside other work. */
    public static final Selection ALL_BUT_SPEED_UP_TESTS = tagged("!" + SpeedUpTest.TAG);

    public Selection {
        methods = List.copyOf(methods);
        if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1, not " + rounds);
    }

    public static Selection methods(List<String> methods) {
        return new Selection(methods, "", 1);
    }

    private static Selection tagged(String tags) {
        return new Selection(List.of(), tags, 1);
    }

    public Selection inRounds(int rounds) {
        return new Selection(methods, tags, rounds);
    }
}
