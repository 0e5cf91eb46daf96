package engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An exercise's hints, from a gentle pointer to nearly the answer: grader/exercises/&lt;exercise&gt;/hints.md, one
 * {@code ## Hint N} section each, whose lines are one paragraph.
 */
public final class Hints {

    public static final String FILE = "hints.md";
    private static final String SECTION = "## ";

    private Hints() {}

    public static List<String> of(Course course, Exercise exercise) throws IOException {
        Path file = course.graderDir(exercise).resolve(FILE);
        if (!Files.isRegularFile(file)) return List.of();
        List<String> hints = new ArrayList<>();
        StringBuilder hint = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(SECTION)) {
                if (hint != null) hints.add(hint.toString().strip());
                hint = new StringBuilder();
            } else if (hint != null && !line.isBlank()) {
                hint.append(line.strip()).append(' ');
            }
        }
        if (hint != null) hints.add(hint.toString().strip());
        return hints;
    }
}
