// Mutant: runs the tasks on a fixed thread pool that is never shut down, so its threads outlive the call.
// Rejected by: leavesNoThreadRunning
package fetchall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;

public class FetchAll {

    public static <T> List<T> fetchAll(List<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        var executor = Executors.newFixedThreadPool(tasks.size());
        List<T> results = new ArrayList<>();
        for (var future : executor.invokeAll(tasks)) {
            results.add(future.get());
        }
        return results;
    }
}
