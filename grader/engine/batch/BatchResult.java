package engine.batch;

import engine.Exercise;

import java.time.Duration;
import java.util.List;

/**
 * A finished batch.
 *
 * @param referenceFailures one sentence per exercise whose reference solution failed here: if any, the
 *                          machine was too busy or the course is broken, and the grades are not to be trusted
 */
public record BatchResult(List<Exercise> exercises, List<StudentGrades> students, List<String> referenceFailures,
                          Duration wallTime) {}
