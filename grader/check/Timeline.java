package check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/// Records when each task starts and ends, and on which thread, so a test can tell
/// afterwards what ran at the same time and what was still running. Thread-safe.
public final class Timeline {

    public enum Kind { START, END }

    public record Event(String task, Kind kind, Thread thread, long nanos) {}

    private final List<String> tasks = new CopyOnWriteArrayList<>();
    private final Collection<Event> events = new ConcurrentLinkedQueue<>();

    /// Wraps `body` so that its start and end (even by an exception) are recorded under `task`.
    public <T> Callable<T> record(String task, Callable<T> body) {
        tasks.add(task);
        return () -> {
            add(task, Kind.START);
            try {
                return body.call();
            } finally {
                add(task, Kind.END);
            }
        };
    }

    private void add(String task, Kind kind) {
        events.add(new Event(task, kind, Thread.currentThread(), System.nanoTime()));
    }

    /// All events so far, in time order.
    public List<Event> events() {
        var sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(Event::nanos).thenComparing(Event::kind, Comparator.reverseOrder()));
        return sorted;
    }

    /// The largest number of tasks that were running at one instant (an end and a start at the same nanosecond don't overlap).
    public int maxRunningAtOnce() {
        int running = 0, max = 0;
        for (var e : events()) {
            running += e.kind() == Kind.START ? 1 : -1;
            max = Math.max(max, running);
        }
        return max;
    }

    /// The recorded tasks that had not ended by `nanos` (a System.nanoTime() value), in the order they were recorded.
    public List<String> notEndedBy(long nanos) {
        var ended = events.stream().filter(e -> e.kind() == Kind.END && e.nanos() <= nanos).map(Event::task).toList();
        return tasks.stream().filter(t -> !ended.contains(t)).toList();
    }

    /// The threads that ran the tasks.
    public Set<Thread> threads() {
        var threads = new LinkedHashSet<Thread>();
        events().forEach(e -> threads.add(e.thread()));
        return threads;
    }

    /// One line per event, in ms since the first one, e.g. `  +302 ms END   task-2 on pool-1-thread-2`.
    @Override
    public String toString() {
        var sorted = events();
        if (sorted.isEmpty()) return "(no task ran)";
        long t0 = sorted.getFirst().nanos();
        var lines = new StringBuilder();
        for (var e : sorted) {
            lines.append("%n%6d ms %-5s %s on %s".formatted(
                    (e.nanos() - t0) / 1_000_000, e.kind(), e.task(), LiveThreads.describe(e.thread())));
        }
        return lines.toString();
    }
}
