package engine;

import java.util.Arrays;

/** Turns what a test threw into words a student reads: the assertion's message, or where their code threw. */
final class Failures {

    private Failures() {}

    static String explain(Throwable failure) {
        if (failure instanceof AssertionError) {
            return failure.getMessage() == null ? "An assertion failed." : failure.getMessage().strip();
        }
        Throwable cause = rootCause(failure);
        String where = Arrays.stream(cause.getStackTrace())
                .filter(f -> !f.getClassName().startsWith("java.") && !f.getClassName().startsWith("jdk.")
                        && !f.getClassName().startsWith("org.junit."))
                .findFirst()
                .map(f -> " (" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("");
        if (cause instanceof UnsupportedOperationException && "TODO".equals(cause.getMessage())) {
            return "Not done yet: the code still throws UnsupportedOperationException(\"TODO\")" + where + ".";
        }
        return "Your code threw " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + where + ".";
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
