package engine.mutation;

import engine.Course;
import engine.Exercise;
import engine.Submission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A mutant the generator made from a reference solution: the solution with one operator applied at one site.
 *
 * @param id          {@code <operator>@<member>[#n]}, e.g. {@code remove-join@runAll#2}: the n-th site of that
 *                    operator in that method, constructor or field; stable while lines move around it
 * @param description the operator's rewrite at this site, in one line, and where it is ({@code Workers.java:41})
 * @param source      the whole mutated file
 */
public record GeneratedMutant(Exercise exercise, String id, String description, String source) {

    /** The id as a folder name. */
    public String safeId() {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Writes the mutant to .grader/generated/&lt;dir&gt;/&lt;safe id&gt;/ and returns it as a submission. */
    public Submission submission(Course course) throws IOException {
        Path folder = course.workDir().resolve("generated").resolve(exercise.dir()).resolve(safeId());
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(exercise.file()), source);
        // One work folder for all of an exercise's generated mutants: they are graded one at a time.
        return new Submission(exercise, folder, exercise.id() + "-generated");
    }
}
