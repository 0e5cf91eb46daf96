package engine;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Stage 2: compiles a submission together with the grader's own tests, in this JVM (javax.tools),
 * into a fresh classes folder. Tests always come from grader/tests, never from the submission.
 */
public final class Compilation {

    /** What javac said, as {@code file:line: message} lines a student can click. */
    public record Result(Path classes, List<String> errors) {
        public boolean succeeded() { return errors.isEmpty(); }
    }

    private Compilation() {}

    public static Result compile(Course course, Submission submission, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("This Java has no compiler (javac): run the grader on a JDK, not a JRE.");
        }
        recreate(classes);
        List<Path> sources = new ArrayList<>(javaFiles(submission.sourceDir()));
        if (sources.isEmpty()) {
            return new Result(classes, List.of(course.show(submission.sourceDir()) + ": no .java file to grade here."));
        }
        sources.addAll(providedFiles(course, submission, sources));
        sources.addAll(javaFiles(course.testsDir(submission.exercise())));

        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ENGLISH, StandardCharsets.UTF_8)) {
            List<String> options = List.of(
                    "-d", classes.toString(),
                    "-classpath", System.getProperty("java.class.path"),
                    "-encoding", "UTF-8",
                    "-proc:none", "-g", "-nowarn", "-Xlint:none");
            javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        List<String> errors = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> describe(course, submission, d))
                .toList();
        return new Result(classes, errors);
    }

    private static String describe(Course course, Submission submission, Diagnostic<? extends JavaFileObject> d) {
        if (d.getSource() == null) {
            return d.getMessage(Locale.ENGLISH);
        }
        Path file = Path.of(d.getSource().toUri());
        String where = course.show(file) + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ENGLISH)
                + sourceLine(file, d.getLineNumber(), d.getColumnNumber());
        if (file.startsWith(course.testsDir(submission.exercise()))) {
            // The student's file compiles, but the grader's tests no longer fit it: a name or signature changed.
            where += "\n  (the grader's tests call your code this way: keep the names and signatures of the stub)";
        }
        return where;
    }

    /**
     * The files an exercise provides beside the one the student edits (helpers, exception types): a solution
     * or a mutant folder holds only its own version of the edited file and compiles with the exercise's others.
     */
    private static List<Path> providedFiles(Course course, Submission submission, List<Path> own) throws IOException {
        Set<String> ownNames = own.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        return javaFiles(course.exercisesDir().resolve(submission.exercise().dir())).stream()
                .filter(p -> !ownNames.contains(p.getFileName().toString()))
                .toList();
    }

    /** The offending line with a caret under the column, as javac prints it on the command line. */
    private static String sourceLine(Path file, long line, long column) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.skip(line - 1).findFirst()
                    .map(text -> "\n" + text + "\n" + " ".repeat((int) Math.max(0, column - 1)) + "^")
                    .orElse("");
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return "";
        }
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static void recreate(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        Files.createDirectories(dir);
    }
}
