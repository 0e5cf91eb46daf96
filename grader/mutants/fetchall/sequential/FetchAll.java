// Mutant: runs the tasks one after another, waiting for each before starting the next.
// Rejected by: takesAboutTheLongestWaitNotTheSum
// Rejected by: runsAllTasksAtTheSameTime
package fetchall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

public class FetchAll {

    public static <T> List<T> fetchAll(List<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        List<T> results = new ArrayList<>();
        for (var task : tasks) {
            try {
                results.add(task.call());
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new ExecutionException(e);
            }
        }
        return results;
    }
}
