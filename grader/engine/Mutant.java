package engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A known-wrong implementation of an exercise, kept under grader/mutants/&lt;exercise&gt;/&lt;name&gt;/, whose
 * header says what is wrong with it and which tests must reject it:
 * <pre>
 * // Mutant: runs the tasks one after another.
 * // Rejected by: finishesInAboutTheTimeOfTheLongestTask
 * </pre>
 */
public record Mutant(Submission submission, String name, String flaw, List<String> rejectedBy) {

    private static final String FLAW = "// Mutant:";
    private static final String REJECTED_BY = "// Rejected by:";

    public static List<Mutant> of(Course course, Exercise exercise) throws IOException {
        Path dir = course.mutantsDir(exercise);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(dir)) {
            return folders.filter(Files::isDirectory).sorted().map(folder -> read(exercise, folder)).toList();
        }
    }

    private static Mutant read(Exercise exercise, Path folder) {
        String name = folder.getFileName().toString();
        Submission submission = new Submission(exercise, folder, exercise.id() + "-mutant-" + name);
        List<String> header;
        try {
            header = Files.readAllLines(submission.editedFile()).stream().map(String::strip).toList();
        } catch (IOException e) {
            throw new IllegalStateException("Mutant " + folder + " has no " + exercise.file(), e);
        }
        String flaw = header.stream().filter(line -> line.startsWith(FLAW))
                .map(line -> line.substring(FLAW.length()).strip()).findFirst().orElse("(no '// Mutant:' line)");
        List<String> rejectedBy = header.stream().filter(line -> line.startsWith(REJECTED_BY))
                .map(line -> line.substring(REJECTED_BY.length()).strip()).toList();
        return new Mutant(submission, name, flaw, rejectedBy);
    }
}
