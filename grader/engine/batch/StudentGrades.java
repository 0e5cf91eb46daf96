package engine.batch;

import engine.Score;

import java.util.List;

/** One student's row: an outcome and its score per exercise, in course order. */
public record StudentGrades(Student student, List<Graded> exercises) {

    public record Graded(Outcome outcome, Score score) {}

    public double total() {
        return exercises.stream().mapToDouble(g -> g.score().points()).sum();
    }

    public double max() {
        return exercises.stream().mapToDouble(g -> g.score().max()).sum();
    }
}
