package commands;

import engine.Course;
import engine.Exercise;
import engine.Progress;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static engine.Terminal.*;

/** The exercises in course order and where each stands: for {@code ./jbang grade} and {@code ./jbang grade list}. */
final class ProgressTable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("d MMM HH:mm");

    private ProgressTable() {}

    /** One row per exercise: id, title, lesson, status and, {@code withDates}, when it was last graded. */
    static void print(PrintStream out, Course course, Progress progress, boolean withDates) {
        List<Exercise> exercises = course.exercises();
        int idWidth = width(exercises.stream().map(Exercise::id).toList());
        int titleWidth = width(exercises.stream().map(Exercise::title).toList());
        int lessonWidth = width(exercises.stream().map(Exercise::lesson).toList());
        List<Progress.Status> statuses = exercises.stream().map(progress::status).toList();
        int statusWidth = width(statuses.stream().map(ProgressTable::statusText).toList());
        Instant now = Instant.now();
        for (int i = 0; i < exercises.size(); i++) {
            Exercise exercise = exercises.get(i);
            Progress.Status status = statuses.get(i);
            String row = "  " + pad(exercise.id(), idWidth) + "  " + pad(exercise.title(), titleWidth)
                    + "  " + pad(exercise.lesson(), lessonWidth)
                    + "  " + paint(status, pad(statusText(status), statusWidth));
            if (withDates && status.gradedAt() != null) row += "  " + dim(when(status.gradedAt(), now));
            out.println(row.stripTrailing());
        }
        long passed = statuses.stream().filter(s -> s.state() == Progress.State.PASSED).count();
        out.println();
        out.println(passed + " of " + exercises.size() + " exercises pass.");
    }

    private static String statusText(Progress.Status status) {
        String mark = switch (status.state()) {
            case PASSED -> PASS;
            case FAILING -> FAIL;
            case NOT_STARTED, NOT_GRADED -> SKIP;
        };
        return mark + " " + status.text() + (status.editedSince() ? ", edited since" : "");
    }

    private static String paint(Progress.Status status, String text) {
        return switch (status.state()) {
            case PASSED -> green(text);
            case FAILING -> red(text);
            case NOT_GRADED -> yellow(text);
            case NOT_STARTED -> dim(text);
        };
    }

    /** "just now", "5 min ago", "today 14:02", "yesterday 09:30", "3 Nov 17:45". */
    static String when(Instant at, Instant now) {
        Duration ago = Duration.between(at, now);
        if (ago.toMinutes() < 1) return "just now";
        if (ago.toHours() < 1) return ago.toMinutes() + " min ago";
        ZonedDateTime local = at.atZone(ZoneId.systemDefault());
        LocalDate today = LocalDate.now();
        if (local.toLocalDate().equals(today)) return "today " + TIME.format(local);
        if (local.toLocalDate().equals(today.minusDays(1))) return "yesterday " + TIME.format(local);
        return DAY_AND_TIME.format(local);
    }

    private static int width(List<String> cells) {
        return cells.stream().mapToInt(String::length).max().orElse(0);
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
