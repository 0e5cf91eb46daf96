package check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/// Records when each task starts and ends, and on which thread, so a test can tell
/// afterwards what ran at the same time and what was still running; `toString()` draws it (TimelinePicture).
/// Thread-safe.
public final class Timeline implements Recording {

    public enum Kind { START, END }

    /// A task that ran on more threads than this (in several runs) names the first ones only.
    private static final int THREADS_NAMED = 2;
    /// How JUnit names the thread it runs a test on (in the grader's SEPARATE_THREAD timeout mode): the thread
    /// that called the code under test.
    private static final String TEST_THREAD = "junit-timeout-thread-";

    public record Event(String task, Kind kind, Thread thread, long nanos) {}

    private final String noun;
    private final List<String> tasks = new CopyOnWriteArrayList<>();
    private final Collection<Event> events = new ConcurrentLinkedQueue<>();

    /// A timeline of tasks.
    public Timeline() {
        this("tasks");
    }

    /// A timeline of `noun` (plural, e.g. "hashes"), as its picture calls them.
    public Timeline(String noun) {
        this.noun = noun;
    }

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

    /// One row per task, in the order they were recorded: a bar for each time it ran, the threads that ran it.
    public List<TimelinePicture.Row> rows() {
        Map<String, List<TimelinePicture.Bar>> bars = new LinkedHashMap<>();
        Map<String, Set<String>> threads = new HashMap<>();
        tasks.forEach(task -> bars.putIfAbsent(task, new ArrayList<>()));
        // A run starts and ends on one thread, which adds its START before its END: each END closes the earliest
        // open START of its task on its thread.
        record Runner(String task, Thread thread) {}
        Map<Runner, Deque<Event>> open = new HashMap<>();
        for (var e : events) {
            threads.computeIfAbsent(e.task(), task -> new LinkedHashSet<>()).add(describe(e.thread()));
            var runs = bars.computeIfAbsent(e.task(), task -> new ArrayList<>());
            var starts = open.computeIfAbsent(new Runner(e.task(), e.thread()), runner -> new ArrayDeque<>());
            if (e.kind() == Kind.START) {
                starts.add(e);
            } else {
                runs.add(new TimelinePicture.Bar(starts.remove().nanos(), e.nanos()));
            }
        }
        open.values().forEach(starts -> starts.forEach(start ->
                bars.get(start.task()).add(new TimelinePicture.Bar(start.nanos(), TimelinePicture.RUNNING))));
        return bars.entrySet().stream().map(row -> new TimelinePicture.Row(row.getKey(), row.getValue(),
                row.getValue().isEmpty() ? "never started" : threads(threads.get(row.getKey())))).toList();
    }

    private static String describe(Thread thread) {
        return thread.getName().startsWith(TEST_THREAD) ? "the caller's thread" : LiveThreads.describe(thread);
    }

    private static String threads(Set<String> names) {
        var first = names.stream().limit(THREADS_NAMED).collect(Collectors.joining(", "));
        return names.size() <= THREADS_NAMED ? first : first + " and " + (names.size() - THREADS_NAMED) + " more";
    }

    @Override
    public String picture(long fromNanos, long toNanos) {
        return TimelinePicture.draw(rows(), fromNanos, toNanos, noun);
    }

    /// The picture of every task, from the first start to the last end (TimelinePicture), after a line break.
    @Override
    public String toString() {
        return TimelinePicture.draw(rows(), noun);
    }
}
