package engine.batch;

import engine.Exercise;
import engine.TestResult;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static engine.Terminal.*;

/** The table printed at the end: a row per student, points per exercise, then what went wrong where. */
public final class Summary {

    private static final int MIN_COLUMN = 6;

    private Summary() {}

    public static void print(BatchResult result, PrintStream out) {
        int nameWidth = result.students().stream().map(s -> s.student().name().length())
                .max(Comparator.naturalOrder()).orElse(0);
        nameWidth = Math.max(nameWidth, "student".length());
        StringBuilder header = new StringBuilder(pad("student", nameWidth));
        for (Exercise exercise : result.exercises()) header.append(" ").append(left(exercise.id()));
        header.append(" ").append(left("total")).append(" ").append(left("max"));
        out.println(bold(header.toString()));

        List<String> troubles = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (StudentGrades student : result.students()) {
            StringBuilder row = new StringBuilder(pad(student.student().name(), nameWidth));
            for (StudentGrades.Graded graded : student.exercises()) {
                String cell = left(Points.format(graded.score().points()));
                boolean full = graded.score().points() >= graded.score().max();
                row.append(" ").append(full ? green(cell) : graded.score().points() == 0 ? red(cell) : yellow(cell));
                String trouble = graded.outcome().headline();
                String where = student.student().name() + " " + graded.outcome().exercise().id() + ": ";
                if (trouble != null) troubles.add(where + trouble);
                graded.score().tests().stream().filter(t -> t.test().status() == TestResult.Status.SKIPPED)
                        .forEach(t -> skipped.add(where + t.test().message().lines().findFirst().orElse("")));
            }
            row.append(" ").append(bold(left(Points.format(student.total()))))
                    .append(" ").append(left(Points.format(student.max())));
            out.println(row);
        }
        if (!troubles.isEmpty()) {
            out.println();
            out.println(bold("Not graded in full:"));
            troubles.forEach(line -> out.println("  " + line));
        }
        if (!skipped.isEmpty()) {
            out.println();
            out.println(bold("Skipped, and given their share (grade these again on a quiet machine):"));
            skipped.forEach(line -> out.println("  " + line));
        }
    }

    private static String left(String text) {
        return " ".repeat(Math.max(0, MIN_COLUMN - text.length())) + text;
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
