package engine.mutation;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import engine.Course;
import engine.Exercise;
import engine.mutation.MutantGrading.Outcome;
import engine.mutation.MutantGrading.Result;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static engine.Terminal.*;

/**
 * {@code ./jbang grade selftest --generated [EXERCISE…]}: grades every generated mutant with every test and reports,
 * per exercise, how many the tests kill; {@code --list} shows the mutants and their diffs without grading; the
 * plain self-test grades a fixed {@link #sample}.
 */
public final class GeneratedMutantsSelfTest {

    /** The share of counted mutants (killed or survived) the tests must kill in every exercise. */
    public static final double TARGET = 0.95;

    private final Course course;
    private final PrintStream out;

    public GeneratedMutantsSelfTest(Course course, PrintStream out) {
        this.course = course;
        this.out = out;
    }

    /** Prints each exercise's mutants and their diffs; 1 if an equivalent-mutants.txt lists a mutant no more. */
    public int list(List<Exercise> exercises) throws IOException {
        boolean stale = false;
        for (Exercise exercise : exercises) {
            List<GeneratedMutant> mutants = MutantGenerator.generate(course, exercise);
            EquivalentMutants equivalents = EquivalentMutants.of(course, exercise);
            out.println(bold(exercise.id() + " · " + exercise.title() + ": " + mutants.size() + " mutants"));
            List<String> solution = Files.readAllLines(course.solutionsDir().resolve(exercise.dir())
                    .resolve(exercise.file()));
            for (GeneratedMutant mutant : mutants) {
                out.println();
                out.println(bold(mutant.id()) + "  " + mutant.description()
                        + (equivalents.contains(mutant) ? dim("  (equivalent: " + equivalents.reason(mutant) + ")") : ""));
                List<String> mutated = mutant.source().lines().toList();
                UnifiedDiffUtils.generateUnifiedDiff("solution", mutant.id(), solution,
                        DiffUtils.diff(solution, mutated), 1).stream().skip(2).forEach(line -> out.println("    " + line));
            }
            List<String> problems = equivalents.stale(mutants, course);
            problems.forEach(p -> out.println(red(FAIL) + " " + p));
            stale |= !problems.isEmpty();
            out.println();
        }
        out.println("Operators:");
        MutantGenerator.OPERATORS.forEach(o -> out.printf("  %-30s %s%n", o.id(), o.description()));
        return stale ? 1 : 0;
    }

    /**
     * Grades every mutant of these exercises, or those whose id starts with {@code idPrefix} (an operator, a
     * mutant's id) if it is not null; 0 if each exercise reaches the target.
     */
    public int run(List<Exercise> exercises, String idPrefix) throws IOException, InterruptedException {
        Map<Exercise, List<GeneratedMutant>> mutants = new LinkedHashMap<>();
        Map<Exercise, EquivalentMutants> equivalents = new LinkedHashMap<>();
        List<String> stale = new ArrayList<>();
        for (Exercise exercise : exercises) {
            mutants.put(exercise, MutantGenerator.generate(course, exercise));
            equivalents.put(exercise, EquivalentMutants.of(course, exercise));
            stale.addAll(equivalents.get(exercise).stale(mutants.get(exercise), course));
        }
        if (!stale.isEmpty()) {
            stale.forEach(p -> out.println(red(FAIL) + " " + p));
            return 2;
        }
        List<String> summaries = new ArrayList<>();
        List<String> belowTarget = new ArrayList<>();
        for (Exercise exercise : exercises) {
            out.println();
            List<GeneratedMutant> chosen = mutants.get(exercise).stream()
                    .filter(m -> idPrefix == null || m.id().startsWith(idPrefix)).toList();
            out.println(bold(exercise.id() + " · " + exercise.title() + ": " + chosen.size() + " generated mutants"));
            long start = System.nanoTime();
            Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
            for (GeneratedMutant mutant : chosen) {
                EquivalentMutants listed = equivalents.get(exercise);
                Result result = listed.contains(mutant) ? MutantGrading.equivalent(mutant, listed.reason(mutant))
                        : MutantGrading.grade(course, mutant);
                counts.merge(result.outcome(), 1, Integer::sum);
                print(result);
            }
            int killed = counts.getOrDefault(Outcome.KILLED, 0), survived = counts.getOrDefault(Outcome.SURVIVED, 0);
            String summary = String.format("%s: %d killed, %d survived, %d equivalent, %d stillborn%s: %s (%.0f s)",
                    exercise.id(), killed, survived, counts.getOrDefault(Outcome.EQUIVALENT, 0),
                    counts.getOrDefault(Outcome.STILLBORN, 0),
                    counts.containsKey(Outcome.INCONCLUSIVE) ? ", " + counts.get(Outcome.INCONCLUSIVE) + " inconclusive" : "",
                    killed + survived == 0 ? "nothing to count"
                            : killed + "/" + (killed + survived) + " = " + (100 * killed / (killed + survived)) + " %",
                    (System.nanoTime() - start) / 1e9);
            out.println(summary);
            summaries.add(summary);
            if (killed < TARGET * (killed + survived)) {
                belowTarget.add(exercise.id() + " is below " + Math.round(TARGET * 100) + " %: give each survivor a"
                        + " test that kills it, or list it in " + course.show(equivalents.get(exercise).file())
                        + " with a one-line reason why no test can.");
            }
        }
        if (summaries.size() > 1) {
            out.println();
            summaries.forEach(out::println);
        }
        belowTarget.forEach(line -> out.println(red(FAIL) + " " + line));
        return belowTarget.isEmpty() ? 0 : 1;
    }

    /**
     * A fixed sample for CI: the first {@code perExercise} mutants that compile, in the order of a hash of their
     * ids (the same every run), leaving out the equivalent ones.
     */
    public List<Result> sample(Exercise exercise, int perExercise) throws IOException, InterruptedException {
        EquivalentMutants equivalents = EquivalentMutants.of(course, exercise);
        List<GeneratedMutant> candidates = MutantGenerator.generate(course, exercise).stream()
                .filter(m -> !equivalents.contains(m))
                .sorted(Comparator.comparingLong(m -> hash(m.id()))).toList();
        List<Result> results = new ArrayList<>();
        for (GeneratedMutant mutant : candidates) {
            if (results.size() == perExercise) break;
            Result result = MutantGrading.grade(course, mutant);
            if (result.outcome() != Outcome.STILLBORN) results.add(result);
        }
        return results;
    }

    private static long hash(String id) {
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private void print(Result result) {
        String name = result.mutant().id() + dim(" (" + result.mutant().description() + ")");
        String seconds = dim(String.format(" %.1f s", result.seconds()));
        out.println("  " + switch (result.outcome()) {
            case KILLED -> green(PASS) + " " + name + " killed by " + result.detail() + seconds;
            case SURVIVED -> red(FAIL) + " " + name + " survived" + seconds;
            case INCONCLUSIVE -> yellow(SKIP) + " " + name + " inconclusive: " + result.detail() + seconds;
            case STILLBORN -> dim("· " + result.mutant().id() + " stillborn: " + result.detail());
            case EQUIVALENT -> dim("= " + result.mutant().id() + " equivalent: " + result.detail());
        });
    }
}
