package commands;

import engine.Course;
import engine.Exercise;
import engine.Progress;
import engine.Submission;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code ./jbang grade reset ex03}: puts the untouched stub back, after keeping the student's file in
 * {@code .grader/backups/}. Nothing is written unless the stub was found and the copy was made.
 */
@Command(name = "reset", mixinStandardHelpOptions = true,
        description = "Puts the untouched stub of an exercise back, after saving your version in .grader/backups/.")
public final class ResetCommand implements Callable<Integer> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Parameters(paramLabel = "EXERCISE", description = "The exercise to reset, e.g. ex03.")
    String id;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    public Integer call() throws Exception {
        Course course = Course.find(Path.of(""));
        Exercise exercise = course.exercise(id);
        Path file = Submission.student(course, exercise).editedFile();
        String shown = course.show(file);
        byte[] stub;
        try {
            stub = new PristineStub(course).of(file);
        } catch (PristineStub.Unavailable e) {
            System.out.println("Cannot reset " + exercise.id() + ": " + e.getMessage());
            System.out.println(
                    shown + " is unchanged. To start over, copy the file from a fresh download of the course.");
            return 1;
        }
        boolean exists = Files.exists(file);
        if (exists && Arrays.equals(Files.readAllBytes(file), stub)) {
            System.out.println(shown + " is already the untouched stub: nothing to reset.");
            return 0;
        }
        if (!yes && !confirmed("Replace " + shown + " with the untouched stub? Your version is saved first. [y/N] ")) {
            System.out.println("Nothing changed.");
            return 1;
        }
        if (exists) {
            Path backup = course.workDir().resolve("backups")
                    .resolve(exercise.id() + "-" + STAMP.format(LocalDateTime.now())).resolve(file.getFileName());
            Files.createDirectories(backup.getParent());
            Files.copy(file, backup, StandardCopyOption.COPY_ATTRIBUTES);
            System.out.println("Your version is saved in " + course.show(backup));
        }
        replace(file, stub);
        Progress.load(course, System.err).forgetGrade(exercise);
        System.out.println(shown + " is the untouched stub again.");
        return 0;
    }

    private static boolean confirmed(String question) throws IOException {
        System.out.print(question);
        System.out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in)).readLine();
        return answer != null && answer.strip().toLowerCase().matches("y|yes");
    }

    /** Writes next to the file, then moves it into place: the file is the old one or the stub, never half of one. */
    private static void replace(Path file, byte[] content) throws IOException {
        // Not Files.createTempFile: its owner-only permissions would become the exercise file's.
        Path temporary = file.resolveSibling(file.getFileName() + ".reset.tmp");
        try {
            Files.write(temporary, content);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
