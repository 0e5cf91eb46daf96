package commands;

import engine.Course;
import engine.Exercise;
import engine.classroom.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./jbang grade classroom}: the GitHub Classroom autograding workflow, from course.json. */
@Command(name = "classroom", mixinStandardHelpOptions = true,
        description = {"Prints the GitHub Classroom autograding workflow: one step per exercise, each worth its"
                + " points in course.json when all its tests pass. See instructors/README.md."})
public class ClassroomCommand implements Callable<Integer> {

    @Parameters(paramLabel = "EXERCISE", arity = "0..*",
            description = "The exercises the assignment asks for (default: all of them, in course order).")
    List<String> ids = List.of();

    @Option(names = "--out", paramLabel = "FILE", description = "Write it to FILE instead of printing it.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Course course = Course.find(Path.of(""));
        List<Exercise> exercises = ids.isEmpty() ? course.exercises() : ids.stream().map(course::exercise).toList();
        String workflow = Workflow.of(exercises);
        if (out == null) {
            System.out.print(workflow);
        } else {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, workflow);
        }
        return 0;
    }
}
