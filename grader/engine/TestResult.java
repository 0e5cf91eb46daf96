package engine;

import java.util.List;

/**
 * One test's verdict, as the test JVM hands it back to the grader.
 *
 * @param displayName the sentence the student reads ("returns every value in input order")
 * @param method      the test method's name; mutants name the method that must reject them
 * @param message     why it failed or was skipped, in the test's own words; empty when it passed
 * @param details     measurements the test published, and a hang diagnosis after a timeout
 * @param round       which round of a repeated run it belongs to, from 1
 * @param tags        the test's JUnit tags: the contract clauses it checks ({@code input-order:fetchAll}) and
 *                    {@code speed-up}
 */
public record TestResult(String method, String displayName, Status status, String message, List<String> details,
                         int round, List<String> tags) {

    public enum Status { PASSED, FAILED, SKIPPED }

    /** Gson leaves out a field the JSON lacks. */
    @Override
    public List<String> tags() {
        return tags == null ? List.of() : tags;
    }

    public boolean failed() {
        return status == Status.FAILED;
    }
}
