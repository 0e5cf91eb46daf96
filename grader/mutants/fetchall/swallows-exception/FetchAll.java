// Mutant: catches a failed task's exception and returns null in its place, so the caller never learns of it.
// Rejected by: throwsTheTasksExceptionAsCause
package fetchall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;

public class FetchAll {

    public static <T> List<T> fetchAll(List<? extends Callable<T>> tasks) throws InterruptedException {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<T> results = new ArrayList<>();
            for (var future : executor.invokeAll(tasks)) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    results.add(null);
                }
            }
            return results;
        }
    }
}
