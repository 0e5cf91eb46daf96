package engine.gradescope;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import engine.Exercise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the autograder zip knows about its exercises before any submission arrives: which exercises the
 * assignment asks for, how many tests each has (so a submission that does not compile still loses each test's
 * share) and which of them measure speed-up.
 */
public record Manifest(List<ExerciseTests> exercises) {

    /** Its name at the zip's root. */
    public static final String FILE = "gradescope.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** @param speedUpTests the methods of the tests that measure speed-up, skipped on a single core */
    public record ExerciseTests(String id, int tests, List<String> speedUpTests) {}

    public static Manifest read(Path file) throws IOException {
        return GSON.fromJson(Files.readString(file), Manifest.class);
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, GSON.toJson(this));
    }

    public ExerciseTests of(Exercise exercise) {
        return exercises.stream().filter(e -> e.id().equals(exercise.id())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(exercise.id() + " is not in " + FILE));
    }
}
