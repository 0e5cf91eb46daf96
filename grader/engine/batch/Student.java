package engine.batch;

import engine.Exercise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One student's submission: a folder holding their copy of exercises/, either directly
 * ({@code alice/fetchall/FetchAll.java}) or one or two levels down ({@code alice/exercises/fetchall/FetchAll.java},
 * a zip's top folder).
 *
 * @param problem why nothing of it can be graded (an unsafe or broken zip), or null
 */
public record Student(String name, Path root, String problem) {

    /** How deep below the student's folder an exercise folder is looked for. */
    private static final int SEARCH_DEPTH = 4;

    /** The student's folder for this exercise: the shallowest folder named like it that holds its file. */
    public Optional<Path> folder(Exercise exercise) throws IOException {
        if (problem != null || !Files.isDirectory(root)) return Optional.empty();
        try (Stream<Path> files = Files.walk(root, SEARCH_DEPTH)) {
            return files.filter(file -> file.getFileName().toString().equals(exercise.file())
                            && file.getParent().getFileName().toString().equals(exercise.dir())
                            && Files.isRegularFile(file))
                    .map(Path::getParent)
                    .min(Comparator.comparingInt(Path::getNameCount));
        }
    }
}
