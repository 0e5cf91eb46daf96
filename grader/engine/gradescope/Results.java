package engine.gradescope;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/): one object with
 * the submission's score and a test entry per test. Field names are written in snake case (max_score) and
 * fields left null are left out.
 *
 * @param executionTime    seconds
 * @param visibility       the default for the tests: visible, after_due_date, after_published or hidden
 * @param stdoutVisibility whether students see what run_autograder printed (the grader's own log)
 */
public record Results(double score, long executionTime, String output, String outputFormat, String visibility,
                      String stdoutVisibility, List<Test> tests) {

    /** Plain text: Gradescope shows it as it is, in a monospaced block. */
    static final String TEXT = "text";

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .create();

    /**
     * One entry on the student's results page.
     *
     * @param number shown before the name; {@code 3.2} is exercise 3's second test
     * @param status passed or failed
     */
    public record Test(String name, String number, double score, double maxScore, String status, String output,
                       String outputFormat, String visibility, List<String> tags) {

        static Test of(String name, String number, double score, double maxScore, boolean passed, String output,
                       String visibility, List<String> tags) {
            return new Test(name, number, score, maxScore, passed ? "passed" : "failed", output, TEXT, visibility, tags);
        }
    }

    /** Written beside and then moved, so Gradescope never reads half a file. */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, GSON.toJson(this));
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
