package engine.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Everything a batch leaves behind in its output folder: grades.csv, results/*.json and junit/*.xml. */
public final class BatchOutput {

    private BatchOutput() {}

    public static void write(BatchResult result, Path dir) throws IOException {
        Path results = fresh(dir.resolve("results"), ".json");
        Path junit = fresh(dir.resolve("junit"), ".xml");
        GradesCsv.write(result, dir.resolve("grades.csv"));
        for (StudentGrades student : result.students()) {
            String name = student.student().name();
            StudentJson.write(student, results.resolve(name + ".json"));
            JUnitXml.write(student, junit.resolve(name + ".xml"));
        }
    }

    /** The folder, without the files of an earlier batch: a student no longer in the batch leaves none behind. */
    private static Path fresh(Path dir, String extension) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(extension)).toList()) {
                Files.delete(file);
            }
        }
        return dir;
    }
}
