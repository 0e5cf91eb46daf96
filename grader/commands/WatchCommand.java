package commands;

import engine.Course;
import engine.Exercise;
import engine.Grading;
import engine.Progress;
import engine.Report;
import engine.Submission;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

import static engine.Terminal.*;
import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code ./jbang grade watch}: grades the exercise the student is on, again each time they save it, and moves on
 * to the next once it passes. Ctrl-C ends it: the JVM runs the shutdown hook, which says goodbye and leaves the
 * terminal's colours reset; nothing is recorded from a grading that Ctrl-C cut short.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Grades the exercise you are on (the first that does not pass) now and again each time you"
                + " save its file, and moves on to the next one when it passes. Ctrl-C stops."})
public final class WatchCommand implements Callable<Integer> {

    private static final String CLEAR_SCREEN = "\u001b[2J\u001b[3J\u001b[H";
    private static final String ERASE_LINE = "\r\u001b[2K";
    private static final String RESET_COLOURS = "\u001b[0m";

    @Option(names = "--exercise", paramLabel = "EXERCISE",
            description = "Watch this exercise, e.g. ex03, and stay on it after it passes.")
    String pinned;

    /** Held while printing, so that Ctrl-C's goodbye never lands in the middle of a report. */
    private final Object screen = new Object();
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        Course course = Course.find(Path.of(""));
        Progress progress = Progress.load(course, System.err);
        Exercise exercise = pinned != null ? course.exercise(pinned) : progress.current().orElse(null);
        Thread goodbye = new Thread(this::stop);
        Runtime.getRuntime().addShutdownHook(goodbye);
        String news = "";
        boolean gradeNow = true;
        while (exercise != null) {
            Path file = Submission.student(course, exercise).editedFile();
            try (SaveWatcher saves = new SaveWatcher(file)) {
                boolean passed = gradeNow && grade(course, progress, exercise, news);
                if (!gradeNow) say(dim("Save " + course.show(file) + " to grade it; Ctrl-C stops."));
                while (pinned != null || !passed) {
                    saves.awaitSave();
                    passed = grade(course, progress, exercise, "");
                }
            }
            Exercise done = exercise;
            exercise = progress.current().orElse(null);
            if (exercise == null) break;
            news = green(PASS + " " + done.id() + " passes.") + " On to " + exercise.id() + ".";
            gradeNow = progress.status(exercise).state() != Progress.State.NOT_STARTED;
            if (!gradeNow) announce(course, done, exercise);
        }
        Runtime.getRuntime().removeShutdownHook(goodbye);
        System.out.println(green("Every exercise passes. Well done!"));
        return 0;
    }

    /** Grades the student's file and shows the report on a clean screen; returns whether every test passed. */
    private boolean grade(Course course, Progress progress, Exercise exercise, String news) throws Exception {
        Submission submission = Submission.student(course, exercise);
        synchronized (screen) {
            if (stopping) return false;
            System.out.print(TERMINAL ? CLEAR_SCREEN : System.lineSeparator());
            System.out.println(dim("Watching " + course.show(submission.editedFile()) + ", graded at "
                    + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)));
            if (!news.isEmpty()) System.out.println(news);
            System.out.println();
            System.out.print("Grading...");
            System.out.flush();
        }
        Grading.Verdict verdict = Grading.grade(course, submission);
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        new Report(new PrintStream(report, true, UTF_8), course).print(verdict);
        synchronized (screen) {
            if (stopping) return false;
            progress.record(verdict);
            System.out.print(TERMINAL ? ERASE_LINE : System.lineSeparator());
            System.out.print(report.toString(UTF_8));
            if (verdict.succeeded() && pinned != null) {
                System.out.println(green(PASS + " " + exercise.id() + " passes.") + " Still watching it.");
            } else if (!verdict.succeeded()) {
                System.out.println("Stuck? ./jbang grade hint " + exercise.id());
            }
            if (!verdict.succeeded() || pinned != null) {
                System.out.println(dim("Save the file to grade it again; Ctrl-C stops."));
            }
        }
        return verdict.succeeded();
    }

    /** The next exercise is still a stub: say so under the report of the one that passed, and wait for a save. */
    private void announce(Course course, Exercise done, Exercise next) {
        say(green(PASS + " " + done.id() + " passes.") + " Next: " + bold(next.id() + "  " + next.title()));
        say("  Run the lesson first if you have not: ./jbang " + next.lesson());
        say("  Then complete " + course.show(Submission.student(course, next).editedFile()) + ".");
    }

    private void say(String line) {
        synchronized (screen) {
            if (!stopping) System.out.println(line);
        }
    }

    private void stop() {
        stopping = true;
        synchronized (screen) {
            if (TERMINAL) System.out.print(RESET_COLOURS);
            System.out.println();
            System.out.println("Stopped watching. ./jbang grade shows your progress.");
            System.out.flush();
        }
    }
}
