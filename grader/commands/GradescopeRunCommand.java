package commands;

import engine.Course;
import engine.gradescope.Autograder;
import engine.gradescope.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./jbang grade gradescope run}: what the zip's run_autograder calls for each submission. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Grades one Gradescope submission and writes its results.json. Runs inside the unzipped"
                + " autograder, which holds the test counts (" + Manifest.FILE + ").")
public class GradescopeRunCommand implements Callable<Integer> {

    @Option(names = "--submission", paramLabel = "DIR", required = true,
            description = "The student's files (on Gradescope: /autograder/submission).")
    Path submission;

    @Option(names = "--results", paramLabel = "FILE", required = true,
            description = "Where to write results.json (on Gradescope: /autograder/results/results.json).")
    Path results;

    @Override
    public Integer call() throws Exception {
        Course course = Course.find(Path.of(""));
        Path manifest = course.root().resolve(Manifest.FILE);
        if (!Files.isRegularFile(manifest)) {
            throw new IOException("No " + Manifest.FILE + " in " + course.root() + ": run this inside the unzipped"
                    + " autograder that ./jbang grade gradescope builds.");
        }
        new Autograder(course, Manifest.read(manifest), System.out).grade(submission).write(results);
        return 0;
    }
}
