package engine.batch;

import com.google.gson.GsonBuilder;
import engine.Score;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** results/&lt;student&gt;.json: per exercise its points and, per test, its name, status, message and details. */
final class StudentJson {

    record Test(String name, String method, String status, String message, List<String> details, double points,
                double max) {}

    record ExerciseResult(String id, String title, double points, double max, String problem,
                          List<String> compileErrors, double seconds, List<Test> tests) {}

    record StudentResult(String student, double points, double max, List<ExerciseResult> exercises) {}

    private StudentJson() {}

    static void write(StudentGrades grades, Path file) throws IOException {
        var result = new StudentResult(grades.student().name(), round(grades.total()), round(grades.max()),
                grades.exercises().stream().map(StudentJson::exercise).toList());
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(result),
                StandardCharsets.UTF_8);
    }

    private static ExerciseResult exercise(StudentGrades.Graded graded) {
        Outcome outcome = graded.outcome();
        Score score = graded.score();
        List<Test> tests = score.tests().stream().map(t -> new Test(t.test().displayName(), t.test().method(),
                t.test().status().name().toLowerCase(), t.test().message(), t.test().details(),
                round(t.points()), round(t.max()))).toList();
        return new ExerciseResult(outcome.exercise().id(), outcome.exercise().title(), round(score.points()),
                round(score.max()), outcome.trouble(),
                outcome.verdict() == null ? List.of() : outcome.verdict().compileErrors(),
                outcome.time().toMillis() / 1e3, tests);
    }

    private static double round(double points) {
        return Double.parseDouble(Points.format(points));
    }
}
