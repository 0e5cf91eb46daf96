package engine.batch;

import engine.Course;
import engine.Exercise;
import engine.Grading;
import engine.Selection;
import engine.Submission;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Grades one student × exercise × phase in a JVM of its own, and runs many such jobs side by side. Whatever
 * a submission does (not compile, crash, hang, flood its output) or whatever goes wrong while grading it is
 * recorded in its outcome: it costs that student points, never the batch.
 */
final class Jobs {

    /** The two phases: speed-up tests need the cores to themselves, so they run apart, one at a time. */
    enum Phase {
        OTHERS(Selection.ALL_BUT_SPEED_UP_TESTS, ""),
        SPEED_UP(Selection.SPEED_UP_TESTS, "-speed-up");

        final Selection selection;
        final String labelSuffix;

        Phase(Selection selection, String labelSuffix) {
            this.selection = selection;
            this.labelSuffix = labelSuffix;
        }
    }

    /** The batch's folder in the course's work folder: each job's, and the unzipped submissions. */
    static final String WORK_FOLDER = "batch";

    private final Course course;

    Jobs(Course course) {
        this.course = course;
    }

    /** One job; its work folder, {@code .grader/batch/<student>/<exercise>}, is its own, so jobs never collide. */
    Outcome grade(Student student, Exercise exercise, Phase phase) throws InterruptedException {
        long start = System.nanoTime();
        try {
            Optional<Path> folder = student.folder(exercise);
            if (folder.isEmpty()) return Outcome.notSubmitted(student, exercise);
            String label = WORK_FOLDER + "/" + student.name() + "/" + exercise.id() + phase.labelSuffix;
            Grading.Verdict verdict = Grading.grade(course, new Submission(exercise, folder.get(), label), phase.selection);
            return new Outcome(student, exercise, verdict, null, Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            throw e;
        } catch (Throwable e) {
            // The boundary of one job: even an Error (javac overflowing its stack on a pathological file)
            // ends this job only.
            return Outcome.graderFailed(student, exercise, e, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** Runs the jobs, at most {@code parallel} at once, and returns their outcomes in the jobs' order. */
    static List<Outcome> run(List<Callable<Outcome>> jobs, int parallel) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(parallel)) {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Callable<Outcome> job : jobs) futures.add(pool.submit(job));
            try {
                for (Future<Outcome> future : futures) outcomes.add(future.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("A grading job failed outside its own guard", e.getCause());
            } catch (InterruptedException e) {
                pool.shutdownNow();
                throw e;
            }
        }
        return outcomes;
    }
}
