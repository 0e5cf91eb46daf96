package engine;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

import static engine.Terminal.*;

/** Stage 4: one line per test with its sentence, failures in the test's words, the measured figures. */
public final class Report {

    /** How far a failure's message and details are indented, under their test's line. */
    public static final String DETAIL_INDENT = "      ";
    private static final int OUTPUT_LINES_SHOWN = 15;
    private static final int OUTPUT_TAIL_BYTES = 16 * 1024;

    private final PrintStream out;
    private final Course course;
    private long passed;
    private long failed;

    public Report(PrintStream out, Course course) {
        this.out = out;
        this.course = course;
    }

    public void print(Grading.Verdict verdict) {
        Submission submission = verdict.submission();
        Exercise exercise = submission.exercise();
        out.println(bold(exercise.id() + " · " + exercise.title()) + dim("  " + course.show(submission.editedFile())));
        verdict.notes().forEach(note -> out.println("  " + yellow("note:") + " " + note));
        for (TestResult test : verdict.tests()) {
            switch (test.status()) {
                case PASSED -> out.println("  " + green(PASS) + " " + test.displayName());
                case FAILED -> out.println("  " + red(FAIL) + " " + test.displayName());
                case SKIPPED -> out.println("  " + yellow(SKIP) + " " + test.displayName() + dim(" (skipped)"));
            }
            indented(test.status() == TestResult.Status.PASSED ? List.of() : List.of(test.message()));
            indented(test.details());
        }
        String problem = verdict.problem();
        if (problem != null) {
            out.println("  " + red(FAIL) + " " + problem);
            indented(verdict.compileErrors());
            if (verdict.crash() != null) showOutputTail(verdict);
        }
        if (verdict.output() != null && verdict.output().cut()) {
            out.println("  " + yellow("note:") + " your code printed " + verdict.output().printed()
                    + "; the middle is cut: " + course.show(verdict.output().file()) + " keeps the first and the last "
                    + CappedOutput.KEPT_BYTES / 1024 + " KiB.");
        }
        passed += verdict.passed();
        failed += verdict.failed();
        out.println("  " + summary(verdict.passed(), verdict.failed()));
        out.println();
    }

    /** The closing line: {@code N passed, N failed}, over everything this report printed. */
    public void printTotal() {
        out.println(passed + " passed, " + failed + " failed");
    }

    public boolean allPassed() {
        return failed == 0;
    }

    private void indented(List<String> lines) {
        lines.stream().flatMap(String::lines).filter(line -> !line.isBlank())
                .forEach(line -> out.println(DETAIL_INDENT + line));
    }

    private void showOutputTail(Grading.Verdict verdict) {
        try {
            List<String> lines = verdict.output().tail(OUTPUT_TAIL_BYTES).lines().toList();
            if (lines.isEmpty()) return;
            out.println(dim(DETAIL_INDENT + "last lines your program printed (all of it: "
                    + course.show(verdict.output().file()) + "):"));
            lines.subList(Math.max(0, lines.size() - OUTPUT_LINES_SHOWN), lines.size())
                    .forEach(line -> out.println(dim(DETAIL_INDENT + "| " + line)));
        } catch (IOException e) {
            out.println(dim(DETAIL_INDENT + "(no output to show: " + e.getMessage() + ")"));
        }
    }

    private static String summary(long passed, long failed) {
        String text = passed + " passed, " + failed + " failed";
        return failed == 0 ? green(text) : red(text);
    }
}
