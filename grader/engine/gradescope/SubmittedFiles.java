package engine.gradescope;

import engine.Course;
import engine.Exercise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Puts a Gradescope submission where the grader looks for it, over the stubs in exercises/. A student may
 * upload loose files ({@code FetchAll.java}), a folder per exercise ({@code fetchall/FetchAll.java}) or the whole
 * course (from GitHub), whose {@code exercises/} folder is then the only one read. An exercise's file is found by
 * its name; other .java files come along when they sit in a folder named after the exercise. Files the course
 * provides beside the edited one (helpers, exception types) always come from the course.
 */
final class SubmittedFiles {

    /**
     * @param submitted the exercises whose file was found, in course order
     * @param notes     what was left out and why, in sentences for the student
     */
    record Placement(List<Exercise> submitted, List<String> notes) {}

    private SubmittedFiles() {}

    static Placement place(Course course, List<Exercise> expected, Path submission) throws IOException {
        Path exercisesFolder = submission.resolve("exercises");
        Path searched = Files.isDirectory(exercisesFolder) ? exercisesFolder : submission;
        List<Path> files = javaFiles(searched);
        List<Path> used = new ArrayList<>();
        List<Exercise> submitted = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Exercise exercise : expected) {
            Optional<Path> edited = files.stream().filter(f -> named(f, exercise.file())).findFirst();
            if (edited.isEmpty()) continue;
            Path folder = edited.get().getParent();
            List<Path> companions = folder.getFileName() != null && folder.getFileName().toString().equals(exercise.dir())
                    ? files.stream().filter(f -> f.getParent().equals(folder) && !f.equals(edited.get())).toList()
                    : List.of();
            Path target = course.exercisesDir().resolve(exercise.dir());
            copy(edited.get(), target);
            used.add(edited.get());
            for (Path companion : companions) {
                used.add(companion);
                Path provided = target.resolve(companion.getFileName());
                if (!Files.exists(provided)) {
                    copy(companion, target);
                } else if (Files.mismatch(companion, provided) != -1) {
                    notes.add(show(submission, companion) + " is provided by the course: the course's copy was"
                            + " graded, not your changed one.");
                }
            }
            submitted.add(exercise);
        }
        for (Path file : files) {
            if (!used.contains(file)) {
                notes.add(show(submission, file) + " was not graded: " + why(file, expected));
            }
        }
        return new Placement(submitted, notes);
    }

    private static String why(Path file, List<Exercise> expected) {
        return expected.stream().anyMatch(e -> named(file, e.file()))
                ? "another file of that name was graded (the one nearest the top of your upload)."
                : "no exercise of this assignment has a file of that name. The files graded are "
                        + String.join(", ", expected.stream().map(Exercise::file).toList()) + ".";
    }

    private static boolean named(Path file, String name) {
        return file.getFileName().toString().equals(name);
    }

    private static void copy(Path file, Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.copy(file, folder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String show(Path submission, Path file) {
        return submission.relativize(file).toString();
    }

    /** Nearest the top first; hidden files and macOS's __MACOSX copies are not the student's code. */
    private static List<Path> javaFiles(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".java"))
                    .filter(f -> Stream.iterate(folder.relativize(f), p -> p != null, Path::getParent)
                            .map(p -> p.getFileName().toString())
                            .noneMatch(name -> name.startsWith(".") || name.equals("__MACOSX")))
                    .sorted(Comparator.comparingInt((Path f) -> f.getNameCount()).thenComparing(Path::toString))
                    .toList();
        }
    }
}
