package engine.mutation;

import engine.Course;
import engine.Exercise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The generated mutants of an exercise that no test can kill because they behave as the solution does, listed in
 * grader/exercises/&lt;dir&gt;/equivalent-mutants.txt, one a line: {@code <id>  <one-line reason>}; '#' starts a comment.
 *
 * @param reasons each listed id's reason
 */
public record EquivalentMutants(Path file, Map<String, String> reasons) {

    public static final String FILE_NAME = "equivalent-mutants.txt";

    public static EquivalentMutants of(Course course, Exercise exercise) throws IOException {
        Path file = course.graderDir(exercise).resolve(FILE_NAME);
        Map<String, String> reasons = new LinkedHashMap<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file)) {
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) continue;
                String[] idAndReason = entry.split("\\s+", 2);
                reasons.put(idAndReason[0], idAndReason.length > 1 ? idAndReason[1] : "(no reason given)");
            }
        }
        return new EquivalentMutants(file, reasons);
    }

    public boolean contains(GeneratedMutant mutant) {
        return reasons.containsKey(mutant.id());
    }

    public String reason(GeneratedMutant mutant) {
        return reasons.get(mutant.id());
    }

    /** What is wrong with the file: each listed id that no mutant has (the solution changed since). */
    public List<String> stale(Collection<GeneratedMutant> mutants, Course course) {
        Set<String> ids = mutants.stream().map(GeneratedMutant::id).collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        for (String id : reasons.keySet()) {
            if (!ids.contains(id)) {
                problems.add(course.show(file) + " lists " + id + ", which is no longer generated (the solution"
                        + " changed?): find it again with --list, then fix or remove the line.");
            }
        }
        return problems;
    }
}
