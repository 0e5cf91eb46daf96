package commands;

import engine.Course;
import engine.Exercise;
import engine.Terminal;
import engine.batch.BatchGrading;
import engine.batch.BatchOutput;
import engine.batch.BatchResult;
import engine.batch.Roster;
import engine.batch.Student;
import engine.batch.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./jbang grade batch SUBMISSIONS/}: grades a whole class's submissions, every exercise in its own JVM. */
@Command(name = "batch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Grades a folder of submissions: each subfolder or .zip is one student's copy of exercises/"
                + " (alice/fetchall/FetchAll.java or alice/exercises/fetchall/FetchAll.java).",
                "Writes grades.csv, results/<student>.json and junit/<student>.xml."},
        footer = {"", "Exit status: 0 when all went well, 1 when a reference solution failed on this machine"
                + " (the grades are then not to be trusted)."})
public class BatchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SUBMISSIONS", description = "The folder with one folder or .zip per student.")
    Path submissions;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Submissions graded at once, except speed-up tests, which always run alone"
                    + " (default: half the cores, at least 1).")
    Integer jobs;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where grades.csv, results/ and junit/ go (default: .grader/grades/ in the course,"
                    + " which git ignores, so grades are never committed).")
    Path out;

    @Option(names = "--exercises", paramLabel = "ID", split = ",",
            description = "Grade only these exercises, e.g. ex01,ex03 (default: all).")
    List<String> exercises;

    @Override
    public Integer call() throws Exception {
        Course course = Course.find(Path.of(""));
        List<Exercise> chosen = exercises == null ? course.exercises()
                : exercises.stream().map(course::exercise).toList();
        int parallel = jobs != null ? jobs : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        if (parallel < 1) throw new IllegalArgumentException("--jobs must be at least 1.");
        Path outDir = (out != null ? out : course.workDir().resolve("grades")).toAbsolutePath().normalize();

        List<Student> students = Roster.read(course, submissions);
        if (students.isEmpty()) throw new IllegalArgumentException("No student folder or .zip in " + submissions + ".");
        BatchResult result = new BatchGrading(course, chosen, parallel, System.out).run(students);
        BatchOutput.write(result, outDir);

        System.out.println();
        Summary.print(result, System.out);
        long graded = (long) result.students().size() * chosen.size();
        System.out.printf("%n%d students x %d exercises in %.0f s (%.1f s per student x exercise, %d at a time)%n",
                result.students().size(), chosen.size(), result.wallTime().toMillis() / 1e3,
                result.wallTime().toMillis() / 1e3 / graded, parallel);
        System.out.println("Grades: " + outDir.resolve("grades.csv") + ", results/, junit/");
        if (!result.referenceFailures().isEmpty()) {
            System.out.println(Terminal.red(Terminal.bold("The reference solution failed here for "
                    + String.join("; ", result.referenceFailures()) + " -- do not trust these grades.")));
            return 1;
        }
        return 0;
    }
}
