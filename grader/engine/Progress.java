package engine;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a student has done so far, in {@code .grader/progress.json}: each exercise's last grade and the hints
 * seen. The file is a convenience: if it is lost or unreadable, the grader says so and starts afresh, and
 * grading an exercise again records it again.
 */
public final class Progress {

    /** The body of every method a stub leaves to the student. */
    public static final String STUB_BODY = "throw new UnsupportedOperationException(\"TODO\")";

    private static final String FILE_NAME = "progress.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
            .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe()).create();

    /**
     * One grading of the student's file.
     *
     * @param problem why no test verdicts count, or null: "does not compile", "its tests did not finish"
     * @param digest  the SHA-256 of the graded file, to tell whether it was edited since
     */
    public record Grade(Instant at, boolean succeeded, long passed, long tests, String problem, String digest) {}

    /** @param hintsSeen the highest hint level shown, 0 for none */
    private record Entry(Grade grade, int hintsSeen) {}

    private record Saved(Map<String, Entry> exercises) {}

    public enum State { PASSED, FAILING, NOT_STARTED, NOT_GRADED }

    /**
     * Where an exercise stands.
     *
     * @param text        "passed", "3 of 7 tests pass", "not started"…
     * @param gradedAt    when it was last graded, or null
     * @param editedSince whether the file changed after that grading
     */
    public record Status(State state, String text, Instant gradedAt, boolean editedSince) {}

    private final Course course;
    private final PrintStream warnings;
    private Map<String, Entry> entries;

    private Progress(Course course, PrintStream warnings) {
        this.course = course;
        this.warnings = warnings;
    }

    /** Reads the progress file; never fails: a problem is told to {@code warnings} and costs only the record. */
    public static Progress load(Course course, PrintStream warnings) {
        Progress progress = new Progress(course, warnings);
        progress.entries = progress.read(true);
        return progress;
    }

    public Status status(Exercise exercise) {
        Entry entry = entries.get(exercise.id());
        Grade grade = entry == null ? null : entry.grade();
        Path file = Submission.student(course, exercise).editedFile();
        if (grade == null) {
            return stubUntouched(file) ? new Status(State.NOT_STARTED, "not started", null, false)
                    : new Status(State.NOT_GRADED, "edited, not graded yet", null, false);
        }
        boolean editedSince = !digest(file).equals(grade.digest());
        if (grade.succeeded()) return new Status(State.PASSED, "passed", grade.at(), editedSince);
        String text = grade.problem() != null ? grade.problem()
                : grade.passed() + " of " + grade.tests() + " tests pass";
        return new Status(State.FAILING, text, grade.at(), editedSince);
    }

    /** The exercise to work on: the first, in course order, that has not passed. */
    public Optional<Exercise> current() {
        return course.exercises().stream().filter(e -> status(e).state() != State.PASSED).findFirst();
    }

    /** Records a grading of the student's own file. */
    public void record(Grading.Verdict verdict) {
        Exercise exercise = verdict.submission().exercise();
        String problem = verdict.problem() == null ? null
                : verdict.compileErrors().isEmpty() ? "its tests did not finish" : "does not compile";
        Grade grade = new Grade(Instant.now(), verdict.succeeded(), verdict.passed(), verdict.tests().size(), problem,
                digest(verdict.submission().editedFile()));
        update(entries -> entries.put(exercise.id(), new Entry(grade, hintsSeen(entries, exercise))));
    }

    /** After a reset: the exercise is a stub again. */
    public void forgetGrade(Exercise exercise) {
        update(entries -> entries.put(exercise.id(), new Entry(null, hintsSeen(entries, exercise))));
    }

    public int hintsSeen(Exercise exercise) {
        return hintsSeen(entries, exercise);
    }

    public void recordHintSeen(Exercise exercise, int level) {
        update(entries -> {
            Entry entry = entries.get(exercise.id());
            entries.put(exercise.id(), new Entry(entry == null ? null : entry.grade(),
                    Math.max(level, hintsSeen(entries, exercise))));
        });
    }

    public Path file() {
        return course.workDir().resolve(FILE_NAME);
    }

    private static int hintsSeen(Map<String, Entry> entries, Exercise exercise) {
        Entry entry = entries.get(exercise.id());
        return entry == null ? 0 : entry.hintsSeen();
    }

    /**
     * Reads the file again before changing it, so that two grader commands at once (watch in one terminal,
     * hint in another) do not undo each other; then replaces it in one move, so it is never half-written.
     */
    private void update(Consumer<Map<String, Entry>> change) {
        entries = read(false);
        change.accept(entries);
        Path file = file();
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
            try {
                Files.writeString(temporary, GSON.toJson(new Saved(entries)));
                move(temporary, file);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            warnings.println("Could not save your progress in " + course.show(file) + " (" + e.getMessage()
                    + "); your work is safe, only this record is missing.");
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Map<String, Entry> read(boolean warn) {
        Path file = file();
        if (!Files.exists(file)) return new TreeMap<>();
        try {
            Saved saved = GSON.fromJson(Files.readString(file), Saved.class);
            if (saved == null || saved.exercises() == null) throw new JsonParseException("it holds no progress");
            Map<String, Entry> read = new TreeMap<>();
            saved.exercises().forEach((id, entry) -> { if (entry != null) read.put(id, entry); });
            return read;
        } catch (IOException e) {
            if (warn) warnStartingAfresh("could not be read (" + e.getMessage() + ")");
            return new TreeMap<>();
        } catch (JsonParseException | DateTimeException e) {
            if (warn) warnStartingAfresh("is damaged");
            return new TreeMap<>();
        }
    }

    private void warnStartingAfresh(String what) {
        warnings.println("Your progress file " + course.show(file()) + " " + what + ", so the grader starts a new"
                + " one: grade your exercises again to record them.");
    }

    private static boolean stubUntouched(Path file) {
        try {
            return Files.readString(file).contains(STUB_BODY);
        } catch (IOException e) {
            return false;
        }
    }

    /** The SHA-256 of a file, or "" if it cannot be read. */
    private static String digest(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return "";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Gson has no built-in java.time support: an Instant is kept as its ISO-8601 text. */
    private static final class InstantAdapter extends TypeAdapter<Instant> {
        @Override
        public void write(JsonWriter out, Instant value) throws IOException {
            out.value(value.toString());
        }

        @Override
        public Instant read(JsonReader in) throws IOException {
            return Instant.parse(in.nextString());
        }
    }
}
