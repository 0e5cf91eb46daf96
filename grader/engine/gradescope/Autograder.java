package engine.gradescope;

import engine.CappedOutput;
import engine.Course;
import engine.Exercise;
import engine.Grading;
import engine.Report;
import engine.Score;
import engine.Submission;
import engine.TestResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the zip's run_autograder runs for one Gradescope submission: puts the student's files in place, grades
 * each submitted exercise in its own JVM, and turns the verdicts into results.json: one entry per test, each
 * worth its share of the exercise's points ({@link Score}), and one entry for what could not be graded.
 * One instance grades one submission.
 */
public final class Autograder {

    private static final int OUTPUT_TAIL_BYTES = 4 * 1024;
    private static final double NOTHING = 1e-9;

    private final Course course;
    private final Manifest manifest;
    private final PrintStream log;
    private final List<String> summary = new ArrayList<>();
    private int speedUpsSkipped;

    /** @param log what run_autograder prints: Gradescope keeps it for the instructor */
    public Autograder(Course course, Manifest manifest, PrintStream log) {
        this.course = course;
        this.manifest = manifest;
        this.log = log;
    }

    public Results grade(Path submission) throws IOException, InterruptedException {
        long start = System.nanoTime();
        List<Exercise> expected = manifest.exercises().stream().map(e -> course.exercise(e.id())).toList();
        SubmittedFiles.Placement placement = SubmittedFiles.place(course, expected, submission);
        Report report = new Report(log, course);
        List<Results.Test> tests = new ArrayList<>();
        double score = 0;
        for (Exercise exercise : expected) {
            if (!placement.submitted().contains(exercise)) {
                tests.add(notSubmitted(exercise));
                continue;
            }
            Grading.Verdict verdict = Grading.grade(course, Submission.student(course, exercise));
            report.print(verdict);
            Score scored = Score.of(verdict, manifest.of(exercise).tests());
            tests.addAll(entries(scored, verdict));
            score += scored.points();
            summary.add(String.format("%s · %s: %s of %s points", exercise.id(), exercise.title(),
                    points(scored.points()), points(scored.max())));
        }
        summary.addAll(placement.notes());
        speedUpNote().ifPresent(summary::add);
        long seconds = Math.round((System.nanoTime() - start) / 1e9);
        return new Results(score, seconds, String.join("\n", summary), Results.TEXT, course.settings().visibility(),
                "hidden", tests);
    }

    private List<Results.Test> entries(Score scored, Grading.Verdict verdict) {
        Exercise exercise = scored.exercise();
        List<String> speedUpTests = manifest.of(exercise).speedUpTests();
        List<Results.Test> entries = new ArrayList<>();
        for (Score.TestScore test : scored.tests()) {
            TestResult result = test.test();
            boolean speedUp = speedUpTests.contains(result.method());
            if (speedUp && result.status() == TestResult.Status.SKIPPED) speedUpsSkipped++;
            entries.add(Results.Test.of(exercise.id() + " · " + result.displayName(), number(exercise, entries.size()),
                    test.points(), test.max(), !result.failed(), explain(result), exercise.visibility(),
                    speedUp ? List.of(exercise.id(), "speed-up") : List.of(exercise.id())));
        }
        double unscored = scored.max() - scored.tests().stream().mapToDouble(Score.TestScore::max).sum();
        if (verdict.problem() != null || unscored > NOTHING) {
            entries.add(Results.Test.of(exercise.id() + " · " + problemTitle(verdict), number(exercise, entries.size()),
                    0, Math.max(0, unscored), false, problemDetails(verdict), exercise.visibility(), List.of(exercise.id())));
        }
        return entries;
    }

    private Results.Test notSubmitted(Exercise exercise) {
        summary.add(exercise.id() + " · " + exercise.title() + ": not submitted (no " + exercise.file() + " found)");
        return Results.Test.of(exercise.id() + " · " + exercise.title() + ": not submitted", number(exercise, 0),
                0, exercise.points(), false, "Your submission has no " + exercise.file() + ". Upload it, or its folder "
                        + exercise.dir() + "/, to have this exercise graded.", exercise.visibility(), List.of(exercise.id()));
    }

    private static String explain(TestResult result) {
        List<String> lines = new ArrayList<>();
        switch (result.status()) {
            case FAILED -> lines.add(result.message());
            case SKIPPED -> lines.add("Skipped, and counted as passed: " + result.message());
            case PASSED -> { }
        }
        lines.addAll(result.details());
        String text = String.join("\n", lines).strip();
        return text.isEmpty() ? null : text;
    }

    private static String problemTitle(Grading.Verdict verdict) {
        if (!verdict.compileErrors().isEmpty()) return "it does not compile";
        return "the tests that did not run";
    }

    private String problemDetails(Grading.Verdict verdict) {
        String problem = verdict.problem() == null ? "Some tests did not report a result." : verdict.problem();
        List<String> lines = new ArrayList<>(List.of(problem));
        lines.addAll(verdict.compileErrors());
        if (verdict.crash() != null) {
            lines.add("The last lines your program printed:");
            lines.add(outputTail(verdict.output()));
        }
        return String.join("\n", lines);
    }

    /** Why speed-up checks were skipped, and how an instructor gets them to run. */
    private Optional<String> speedUpNote() {
        if (speedUpsSkipped == 0) return Optional.empty();
        int cores = Runtime.getRuntime().availableProcessors();
        String checks = speedUpsSkipped + " speed-up check" + (speedUpsSkipped == 1 ? " was" : "s were");
        if (cores < 2) {
            return Optional.of(checks + " skipped and counted as passed: Java sees " + cores + " CPU core"
                    + " here, and a speed-up needs at least 2. Gradescope gives an autograder half a CPU unless the"
                    + " instructor chooses more in the assignment's Autograder Settings; with 2 or more CPUs these"
                    + " checks run.");
        }
        return Optional.of(checks + " skipped and counted as passed: the grading machine was too busy to"
                + " measure a speed-up on its " + cores + " cores.");
    }

    private String number(Exercise exercise, int index) {
        return (course.exercises().indexOf(exercise) + 1) + "." + (index + 1);
    }

    private static String points(double points) {
        return Math.rint(points) == points ? String.valueOf((long) points) : String.format("%.2f", points);
    }

    /** Only the end: a submission may have printed gigabytes. */
    private static String outputTail(CappedOutput.Output output) {
        if (output == null) return "(nothing)";
        try {
            String text = output.tail(OUTPUT_TAIL_BYTES).strip();
            return text.isEmpty() ? "(nothing)" : text;
        } catch (IOException e) {
            return "(no output to show: " + e.getMessage() + ")";
        }
    }
}
