package commands;

import engine.Course;
import engine.Exercise;
import engine.Progress;
import engine.Submission;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static engine.Terminal.bold;
import static engine.Terminal.dim;

/** {@code ./jbang grade} with no arguments: the progress table, then the next exercise and the commands for it. */
public final class Overview {

    private Overview() {}

    public static void print(PrintStream out, Course course) {
        Progress progress = Progress.load(course, System.err);
        out.println(bold("Your progress"));
        out.println();
        ProgressTable.print(out, course, progress, true);
        out.println();
        Optional<Exercise> next = progress.current();
        if (next.isEmpty()) {
            out.println("Every exercise passes. Well done!");
        } else {
            printNextSteps(out, course, next.get(), progress.status(next.get()));
        }
        out.println();
        out.println(dim("./jbang grade --help lists every command."));
    }

    /** What to do next on an exercise, as commands to copy. */
    static void printNextSteps(PrintStream out, Course course, Exercise exercise, Progress.Status status) {
        out.println(bold("Next: " + exercise.id() + "  " + exercise.title()));
        Map<String, String> steps = new LinkedHashMap<>();
        if (status.state() == Progress.State.NOT_STARTED) {
            steps.put("./jbang " + exercise.lesson(), "the lesson it practises");
        }
        steps.put(course.show(Submission.student(course, exercise).editedFile()), "the file to complete");
        steps.put("./jbang grade " + exercise.id(), "grade it");
        steps.put("./jbang grade watch", "grade it again each time you save it");
        if (status.state() == Progress.State.FAILING) {
            steps.put("./jbang grade hint " + exercise.id(), "a hint, if you are stuck");
        }
        int width = steps.keySet().stream().mapToInt(String::length).max().orElse(0);
        steps.forEach((command, what) ->
                out.println("  " + command + " ".repeat(width - command.length()) + "   " + dim(what)));
    }
}
