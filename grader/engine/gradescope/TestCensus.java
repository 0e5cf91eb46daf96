package engine.gradescope;

import engine.Course;
import engine.Exercise;
import engine.Grading;
import engine.Selection;
import engine.Submission;
import engine.TestResult;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts each exercise's tests by grading its reference solution, the speed-up tests apart from the others:
 * the counts are what a real run reports, and the solutions are checked against this very grader on the way.
 */
final class TestCensus {

    private TestCensus() {}

    static Manifest take(Course course, List<Exercise> exercises, PrintStream out)
            throws IOException, InterruptedException {
        List<Manifest.ExerciseTests> counted = new ArrayList<>();
        for (Exercise exercise : exercises) {
            long start = System.nanoTime();
            Grading.Verdict speedUp = grade(course, exercise, Selection.SPEED_UP_TESTS);
            Grading.Verdict others = grade(course, exercise, Selection.ALL_BUT_SPEED_UP_TESTS);
            List<String> speedUpTests = speedUp.tests().stream().map(TestResult::method).toList();
            int tests = speedUpTests.size() + others.tests().size();
            long failed = speedUp.tests().stream().filter(TestResult::failed).count()
                    + others.tests().stream().filter(TestResult::failed).count();
            out.printf("  %s: %d tests (%d speed-up), solution graded in %.0f s%s%n", exercise.id(), tests,
                    speedUpTests.size(), (System.nanoTime() - start) / 1e9,
                    failed == 0 ? "" : "; " + failed + " failed here: check with ./jbang grade --solutions "
                            + exercise.id());
            counted.add(new Manifest.ExerciseTests(exercise.id(), tests, speedUpTests));
        }
        return new Manifest(counted);
    }

    /** A solution that does not compile or crashes would give a wrong count: no zip is better than that one. */
    private static Grading.Verdict grade(Course course, Exercise exercise, Selection tests)
            throws IOException, InterruptedException {
        Grading.Verdict verdict = Grading.grade(course, Submission.solution(course, exercise), tests);
        if (!verdict.compileErrors().isEmpty() || verdict.crash() != null) {
            throw new IllegalStateException("The solution of " + exercise.id() + " cannot be graded, so its tests"
                    + " cannot be counted: " + verdict.problem() + " " + String.join("\n", verdict.compileErrors())
                    + " Run ./jbang grade --solutions " + exercise.id() + " to see why.");
        }
        return verdict;
    }
}
