///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS com.google.code.gson:gson:2.15.0
//DEPS io.github.java-diff-utils:java-diff-utils:4.16
//SOURCES ../engine/Course.java ../engine/Exercise.java ../engine/Submission.java ../engine/Mutant.java

import engine.Course;
import engine.Exercise;
import engine.Mutant;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Makes a class of 30 submissions for {@code ./jbang grade batch}, from the course's own solutions, stubs and
 * mutants, so a course author can see how the batch grades each kind of homework:
 * <pre>
 *   ./jbang grader/batch-fixtures/MakeSubmissions.java /tmp/class
 *   ./jbang grade batch /tmp/class --exercises ex01,ex03
 * </pre>
 * Each student is named after what is wrong with it (s01-correct, s09-partial, s14-racy, …). Most faults are in
 * ex01 (fetchall) or ex03 (bank), so {@code --exercises ex01,ex03} shows every kind; the other exercises are the
 * reference solutions. Every third student nests the exercises in an exercises/ folder, every fifth is a zip.
 */
class MakeSubmissions {

    /** What a student hands in; {@code count} students of each kind. */
    enum Kind {
        CORRECT(8, "every exercise is the reference solution"),
        PARTIAL(5, "some exercises are the untouched stub, some are not handed in"),
        RACY(3, "ex03 is the bank/unsynchronized mutant: balances race"),
        DEADLOCK(3, "ex03 is the bank/source-account-first mutant: opposite transfers deadlock"),
        HANGING(3, "ex01's fetchAll never returns"),
        EXIT(2, "ex01's fetchAll calls System.exit(0)"),
        NOT_COMPILING(3, "ex01 does not compile"),
        FLOODING(3, "ex01's fetchAll prints " + FLOOD_LINES + " lines on every call, then works");

        final int count;
        final String what;

        Kind(int count, String what) {
            this.count = count;
            this.what = what;
        }
    }

    private static final int FLOOD_LINES = 200_000;

    /** The first line of fetchAll's body in the reference solution; the faults are put right after it. */
    private static final Pattern FETCH_ALL = Pattern.compile("public static <T> List<T> fetchAll\\(.*\\{\\n");

    public static void main(String... args) throws IOException, Mutant.DoesNotApply {
        if (args.length != 1) {
            System.err.println("Usage: MakeSubmissions.java TARGET_FOLDER   (makes 30 submissions in it)");
            System.exit(2);
        }
        Course course = Course.find(Path.of(""));
        Path target = Path.of(args[0]);
        List<Exercise> exercises = course.exercises();
        Files.createDirectories(target);
        int number = 0;
        for (Kind kind : Kind.values()) {
            for (int k = 0; k < kind.count; k++) {
                number++;
                String name = String.format("s%02d-%s", number, kind.name().toLowerCase().replace('_', '-'));
                Path folder = target.resolve(name);
                if (Files.exists(folder)) throw new IOException(folder + " exists already: give an empty or new folder.");
                Path root = number % 3 == 0 ? folder.resolve("exercises") : folder;
                for (int j = 0; j < exercises.size(); j++) {
                    write(course, root, exercises.get(j), kind, k, j);
                }
                if (number % 5 == 0) zipAndDelete(folder, target.resolve(name + ".zip"));
                System.out.println(name + (number % 5 == 0 ? ".zip" : "") + ": " + kind.what);
            }
        }
    }

    /** One exercise of one student: the stub's folder, with the edited file as this kind of student wrote it. */
    private static void write(Course course, Path root, Exercise exercise, Kind kind, int k, int j)
            throws IOException, Mutant.DoesNotApply {
        Path stub = course.exercisesDir().resolve(exercise.dir());
        Path solution = course.solutionsDir().resolve(exercise.dir()).resolve(exercise.file());
        // Partial students vary: exercise j is a stub when (j + k) % 3 == 0, else missing when (j + k) % 5 == 4.
        if (kind == Kind.PARTIAL && (j + k) % 3 != 0 && (j + k) % 5 == 4) return;
        Path dir = Files.createDirectories(root.resolve(exercise.dir()));
        try (Stream<Path> files = Files.list(stub)) {
            for (Path file : files.toList()) Files.copy(file, dir.resolve(file.getFileName()));
        }
        Path edited = dir.resolve(exercise.file());
        if (kind == Kind.PARTIAL && (j + k) % 3 == 0) return;
        String source = Files.readString(solution);
        source = switch (exercise.dir()) {
            case "bank" -> switch (kind) {
                case RACY -> mutant(course, exercise, "unsynchronized");
                case DEADLOCK -> mutant(course, exercise, "source-account-first");
                default -> source;
            };
            case "fetchall" -> switch (kind) {
                case HANGING -> intoFetchAll(source, "while (tasks != null) java.util.concurrent.locks.LockSupport.park();");
                case EXIT -> intoFetchAll(source, "if (tasks != null) System.exit(0);");
                case NOT_COMPILING -> intoFetchAll(source, "String notANumber = 42;");
                case FLOODING -> intoFetchAll(source, "for (int line = 0; line < " + FLOOD_LINES
                        + "; line++) System.out.println(\"debug: fetching, line \" + line);");
                default -> source;
            };
            default -> source;
        };
        Files.writeString(edited, source);
    }

    private static String intoFetchAll(String source, String statement) {
        Matcher start = FETCH_ALL.matcher(source);
        if (!start.find()) throw new IllegalStateException("fetchAll's declaration is not where this script expects it");
        return source.substring(0, start.end()) + "        " + statement + "\n" + source.substring(start.end());
    }

    /** The reference solution with the flaw of one of the course's mutants. */
    private static String mutant(Course course, Exercise exercise, String name) throws IOException, Mutant.DoesNotApply {
        return String.join("\n", Mutant.named(course, exercise, name).source(course)) + "\n";
    }

    private static void zipAndDelete(Path from, Path zip) throws IOException {
        if (Files.exists(zip)) throw new IOException(zip + " exists already: give an empty or new folder.");
        try (OutputStream file = Files.newOutputStream(zip); var out = new ZipOutputStream(file);
             Stream<Path> walk = Files.walk(from)) {
            for (Path path : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(from.relativize(path).toString().replace('\\', '/')));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
        }
    }
}
