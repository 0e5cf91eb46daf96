package engine.mutation;

import engine.Course;
import engine.Grading;
import engine.Selection;
import engine.TestResult;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Grades one generated mutant with every test of its exercise. */
public final class MutantGrading {

    public enum Outcome {
        /** A test failed, or the run crashed or timed out. */
        KILLED,
        /** Every test passed. */
        SURVIVED,
        /** Every test ran passed but a speed-up test skipped (one core, a busy machine): proves nothing. */
        INCONCLUSIVE,
        /** It does not compile: not counted. */
        STILLBORN,
        /** Listed in equivalent-mutants.txt: not run. */
        EQUIVALENT
    }

    /** @param detail the tests that killed it, javac's first error, why it was inconclusive or equivalent */
    public record Result(GeneratedMutant mutant, Outcome outcome, String detail, double seconds) {}

    private MutantGrading() {}

    public static Result grade(Course course, GeneratedMutant mutant) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Grading.Verdict verdict = Grading.grade(course, mutant.submission(course), Selection.EVERY_TEST);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!verdict.compileErrors().isEmpty()) {
            return new Result(mutant, Outcome.STILLBORN, firstLine(verdict.compileErrors().getFirst()), seconds);
        }
        List<String> killers = verdict.tests().stream().filter(TestResult::failed).map(TestResult::method)
                .distinct().toList();
        if (!killers.isEmpty()) {
            String named = String.join(", ", killers.subList(0, Math.min(3, killers.size())));
            return new Result(mutant, Outcome.KILLED,
                    killers.size() > 3 ? named + " and " + (killers.size() - 3) + " more" : named, seconds);
        }
        if (verdict.problem() != null) {
            return new Result(mutant, Outcome.KILLED, firstLine(verdict.problem()), seconds);
        }
        Optional<TestResult> skipped = verdict.tests().stream()
                .filter(t -> t.status() == TestResult.Status.SKIPPED).findFirst();
        return skipped.map(t -> new Result(mutant, Outcome.INCONCLUSIVE, t.method() + " skipped: "
                        + firstLine(t.message()), seconds))
                .orElseGet(() -> new Result(mutant, Outcome.SURVIVED, "", seconds));
    }

    public static Result equivalent(GeneratedMutant mutant, String reason) {
        return new Result(mutant, Outcome.EQUIVALENT, reason, 0);
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("").strip();
    }
}
