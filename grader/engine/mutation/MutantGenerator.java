package engine.mutation;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.printer.lexicalpreservation.LexicalPreservingPrinter;
import engine.Course;
import engine.Exercise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Applies every operator at every site of a reference solution's student code, one mutant per rewrite.
 * <p>
 * JavaParser, rather than Spoon or OpenRewrite: it parses plain JDK 21+ source with no build and no classpath, is
 * one small, well-kept Maven Central artifact, and its LexicalPreservingPrinter reprints a changed tree keeping
 * every untouched character, so a mutant differs from the solution only at its site. Spoon and OpenRewrite pull
 * in a heavy classpath (a compiler, recipes) for type resolution these operators do not need.
 */
public final class MutantGenerator {

    public static final List<Operator> OPERATORS = Stream.<Operator[]>of(LockOperators.values(),
                    WaitOperators.values(), SharedStateOperators.values(), ExecutorOperators.values(),
                    ExceptionOperators.values(), ValueOperators.values(), OrderOperators.values())
            .flatMap(Stream::of).toList();

    private static final ParserConfiguration JAVA_21 = new ParserConfiguration()
            .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_21);

    private MutantGenerator() {}

    /** The exercise's mutants, by operator then source order, without duplicates or no-ops. */
    public static List<GeneratedMutant> generate(Course course, Exercise exercise) throws IOException {
        Path solution = course.solutionsDir().resolve(exercise.dir()).resolve(exercise.file());
        String original = Files.readString(solution);
        StudentCode studentCode = new StudentCode(parse(
                Files.readString(course.exercisesDir().resolve(exercise.dir()).resolve(exercise.file())), solution));
        List<GeneratedMutant> mutants = new ArrayList<>();
        Set<String> sources = new HashSet<>(Set.of(original));
        Map<String, Integer> idsSoFar = new HashMap<>();
        for (Operator operator : OPERATORS) {
            int count = studentRewrites(operator, parse(original, solution), studentCode).size();
            for (int i = 0; i < count; i++) {
                // A fresh tree for each mutant: a rewrite changes the tree it was found in.
                CompilationUnit cu = LexicalPreservingPrinter.setup(parse(original, solution));
                Rewrite rewrite = studentRewrites(operator, cu, studentCode).get(i);
                String id = operator.id() + "@" + Edits.member(rewrite.site());
                int n = idsSoFar.merge(id, 1, Integer::sum);
                if (n > 1) id += "#" + n;
                rewrite.apply().run();
                String source = LexicalPreservingPrinter.print(cu);
                if (sources.add(source)) {
                    mutants.add(new GeneratedMutant(exercise, id,
                            rewrite.what() + " (" + exercise.file() + ":" + Edits.line(rewrite.site()) + ")", source));
                }
            }
        }
        return mutants;
    }

    private static List<Rewrite> studentRewrites(Operator operator, CompilationUnit cu, StudentCode studentCode) {
        return operator.rewrites(cu).stream().filter(r -> studentCode.contains(r.site())).toList();
    }

    private static CompilationUnit parse(String source, Path file) {
        ParseResult<CompilationUnit> parsed = new JavaParser(JAVA_21).parse(source);
        return parsed.getResult().filter(cu -> parsed.isSuccessful()).orElseThrow(() -> new IllegalStateException(
                "JavaParser cannot parse " + file + ": " + parsed.getProblems()));
    }
}
