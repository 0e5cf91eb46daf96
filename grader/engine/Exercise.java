package engine;

import java.util.List;

/**
 * One exercise of course.json.
 *
 * @param id             what the student types: {@code ex01}
 * @param dir            its folder under exercises/, solutions/ and grader/exercises/; also its package
 * @param file           the file the student edits
 * @param timeoutSeconds how long one test may run before the grader calls it a hang
 * @param jvmOptions     for the JVM that runs its tests. {@code -XX:TieredStopAtLevel=1} (C1 only) starts them
 *                       0.4 s sooner; use it only where no outcome depends on C2's optimisations (a missing
 *                       volatile shows only under C2) and no test times CPU work in absolute terms
 * @param points         what the exercise is worth, shared equally by its tests; course.json's default if unset
 * @param visibility     when Gradescope shows its results to the student; course.json's default if unset
 * @param mayStartProcesses whether the student's code may start processes with ProcessBuilder, which the
 *                       course's rules (check.Integrity) otherwise forbid: for an exercise about processes
 */
public record Exercise(String id, String dir, String file, String lesson, String title,
                       int timeoutSeconds, List<String> jvmOptions,
                       Double points, String visibility, boolean mayStartProcesses) {

    Exercise withDefaults(Course.Settings settings) {
        return new Exercise(id, dir, file, lesson, title, timeoutSeconds, jvmOptions,
                points == null ? settings.points() : points, visibility == null ? settings.visibility() : visibility,
                mayStartProcesses);
    }

    /** course.json may leave out the JVM options. */
    @Override
    public List<String> jvmOptions() {
        return jvmOptions == null ? List.of() : jvmOptions;
    }
}
