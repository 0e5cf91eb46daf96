package engine;

import java.nio.file.Path;

/**
 * A folder of code to grade against one exercise's tests: the student's copy, the reference solution,
 * or a mutant.
 *
 * @param label names it in reports and in the grader's work folder
 */
public record Submission(Exercise exercise, Path sourceDir, String label) {

    public static Submission student(Course course, Exercise exercise) {
        return new Submission(exercise, course.exercisesDir().resolve(exercise.dir()), exercise.id());
    }

    public static Submission solution(Course course, Exercise exercise) {
        return new Submission(exercise, course.solutionsDir().resolve(exercise.dir()), exercise.id() + "-solution");
    }

    public Path editedFile() {
        return sourceDir.resolve(exercise.file());
    }
}
