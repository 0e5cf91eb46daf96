package engine;

import java.util.List;

/**
 * Points for one graded exercise: its points are shared equally by its tests, so a half-right submission
 * earns about half. A submission that does not compile, crashes before its tests end or runs no test earns
 * points only for the tests that passed before that.
 *
 * @param tests one entry per test that ran, with its share
 */
public record Score(Exercise exercise, double points, double max, List<TestScore> tests) {

    /** One test's share: its full share if it passed, none otherwise (a skipped speed-up test gets its share). */
    public record TestScore(TestResult test, double points, double max) {}

    public static Score of(Grading.Verdict verdict, int testsInExercise) {
        Exercise exercise = verdict.submission().exercise();
        double share = exercise.points() / Math.max(1, testsInExercise);
        List<TestScore> tests = verdict.tests().stream()
                .map(t -> new TestScore(t, t.failed() ? 0 : share, share))
                .toList();
        double points = tests.stream().mapToDouble(TestScore::points).sum();
        return new Score(exercise, Math.min(points, exercise.points()), exercise.points(), tests);
    }
}
