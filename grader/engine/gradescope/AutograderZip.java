package engine.gradescope;

import engine.Course;
import engine.Exercise;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The zip Gradescope builds an assignment's autograder from: setup.sh and run_autograder at its root, the
 * manifest of test counts, and the course as the grader needs it (the grader without its mutants, the ./jbang
 * wrapper, the exercises for their stubs and provided files); never the solutions.
 */
public final class AutograderZip {

    /** The scripts Gradescope runs, kept beside this class as files of their own. */
    private static final List<String> SCRIPTS = List.of("setup.sh", "run_autograder");
    private static final String SCRIPTS_DIR = "grader/engine/gradescope";
    private static final List<String> COURSE_FILES = List.of("jbang", ".jbang/Bootstrap.java", ".jbang/jbang-cli.lock");
    private static final List<String> COURSE_FOLDERS = List.of("grader", "exercises");
    /** The known-wrong versions of each exercise: of no use to grade a student, and they spell out the answer. */
    private static final Pattern LEFT_OUT = Pattern.compile("grader/exercises/[^/]+/mutants/.*");
    private static final int EXECUTABLE = 0755;
    private static final int READABLE = 0644;

    private AutograderZip() {}

    /** Counts the exercises' tests by grading their solutions, then writes the zip; returns its entry count. */
    public static int build(Course course, List<Exercise> exercises, Path zip, PrintStream out)
            throws IOException, InterruptedException {
        Manifest manifest = TestCensus.take(course, exercises, out);
        Path manifestFile = Files.createTempFile("gradescope", ".json");
        try {
            manifest.write(manifestFile);
            return write(course, manifestFile, zip);
        } finally {
            Files.deleteIfExists(manifestFile);
        }
    }

    private static int write(Course course, Path manifest, Path zip) throws IOException {
        Path root = course.root();
        int entries = 0;
        try (var out = new ZipArchiveOutputStream(zip)) {
            for (String script : SCRIPTS) {
                add(out, root.resolve(SCRIPTS_DIR).resolve(script), script, EXECUTABLE);
                entries++;
            }
            add(out, manifest, Manifest.FILE, READABLE);
            entries++;
            for (String file : COURSE_FILES) {
                add(out, root.resolve(file), file, modeOf(root.resolve(file)));
                entries++;
            }
            for (String folder : COURSE_FOLDERS) {
                for (Path file : filesIn(root.resolve(folder))) {
                    String name = root.relativize(file).toString().replace('\\', '/');
                    if (LEFT_OUT.matcher(name).matches()) continue;
                    add(out, file, name, modeOf(file));
                    entries++;
                }
            }
        }
        return entries;
    }

    private static void add(ZipArchiveOutputStream out, Path file, String name, int mode) throws IOException {
        var entry = new ZipArchiveEntry(name);
        entry.setUnixMode(UnixStat.FILE_FLAG | mode);
        entry.setSize(Files.size(file));
        out.putArchiveEntry(entry);
        Files.copy(file, out);
        out.closeArchiveEntry();
    }

    /** Executable stays executable (the ./jbang wrapper), whatever file system the course is on. */
    private static int modeOf(Path file) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.contains(PosixFilePermission.OWNER_EXECUTE) ? EXECUTABLE : READABLE;
        } catch (UnsupportedOperationException e) {
            return file.getFileName().toString().contains(".") ? READABLE : EXECUTABLE;
        }
    }

    private static List<Path> filesIn(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().endsWith(".class"))
                    .sorted()
                    .toList();
        }
    }
}
