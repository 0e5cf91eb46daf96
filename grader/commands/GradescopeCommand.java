package commands;

import engine.Course;
import engine.Exercise;
import engine.gradescope.AutograderZip;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./jbang grade gradescope}: builds the autograder zip a Gradescope programming assignment runs. */
@Command(name = "gradescope", mixinStandardHelpOptions = true, subcommands = GradescopeRunCommand.class,
        description = {"Builds the autograder zip for a Gradescope programming assignment: each exercise's solution"
                + " is graded once to count its tests, so that a submission that does not compile loses each"
                + " test's share. See instructors/README.md."})
public class GradescopeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "EXERCISE", arity = "0..*",
            description = "The exercises the assignment asks for (default: all of them, in course order).")
    List<String> ids = List.of();

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "gradescope-autograder.zip",
            description = "Where to write the zip (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Course course = Course.find(Path.of(""));
        List<Exercise> exercises = ids.isEmpty() ? course.exercises() : ids.stream().map(course::exercise).toList();
        Files.createDirectories(out.toAbsolutePath().getParent());
        System.out.println("Counting the tests of each exercise by grading its solution:");
        int entries = AutograderZip.build(course, exercises, out, System.out);
        System.out.println("Wrote " + out.toAbsolutePath().normalize() + " (" + entries + " files). Upload it in the"
                + " assignment's Configure Autograder page; instructors/README.md says which settings it needs.");
        return 0;
    }
}
