package commands;

import engine.Course;
import engine.Progress;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./jbang grade list}: the exercises in course order with lesson, title and status. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists the exercises in course order with their lesson, title and status.")
public final class ListCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Course course = Course.find(Path.of(""));
        ProgressTable.print(System.out, course, Progress.load(course, System.err), false);
        return 0;
    }
}
