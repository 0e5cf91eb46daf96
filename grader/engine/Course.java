package engine;

import com.google.gson.Gson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The course as {@code grader/course.json} describes it: the exercises in the order a student does them.
 * The grader finds the course by walking up from the working directory, so it runs from any subfolder.
 */
public record Course(Path root, Settings settings, List<Exercise> exercises) {

    private static final String COURSE_FILE = "grader/course.json";

    /**
     * What an instructor sets for the whole course in course.json's "grading" object.
     *
     * @param points            each exercise's points unless the exercise sets its own
     * @param visibility        when students see test results on Gradescope: visible, after_due_date,
     *                          after_published or hidden; an exercise may set its own
     * @param speedUpEfficiency the share of Amdahl's speed-up (95 % parallel work) a speed-up test requires
     */
    public record Settings(double points, String visibility, double speedUpEfficiency) {}

    /** The part of course.json the grader reads; the file may carry more. */
    private record CourseFile(Settings grading, List<Exercise> exercises) {}

    public static Course find(Path start) throws IOException {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(COURSE_FILE);
            if (Files.isRegularFile(file)) {
                CourseFile parsed = new Gson().fromJson(Files.readString(file), CourseFile.class);
                Settings settings = parsed.grading();
                List<Exercise> exercises = parsed.exercises().stream().map(e -> e.withDefaults(settings)).toList();
                return new Course(dir, settings, exercises);
            }
        }
        throw new IOException("No " + COURSE_FILE + " above " + start.toAbsolutePath()
                + ": run the grader from inside the course folder.");
    }

    public Exercise exercise(String id) {
        return exercises.stream().filter(e -> e.id().equalsIgnoreCase(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No exercise '" + id + "'. The exercises are: "
                        + String.join(", ", exercises.stream().map(Exercise::id).toList()) + "."));
    }

    public Path exercisesDir() { return root.resolve("exercises"); }

    public Path solutionsDir() { return root.resolve("solutions"); }

    /**
     * Everything the grader owns about one exercise: its tests and their helpers, {@code contract.json},
     * {@code hints.md}, and {@code mutants/}.
     */
    public Path graderDir(Exercise exercise) { return root.resolve("grader/exercises").resolve(exercise.dir()); }

    /** The grader's tests of an exercise: the Java files of its folder. */
    public Path testsDir(Exercise exercise) { return graderDir(exercise); }

    public Path mutantsDir(Exercise exercise) { return graderDir(exercise).resolve("mutants"); }

    /** Where the grader keeps compiled classes and results; git-ignored. */
    public Path workDir() { return root.resolve(".grader"); }

    /** The path a student knows a file by: relative to the course folder. */
    public String show(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
    }
}
