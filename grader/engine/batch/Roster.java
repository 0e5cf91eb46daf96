package engine.batch;

import engine.Course;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The students of a submissions folder: each subfolder, and each {@code .zip} (unpacked into the grader's work
 * folder), is one student named after it. Hidden entries (.git, .DS_Store) and __MACOSX are not students.
 */
public final class Roster {

    private static final String ZIP = ".zip";

    private Roster() {}

    /** Zips are unpacked into the course's work folder, one folder per student, emptied first. */
    public static List<Student> read(Course course, Path submissions) throws IOException {
        Path unzipDir = course.workDir().resolve(Jobs.WORK_FOLDER).resolve(".unzipped");
        if (!Files.isDirectory(submissions)) {
            throw new IOException("No folder " + submissions
                    + ": give the folder that holds one folder or zip per student.");
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(submissions)) {
            entries = list.filter(Roster::isSubmission).sorted().toList();
        }
        Files.createDirectories(unzipDir);
        List<Student> students = new ArrayList<>();
        for (Path entry : entries) {
            String file = entry.getFileName().toString();
            if (Files.isDirectory(entry)) {
                students.add(new Student(file, entry, null));
            } else {
                String name = file.substring(0, file.length() - ZIP.length());
                students.add(unzip(name, entry, unzipDir.resolve(name)));
            }
        }
        List<String> names = students.stream().map(Student::name).toList();
        names.stream().filter(name -> names.indexOf(name) != names.lastIndexOf(name)).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException("Two submissions are named '" + name + "' (a folder and a zip?):"
                    + " keep one per student.");
        });
        return students;
    }

    private static boolean isSubmission(Path entry) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".") || name.equals("__MACOSX")) return false;
        return Files.isDirectory(entry) || (name.toLowerCase().endsWith(ZIP) && name.length() > ZIP.length());
    }

    private static Student unzip(String name, Path zip, Path target) {
        try {
            Unzip.extract(zip, target);
            return new Student(name, target, null);
        } catch (IOException | IllegalArgumentException e) {
            return new Student(name, target, "Nothing was graded: " + e.getMessage() + ".");
        }
    }
}
