package commands;

import engine.Course;
import engine.Exercise;
import engine.Hints;
import engine.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import static engine.Terminal.bold;
import static engine.Terminal.dim;

/** {@code ./jbang grade hint ex03}: the next of an exercise's hints, from a gentle pointer to nearly the answer. */
@Command(name = "hint", mixinStandardHelpOptions = true,
        description = "Shows the next hint for an exercise: each call goes one level further, up to the last.")
public final class HintCommand implements Callable<Integer> {

    private static final int LINE_WIDTH = 100;
    private static final String INDENT = "  ";

    @Parameters(paramLabel = "EXERCISE", arity = "0..1",
            description = "The exercise, e.g. ex03 (default: the first one that does not pass yet).")
    String id;

    @Option(names = "--level", paramLabel = "N", description = "Show hint N (1 is the gentlest) instead of the next.")
    Integer level;

    @Override
    public Integer call() throws Exception {
        Course course = Course.find(Path.of(""));
        Progress progress = Progress.load(course, System.err);
        Exercise exercise = id != null ? course.exercise(id) : progress.current().orElseThrow(
                () -> new IllegalArgumentException("Every exercise passes: name one, e.g. ./jbang grade hint ex01."));
        List<String> hints = Hints.of(course, exercise);
        if (hints.isEmpty()) {
            System.out.println(exercise.id() + " has no hints.");
            return 0;
        }
        int seen = progress.hintsSeen(exercise);
        int shown = level != null ? level : Math.min(seen + 1, hints.size());
        if (shown < 1 || shown > hints.size()) {
            throw new IllegalArgumentException(
                    exercise.id() + " has hints 1 to " + hints.size() + ", not " + shown + ".");
        }
        System.out.println(bold(exercise.id() + "  " + exercise.title() + ": hint " + shown + " of " + hints.size()));
        System.out.println();
        System.out.print(wrap(hints.get(shown - 1)));
        System.out.println();
        if (level == null && seen >= hints.size()) {
            System.out.println("That was already the last hint: there are no more.");
        } else if (shown < hints.size()) {
            System.out.println(dim("./jbang grade hint " + exercise.id() + " again shows hint " + (shown + 1) + "."));
        } else {
            System.out.println(dim("That is the last hint."));
        }
        progress.recordHintSeen(exercise, shown);
        return 0;
    }

    /**
     * The hint broken into indented lines at spaces only (picocli's text wrapping also breaks at brackets,
     * which splits the code in a hint).
     */
    private static String wrap(String text) {
        StringBuilder wrapped = new StringBuilder(INDENT);
        int lineLength = 0;
        for (String word : text.split(" ")) {
            if (lineLength > 0 && lineLength + 1 + word.length() > LINE_WIDTH) {
                wrapped.append(System.lineSeparator()).append(INDENT);
                lineLength = 0;
            } else if (lineLength > 0) {
                wrapped.append(' ');
                lineLength++;
            }
            wrapped.append(word);
            lineLength += word.length();
        }
        return wrapped.append(System.lineSeparator()).toString();
    }
}
