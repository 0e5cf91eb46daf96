package engine;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import java.io.File;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Stage 2: compiles a submission, then the grader's own tests against it, in this JVM (javax.tools), into
 * two fresh folders: the student's classes see only the JDK, the tests see them and the grader's jars. Tests
 * always come from grader/exercises, and an exercise's provided files from exercises/, never from a submission.
 */
public final class Compilation {

    /**
     * What javac said, as {@code file:line: message} lines a student can click, and notes about files the
     * grader left out.
     */
    public record Result(Path classes, List<String> errors, List<String> notes) {
        public boolean succeeded() { return errors.isEmpty(); }
    }

    private Compilation() {}

    /** Where the student's classes go, under a run's classes folder. */
    public static Path studentClasses(Path classes) { return classes.resolve("student"); }

    /** Where the tests' classes go, under a run's classes folder. */
    public static Path testClasses(Path classes) { return classes.resolve("tests"); }

    public static Result compile(Course course, Submission submission, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("This Java has no compiler (javac): run the grader on a JDK, not a JRE.");
        }
        recreate(classes);
        Exercise exercise = submission.exercise();
        List<Path> tests = javaFiles(course.testsDir(exercise));
        List<Path> provided = providedFiles(course, exercise);
        boolean providedHere = provided.stream().allMatch(p -> p.startsWith(submission.sourceDir()));
        // A submission's copy of a test, or of a provided file it is not the home of, would replace the grader's.
        Set<String> graderOwned = Stream.concat(tests.stream(), providedHere ? Stream.empty() : provided.stream())
                .map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        List<Path> sources = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Path file : javaFiles(submission.sourceDir())) {
            if (graderOwned.contains(file.getFileName().toString())) {
                notes.add(course.show(file) + " is ignored: the grader uses its own " + file.getFileName() + ".");
            } else {
                sources.add(file);
            }
        }
        if (sources.isEmpty()) {
            return new Result(classes, List.of(course.show(submission.sourceDir()) + ": no .java file to grade here."),
                    notes);
        }
        if (!providedHere) sources.addAll(provided);

        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ENGLISH, StandardCharsets.UTF_8)) {
            // The student's code compiles against the JDK alone: it cannot name a test or a grader class.
            files.setLocation(StandardLocation.CLASS_PATH, List.of());
            boolean compiled = compile(javac, files, diagnostics, sources, studentClasses(classes));
            if (compiled && !tests.isEmpty()) {
                List<Path> classPath = new ArrayList<>(List.of(studentClasses(classes)));
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                        .forEach(classPath::add);
                files.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
                compile(javac, files, diagnostics, tests, testClasses(classes));
            }
        }
        List<String> errors = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> describe(course, submission, d))
                .toList();
        notes.addAll(sameNamesAsTests(classes));
        return new Result(classes, errors, notes);
    }

    private static boolean compile(JavaCompiler javac, StandardJavaFileManager files,
                                   DiagnosticCollector<JavaFileObject> diagnostics, List<Path> sources, Path into)
            throws IOException {
        Files.createDirectories(into);
        List<String> options = List.of("-d", into.toString(), "-encoding", "UTF-8",
                "-proc:none", "-g", "-nowarn", "-Xlint:none");
        return javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
    }

    /** A student class named like a test class: the tests never see it, as their own folder comes first. */
    private static List<String> sameNamesAsTests(Path classes) throws IOException {
        List<String> notes = new ArrayList<>();
        for (Path test : classFiles(testClasses(classes))) {
            Path relative = testClasses(classes).relativize(test);
            if (Files.exists(studentClasses(classes).resolve(relative))) {
                String name = relative.toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
                notes.add("Your class " + name + " has the name of one of the grader's test classes: the tests use"
                        + " the grader's.");
            }
        }
        return notes;
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
    public static List<Path> providedFiles(Course course, Exercise exercise) throws IOException {
        return javaFiles(course.exercisesDir().resolve(exercise.dir())).stream()
                .filter(p -> !p.getFileName().toString().equals(exercise.file()))
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
        return filesEndingIn(dir, ".java");
    }

    private static List<Path> classFiles(Path dir) throws IOException {
        return filesEndingIn(dir, ".class");
    }

    private static List<Path> filesEndingIn(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
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
