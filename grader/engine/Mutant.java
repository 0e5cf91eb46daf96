package engine;

import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import com.github.difflib.patch.PatchFailedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A known-wrong implementation of an exercise: a small unified diff against the reference solution, kept as
 * grader/exercises/&lt;exercise&gt;/mutants/&lt;name&gt;.patch, whose header says what is wrong and which tests must reject it:
 * <pre>
 * // Mutant: runs the tasks one after another.
 * // Rejected by: finishesInAboutTheTimeOfTheLongestTask
 * --- solutions/fetchall/FetchAll.java
 * +++ mutant
 * &#64;&#64; -27,7 +27,7 &#64;&#64;
 * </pre>
 * The diff shows the one flaw; it is applied to the solution as it is now, and its lines must match exactly.
 */
public record Mutant(Exercise exercise, Path patch, String name, String flaw, List<String> rejectedBy) {

    public static final String EXTENSION = ".patch";
    private static final String FLAW = "// Mutant:";
    private static final String REJECTED_BY = "// Rejected by:";

    /** A patch that no longer fits the solution it was made against. */
    public static final class DoesNotApply extends Exception {
        DoesNotApply(String message) {
            super(message);
        }
    }

    public static List<Mutant> of(Course course, Exercise exercise) throws IOException {
        Path dir = course.mutantsDir(exercise);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> patches = Files.list(dir)) {
            return patches.filter(p -> p.getFileName().toString().endsWith(EXTENSION)).sorted()
                    .map(patch -> read(exercise, patch)).toList();
        }
    }

    public static Mutant named(Course course, Exercise exercise, String name) throws IOException {
        return of(course, exercise).stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(exercise.id() + " has no mutant '" + name + "'."));
    }

    private static Mutant read(Exercise exercise, Path patch) {
        String file = patch.getFileName().toString();
        List<String> header;
        try {
            header = Files.readAllLines(patch).stream().takeWhile(line -> !line.startsWith("---"))
                    .map(String::strip).toList();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read mutant " + patch, e);
        }
        String flaw = header.stream().filter(line -> line.startsWith(FLAW))
                .map(line -> line.substring(FLAW.length()).strip()).findFirst().orElse("(no '// Mutant:' line)");
        List<String> rejectedBy = header.stream().filter(line -> line.startsWith(REJECTED_BY))
                .map(line -> line.substring(REJECTED_BY.length()).strip()).toList();
        return new Mutant(exercise, patch, file.substring(0, file.length() - EXTENSION.length()), flaw, rejectedBy);
    }

    /** The solution's edited file with this mutant's flaw. */
    public List<String> source(Course course) throws IOException, DoesNotApply {
        Path solution = Submission.solution(course, exercise).editedFile();
        List<String> diff = Files.readAllLines(patch).stream().dropWhile(line -> !line.startsWith("---")).toList();
        Patch<String> parsed = UnifiedDiffUtils.parseUnifiedDiff(diff);
        if (parsed.getDeltas().isEmpty()) {
            throw new DoesNotApply(course.show(patch) + " holds no diff: make it with diff -u against "
                    + course.show(solution));
        }
        try {
            // Where lines were added or removed elsewhere in the solution, a hunk is found where its context is,
            // as git apply does; its context and its removed lines must still match exactly (no fuzz).
            return parsed.applyFuzzy(Files.readAllLines(solution), 0);
        } catch (PatchFailedException e) {
            throw new DoesNotApply(course.show(patch) + " no longer applies to " + course.show(solution) + " ("
                    + e.getMessage() + "): make it again against the solution as it is now, with the same one flaw");
        }
    }

    /** The mutant as a folder to grade, written under the grader's work folder. */
    public Submission submission(Course course) throws IOException, DoesNotApply {
        Path dir = course.workDir().resolve("mutants").resolve(exercise.dir()).resolve(name);
        Files.createDirectories(dir);
        Files.write(dir.resolve(exercise.file()), source(course));
        return new Submission(exercise, dir, exercise.id() + "-mutant-" + name);
    }
}
