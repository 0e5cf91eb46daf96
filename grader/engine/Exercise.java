package engine;

import java.util.List;

/**
 * One exercise of course.json.
 *
 * @param id             what the student types: {@code ex01}
 * @param dir            its folder under exercises/, solutions/, grader/tests/ and grader/mutants/; also its package
 * @param file           the file the student edits
 * @param timeoutSeconds how long one test may run before the grader calls it a hang
 * @param hints          from a gentle pointer to nearly the answer
 */
public record Exercise(String id, String dir, String file, String lesson, String title,
                       int timeoutSeconds, List<String> hints) {}
