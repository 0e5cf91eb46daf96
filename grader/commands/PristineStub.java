package commands;

import engine.Course;
import engine.Progress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The untouched stub of an exercise file, from the course's git history, which keeps it whatever the student
 * commits. The version that added the file is the stub as first published; a later version counts instead if it
 * still holds at least as many {@link Progress#STUB_BODY stub bodies}, because the course may have revised its
 * stub since (ex05's did), while a student's commit replaces stub bodies with work.
 */
final class PristineStub {

    /** Why there is no stub to restore, in words for the student. */
    static final class Unavailable extends Exception {
        Unavailable(String why) {
            super(why);
        }
    }

    private final Course course;

    PristineStub(Course course) {
        this.course = course;
    }

    byte[] of(Path file) throws Unavailable, IOException, InterruptedException {
        // "./" makes git read the path from the course folder, which may lie inside a larger repository.
        String path = "./" + course.show(file).replace('\\', '/');
        List<String> versions = text(git("log", "--format=%H", "--", path)).lines().toList();
        List<String> added = text(git("log", "--diff-filter=A", "--format=%H", "--", path)).lines().toList();
        if (versions.isEmpty() || added.isEmpty()) {
            throw new Unavailable(
                    "git has no history of " + course.show(file) + ", so it has no copy of the original stub.");
        }
        int stubBodies = stubBodies(git("show", added.getFirst() + ":" + path));
        if (stubBodies == 0) {
            throw new Unavailable("the first version git has of " + course.show(file) + " is not a stub (it has no "
                    + Progress.STUB_BODY + "): the course was probably put under git after it was downloaded.");
        }
        for (String commit : versions) {
            byte[] version = git("show", commit + ":" + path);
            if (stubBodies(version) >= stubBodies) return version;
        }
        throw new IllegalStateException("the version that added the file is among its versions");
    }

    private static int stubBodies(byte[] source) {
        return text(source).split(Pattern.quote(Progress.STUB_BODY), -1).length - 1;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** What git printed; its standard input is closed at once, so it never waits on the terminal. */
    private byte[] git(String... arguments) throws Unavailable, IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", course.root().toString()));
        command.addAll(List.of(arguments));
        Process git;
        try {
            git = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new Unavailable("git is not installed here (" + e.getMessage() + "), and the grader finds the"
                    + " original stub in the course's git history.");
        }
        git.getOutputStream().close();
        byte[] out = git.getInputStream().readAllBytes();
        String err = text(git.getErrorStream().readAllBytes()).strip();
        if (git.waitFor() != 0) {
            throw new Unavailable(err.contains("not a git repository")
                    ? "this course folder is not a git clone (a zip download, say), so there is no history to take"
                      + " the original stub from."
                    : "git " + arguments[0] + " failed: " + err);
        }
        return out;
    }
}
