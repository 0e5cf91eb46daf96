package engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The pipeline for one submission: compile it with the grader's tests, then run them in a JVM of its own. */
public final class Grading {

    /**
     * Everything the report needs about one graded submission.
     *
     * @param notes  what the grader left out of the submission, and why
     * @param output what the test JVM printed; null if it never ran
     */
    public record Verdict(Submission submission, List<String> compileErrors, List<TestResult> tests,
                          String crash, CappedOutput.Output output, List<String> notes) {

        public long passed() { return tests.stream().filter(t -> t.status() == TestResult.Status.PASSED).count(); }

        /** Failed tests; a submission that did not compile, crashed or ran no test counts as one more. */
        public long failed() {
            long failedTests = tests.stream().filter(TestResult::failed).count();
            return failedTests + (problem() == null ? 0 : 1);
        }

        /** What went wrong with the run as a whole, or null. */
        public String problem() {
            if (!compileErrors.isEmpty()) return "It does not compile:";
            if (crash != null) return crash;
            if (tests.isEmpty()) return "No test ran: the grader found no tests for this exercise.";
            return null;
        }

        public boolean succeeded() { return failed() == 0; }

        /** The named test's result in the given round, if it ran. */
        public Optional<TestResult> test(String method, int round) {
            return tests.stream().filter(t -> t.method().equals(method) && t.round() == round).findFirst();
        }
    }

    private Grading() {}

    public static Verdict grade(Course course, Submission submission) throws IOException, InterruptedException {
        return grade(course, submission, Selection.EVERY_TEST);
    }

    /** Runs only the selected tests, as many rounds as the selection says. */
    public static Verdict grade(Course course, Submission submission, Selection selection)
            throws IOException, InterruptedException {
        Path work = course.workDir().resolve(submission.label());
        Path classes = work.resolve("classes");
        TestJvm jvm = TestJvm.start(course, submission, classes, work, selection);
        Compilation.Result compiled;
        try {
            compiled = Compilation.compile(course, submission, classes);
        } catch (IOException | RuntimeException e) {
            jvm.cancel();
            throw e;
        }
        if (!compiled.succeeded()) {
            jvm.cancel();
            return new Verdict(submission, compiled.errors(), List.of(), null, null, compiled.notes());
        }
        TestJvm.Run run = jvm.run();
        return new Verdict(submission, List.of(), run.tests(), run.crash(), run.output(), compiled.notes());
    }
}
