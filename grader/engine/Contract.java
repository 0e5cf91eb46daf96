package engine;

import com.google.gson.Gson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an exercise promises, clause by clause, and which public methods each clause binds: kept beside its tests
 * as grader/exercises/&lt;exercise&gt;/contract.json. A test names each clause and method it checks with a JUnit tag
 * {@code <clause>:<method>}, e.g. {@code @Tag("input-order:fetchAll")}, so the self-test can show which pairs
 * no test checks.
 */
public record Contract(List<Clause> clauses) {

    public static final String FILE = "contract.json";

    /**
     * @param id      short, kebab-case: {@code input-order}
     * @param methods the public methods it binds (the class's name for a rule about the whole class)
     * @param says    the requirement as the exercise's header states it
     */
    public record Clause(String id, List<String> methods, String says) {}

    public static Path file(Course course, Exercise exercise) {
        return course.testsDir(exercise).resolve(FILE);
    }

    public static Contract of(Course course, Exercise exercise) throws IOException {
        Contract contract = new Gson().fromJson(Files.readString(file(course, exercise)), Contract.class);
        if (contract == null || contract.clauses() == null) {
            throw new IOException(course.show(file(course, exercise)) + " has no \"clauses\" list.");
        }
        return contract;
    }

    /** Every method any clause binds, in the order they first appear. */
    public List<String> methods() {
        Set<String> methods = new LinkedHashSet<>();
        clauses.forEach(c -> methods.addAll(c.methods()));
        return List.copyOf(methods);
    }

    /** The tag that names a clause and a method it binds. */
    public static String tag(String clause, String method) {
        return clause + ":" + method;
    }

    /** How the tests cover this contract: which tests check each pair, and the tags that name no pair. */
    public Coverage coverage(List<TestResult> tests) {
        Map<String, List<String>> testsByTag = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        Set<String> pairs = new LinkedHashSet<>();
        clauses.forEach(c -> c.methods().forEach(m -> pairs.add(tag(c.id(), m))));
        for (TestResult test : tests) {
            for (String tag : test.tags()) {
                if (!tag.contains(":")) continue; // speed-up and other tags that are not clauses
                if (!pairs.contains(tag)) unknown.add(tag + " (on " + test.method() + ")");
                List<String> checking = testsByTag.computeIfAbsent(tag, t -> new ArrayList<>());
                if (!checking.contains(test.method())) checking.add(test.method());
            }
        }
        List<String> uncovered = pairs.stream().filter(p -> !testsByTag.containsKey(p)).toList();
        return new Coverage(this, testsByTag, uncovered, List.copyOf(unknown));
    }

    /**
     * @param uncovered pairs {@code clause:method} that no test names
     * @param unknown   tags of the form {@code clause:method} that name no pair of the contract (a typo, or a
     *                  clause that was renamed)
     */
    public record Coverage(Contract contract, Map<String, List<String>> testsByTag, List<String> uncovered,
                           List<String> unknown) {

        public int pairs() {
            return contract.clauses().stream().mapToInt(c -> c.methods().size()).sum();
        }

        /** One row per clause, one column per method: how many tests check the pair, ✘ if none, · if unbound. */
        public List<String> table() {
            List<String> methods = contract.methods();
            int idWidth = contract.clauses().stream().mapToInt(c -> c.id().length()).max().orElse(0);
            StringBuilder head = new StringBuilder(" ".repeat(idWidth));
            methods.forEach(m -> head.append("  ").append(m));
            List<String> rows = new ArrayList<>(List.of(head.toString()));
            for (Clause clause : contract.clauses()) {
                StringBuilder row = new StringBuilder(String.format("%-" + idWidth + "s", clause.id()));
                for (String method : methods) {
                    int tests = testsByTag.getOrDefault(tag(clause.id(), method), List.of()).size();
                    String cell = !clause.methods().contains(method) ? "·" : tests == 0 ? "✘" : String.valueOf(tests);
                    row.append("  ").append(String.format("%-" + method.length() + "s", cell));
                }
                rows.add(row.toString().stripTrailing());
            }
            return rows;
        }
    }
}
