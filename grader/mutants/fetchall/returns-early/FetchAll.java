// Mutant: waits at most 100 ms for each result and returns null for the tasks still running.
// Rejected by: returnsOnlyAfterEveryTaskHasFinished
package fetchall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

public class FetchAll {

    public static <T> List<T> fetchAll(List<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<T>> futures = tasks.stream().map(executor::submit).toList();
        List<T> results = new ArrayList<>();
        for (var future : futures) {
            try {
                results.add(future.get(100, TimeUnit.MILLISECONDS));
            } catch (TimeoutException tooSlow) {
                results.add(null);
            }
        }
        executor.shutdown();
        return results;
    }
}
