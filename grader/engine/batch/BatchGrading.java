package engine.batch;

import engine.Course;
import engine.Exercise;
import engine.Grading;
import engine.Terminal;
import engine.TestResult;
import engine.batch.Jobs.Phase;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Grades every student x exercise of a batch. First the reference solutions, once: they tell how many tests
 * each exercise has (its points are shared by them) and prove that this machine grades right. Then phase 1
 * runs every test but the speed-up ones, {@code parallel} jobs at once; phase 2 runs the speed-up tests one
 * job at a time, with nothing beside them; each student x exercise gets both phases' results.
 */
public final class BatchGrading {

    private final Course course;
    private final List<Exercise> exercises;
    private final int parallel;
    private final PrintStream out;
    private final Jobs jobs;
    private final Map<Exercise, Integer> testCounts = new HashMap<>();
    private final Set<Exercise> withSpeedUpTests = new HashSet<>();
    private final List<String> referenceFailures = new ArrayList<>();

    public BatchGrading(Course course, List<Exercise> exercises, int parallel, PrintStream out) {
        this.course = course;
        this.exercises = List.copyOf(exercises);
        this.parallel = parallel;
        this.out = out;
        this.jobs = new Jobs(course);
    }

    public BatchResult run(List<Student> students) throws InterruptedException {
        long start = System.nanoTime();
        gradeReference();
        out.printf("%nGrading %d students x %d exercises, %d at a time%s.%n", students.size(), exercises.size(),
                parallel, withSpeedUpTests.isEmpty() ? "" : "; then the speed-up tests, one at a time");
        Progress progress = new Progress(out, students.size() * exercises.size());
        List<Callable<Outcome>> firstPhase = new ArrayList<>();
        for (Student student : students) {
            for (Exercise exercise : exercises) {
                firstPhase.add(() -> {
                    Outcome outcome = jobs.grade(student, exercise, Phase.OTHERS);
                    if (!needsSpeedUpPhase(outcome)) progress.done(describe(outcome));
                    return outcome;
                });
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Outcome outcome : Jobs.run(firstPhase, parallel)) {
            if (needsSpeedUpPhase(outcome)) {
                outcome = outcome.with(jobs.grade(outcome.student(), outcome.exercise(), Phase.SPEED_UP));
                progress.done(describe(outcome));
            }
            outcomes.add(outcome);
        }
        return new BatchResult(exercises, grades(students, outcomes), referenceFailures,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** Grades the reference solutions, both phases, to count each exercise's tests; any failure is a warning. */
    private void gradeReference() throws InterruptedException {
        out.println("Grading the reference solutions: they count each exercise's tests and check this machine.");
        // A hidden name, which no student has: the roster skips hidden folders.
        Student reference = new Student(".solutions", course.solutionsDir(), null);
        List<Callable<Outcome>> firstPhase = exercises.stream()
                .<Callable<Outcome>>map(exercise -> () -> jobs.grade(reference, exercise, Phase.OTHERS)).toList();
        for (Outcome others : Jobs.run(firstPhase, parallel)) {
            Exercise exercise = others.exercise();
            Outcome speedUp = jobs.grade(reference, exercise, Phase.SPEED_UP);
            int speedUpTests = speedUp.verdict() == null ? 0 : speedUp.verdict().tests().size();
            if (speedUpTests > 0) withSpeedUpTests.add(exercise);
            Outcome both = others.with(speedUp);
            int tests = both.verdict() == null ? 0 : both.verdict().tests().size();
            testCounts.put(exercise, tests);
            String failure = referenceFailure(others, speedUp, speedUpTests);
            if (failure == null) {
                long skipped = both.verdict().tests().stream()
                        .filter(t -> t.status() == TestResult.Status.SKIPPED).count();
                out.printf("  %s %s: %d tests (%d speed-up), %.1f s%s%n", Terminal.PASS, exercise.id(), tests,
                        speedUpTests, both.time().toMillis() / 1e3, skipped == 0 ? ""
                                : Terminal.yellow(", " + skipped + " skipped as inconclusive: the machine is busy"));
            } else {
                referenceFailures.add(exercise.id() + ": " + failure);
                out.println(Terminal.red(Terminal.bold("  " + Terminal.FAIL + " " + exercise.id()
                        + ": THE REFERENCE SOLUTION FAILS HERE: " + failure)));
                out.println(Terminal.red("    The machine is too busy or the course is broken:"
                        + " grades for " + exercise.id() + " are not to be trusted."));
            }
        }
    }

    /** Why a reference solution's run is wrong, or null; a phase without tests is fine (not all have speed-up tests). */
    private static String referenceFailure(Outcome others, Outcome speedUp, int speedUpTests) {
        for (Outcome phase : List.of(others, speedUp)) {
            Grading.Verdict verdict = phase.verdict();
            if (verdict == null) return phase.problem();
            if (!verdict.compileErrors().isEmpty()) return "it does not compile: " + verdict.compileErrors().getFirst();
            if (verdict.crash() != null) return verdict.crash();
            var failed = verdict.tests().stream().filter(TestResult::failed)
                    .map(t -> t.displayName() + ": " + t.message()).toList();
            if (!failed.isEmpty()) return failed.size() + " tests failed: " + String.join("; ", failed);
        }
        return others.verdict().tests().isEmpty() && speedUpTests == 0 ? "no test ran" : null;
    }

    private boolean needsSpeedUpPhase(Outcome outcome) {
        return withSpeedUpTests.contains(outcome.exercise()) && outcome.verdict() != null
                && outcome.verdict().compileErrors().isEmpty();
    }

    private String describe(Outcome outcome) {
        String trouble = outcome.headline();
        return outcome.student().name() + " " + outcome.exercise().id() + (trouble == null ? "" : ": " + trouble);
    }

    private List<StudentGrades> grades(List<Student> students, List<Outcome> outcomes) {
        List<StudentGrades> grades = new ArrayList<>();
        for (Student student : students) {
            List<StudentGrades.Graded> row = outcomes.stream().filter(o -> o.student().equals(student))
                    .map(o -> new StudentGrades.Graded(o, o.score(testCounts.get(o.exercise())))).toList();
            grades.add(new StudentGrades(student, row));
        }
        return grades;
    }
}
