// Mutant: runs the tasks concurrently but returns the results in the order the tasks finish.
// Rejected by: returnsEveryValueInInputOrder
package fetchall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Executors;

public class FetchAll {

    public static <T> List<T> fetchAll(List<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var completion = new ExecutorCompletionService<T>(executor);
            tasks.forEach(completion::submit);
            List<T> results = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                results.add(completion.take().get());
            }
            return results;
        }
    }
}
