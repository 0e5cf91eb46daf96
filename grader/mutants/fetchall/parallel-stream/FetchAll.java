// Mutant: uses a parallel stream, whose common ForkJoinPool caps IO concurrency at about the number of cores.
// Rejected by: doesNotUseParallelStreams
package fetchall;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

public class FetchAll {

    public static <T> List<T> fetchAll(List<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return tasks.parallelStream().map(FetchAll::call).toList();
        } catch (CompletionException e) {
            Throwable cause = e; // the stream may wrap it once more, in a copy made on this thread
            while (cause instanceof CompletionException) cause = cause.getCause();
            throw new ExecutionException(cause);
        }
    }

    private static <T> T call(Callable<T> task) {
        try {
            return task.call();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }
}
