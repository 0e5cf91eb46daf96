// Mutant: runs the tasks on a pool of 4 threads (as if sized to the CPU cores), so at most 4 wait at once.
// Rejected by: runsAllTasksAtTheSameTime
package fetchall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;

public class FetchAll {

    public static <T> List<T> fetchAll(List<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try (var executor = Executors.newFixedThreadPool(4)) {
            List<T> results = new ArrayList<>();
            for (var future : executor.invokeAll(tasks)) {
                results.add(future.get());
            }
            return results;
        }
    }
}
