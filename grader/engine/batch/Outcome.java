package engine.batch;

import engine.Exercise;
import engine.Grading;
import engine.Score;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * One student's result for one exercise: the grader's verdict, or why there is none.
 *
 * @param verdict null when nothing was graded
 * @param problem why nothing was graded (not submitted, the grader itself failed), or null
 * @param time    how long grading it took, all phases together
 */
public record Outcome(Student student, Exercise exercise, Grading.Verdict verdict, String problem, Duration time) {

    public static final String NOT_SUBMITTED = "Not submitted";

    static Outcome notSubmitted(Student student, Exercise exercise) {
        String why = student.problem() != null ? student.problem()
                : NOT_SUBMITTED + ": no " + exercise.dir() + "/" + exercise.file() + " in the submission.";
        return new Outcome(student, exercise, null, why, Duration.ZERO);
    }

    static Outcome graderFailed(Student student, Exercise exercise, Throwable failure, Duration time) {
        return new Outcome(student, exercise, null, "The grader could not grade it: " + failure, time);
    }

    /** What went wrong with the submission or its run as a whole, or null if its tests simply ran. */
    public String trouble() {
        return verdict != null && verdict.problem() != null ? verdict.problem() : problem;
    }

    /** The trouble in one line, with javac's first complaint if it did not compile; null if there was none. */
    public String headline() {
        String trouble = trouble();
        if (trouble == null) return null;
        String line = trouble.lines().findFirst().orElse(trouble);
        if (verdict == null || verdict.compileErrors().isEmpty()) return line;
        return line + " " + verdict.compileErrors().getFirst().lines().findFirst().orElse("");
    }

    /** This outcome with the speed-up phase's tests, crash and time added. */
    Outcome with(Outcome speedUp) {
        if (verdict == null) return this;
        if (speedUp.verdict == null) {
            return new Outcome(student, exercise, verdict, speedUp.problem, time.plus(speedUp.time));
        }
        Grading.Verdict more = speedUp.verdict;
        var merged = new Grading.Verdict(verdict.submission(),
                Stream.concat(verdict.compileErrors().stream(), more.compileErrors().stream()).toList(),
                Stream.concat(verdict.tests().stream(), more.tests().stream()).toList(),
                verdict.crash() != null ? verdict.crash() : more.crash(), verdict.output(),
                Stream.concat(verdict.notes().stream(), more.notes().stream()).distinct().toList());
        return new Outcome(student, exercise, merged, problem, time.plus(speedUp.time));
    }

    public Score score(int testsInExercise) {
        return verdict == null ? new Score(exercise, 0, exercise.points(), List.of())
                : Score.of(verdict, testsInExercise);
    }
}
