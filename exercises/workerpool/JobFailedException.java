// Provided for exercise 5: you need not change this file.
package workerpool;

/// Thrown by run when a job killed the worker that ran it and, on the retry, the fresh worker too.
public final class JobFailedException extends Exception {
    private final int index;
    private final String job;
    private final int exitCode;

    public JobFailedException(int index, String job, int exitCode) {
        super("job %d (%s) killed two workers; the last one exited with code %d".formatted(index, job, exitCode));
        this.index = index;
        this.job = job;
        this.exitCode = exitCode;
    }

    /// The job's position in run's list of jobs.
    public int index() {
        return index;
    }

    public String job() {
        return job;
    }

    /// The exit code of the last worker that died on it.
    public int exitCode() {
        return exitCode;
    }
}
