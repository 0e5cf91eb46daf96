package check;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.Collectors;

/// Finds threads that a piece of code left running.
///
/// Two kinds of suspects: non-daemon threads started since a snapshot (a pool that was never shut
/// down), and the threads that ran the tasks (a pool that already existed, or a daemon pool). The
/// JDK's own daemon threads that come and go on their own (virtual-thread carriers, timers) are not
/// suspects, nor are the caller's thread and the shared common pool, which the code does not own.
/// The JVM lists virtual threads only in a thread dump: `virtualSnapshot`, `virtualSince` and
/// `virtualThreadsRunning` read one.
public final class LiveThreads {

    private LiveThreads() {}

    /// The platform threads alive now.
    public static Set<Thread> snapshot() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /// The suspects still alive after waiting up to `grace` in all for them to finish.
    public static List<Thread> leakedSince(Set<Thread> before, Collection<Thread> taskThreads, Duration grace)
            throws InterruptedException {
        var suspects = new HashSet<Thread>();
        snapshot().stream().filter(t -> !t.isDaemon() && !before.contains(t)).forEach(suspects::add);
        suspects.addAll(taskThreads);
        suspects.removeIf(t -> t == Thread.currentThread() || inCommonPool(t));
        long deadline = System.nanoTime() + grace.toNanos();
        for (var t : suspects) {
            t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        return suspects.stream().filter(Thread::isAlive).sorted(Comparator.comparingLong(Thread::threadId)).toList();
    }

    /// The virtual threads alive now, by thread id, each described by its name (or id) and the frame it is at.
    /// They are read from a thread dump of the JVM's thread containers (an executor's threads, and those started
    /// on their own), which lists a virtual thread from its start until it ends or leaves its executor.
    public static Map<Long, String> virtualSnapshot() {
        var described = new LinkedHashMap<Long, String>();
        virtualThreads().forEach((id, thread) -> described.put(id, describe(id, thread)));
        return described;
    }

    /// The virtual threads alive now with code of `type` (or of its lambdas and nested classes) on their stack,
    /// described.
    public static List<String> virtualThreadsRunning(Class<?> type) {
        return virtualThreads().entrySet().stream()
                .filter(e -> frames(e.getValue()).stream().map(LiveThreads::method)
                        .anyMatch(m -> m.startsWith(type.getName() + ".") || m.startsWith(type.getName() + "$")))
                .map(e -> describe(e.getKey(), e.getValue())).toList();
    }

    private static Map<Long, JsonObject> virtualThreads() {
        Set<Long> platform = platformThreadIds();
        var first = virtualThreadsIn(threadDump(), platform);
        var second = virtualThreadsIn(threadDump(), platform);
        platform.addAll(platformThreadIds());
        // A thread alive through both dumps that is no platform thread before or after them is virtual; a
        // short-lived platform thread would have to start just before the first and end just after the second.
        second.keySet().retainAll(first.keySet());
        second.keySet().removeAll(platform);
        return second;
    }

    private static JsonObject threadDump() {
        try {
            Path dir = Files.createTempDirectory("threads");
            Path dump = dir.resolve("dump.json");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                return JsonParser.parseString(Files.readString(dump)).getAsJsonObject();
            } finally {
                Files.deleteIfExists(dump);
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not take a thread dump", e);
        }
    }

    /// The virtual threads alive now that were not in `before`, described.
    public static List<String> virtualSince(Map<Long, String> before) {
        var now = virtualSnapshot();
        now.keySet().removeAll(before.keySet());
        return List.copyOf(now.values());
    }

    /// The threads of `dump` that are virtual, or (in a Java 21 dump, which does not say) not in `platform`.
    private static Map<Long, JsonObject> virtualThreadsIn(JsonObject dump, Set<Long> platform) {
        var virtual = new LinkedHashMap<Long, JsonObject>();
        for (JsonElement container : dump.getAsJsonObject("threadDump").getAsJsonArray("threadContainers")) {
            for (JsonElement element : container.getAsJsonObject().getAsJsonArray("threads")) {
                var thread = element.getAsJsonObject();
                long id = Long.parseLong(thread.get("tid").getAsString());
                // A Java 25 dump gives each thread's state and marks the virtual ones; Java 21's does neither.
                boolean isVirtual = thread.has("state")
                        ? thread.has("virtual") && thread.get("virtual").getAsBoolean()
                        : !platform.contains(id);
                if (isVirtual) virtual.put(id, thread);
            }
        }
        return virtual;
    }

    private static Set<Long> platformThreadIds() {
        return snapshot().stream().map(Thread::threadId).collect(Collectors.toCollection(HashSet::new));
    }

    /// `virtual thread #42 at httpfetch.HttpFetch.fetchOne(HttpFetch.java:107)`: the first frame outside the JDK.
    private static String describe(long id, JsonObject thread) {
        String name = thread.has("name") ? thread.get("name").getAsString() : "";
        List<String> frames = frames(thread);
        String at = frames.stream().filter(f -> !method(f).startsWith("java.") && !method(f).startsWith("jdk."))
                .findFirst()
                .or(() -> frames.stream().findFirst()).map(f -> " at " + f).orElse("");
        return (name.isEmpty() ? "virtual thread #" + id : name) + at;
    }

    /// `workerpool.WorkerPool.bridge` of the frame `app//workerpool.WorkerPool.bridge(WorkerPool.java:93)`:
    /// without the class loader, module and source file that a frame may name.
    private static String method(String frame) {
        String code = frame.contains("(") ? frame.substring(0, frame.indexOf('(')) : frame;
        return code.substring(code.lastIndexOf('/') + 1);
    }

    private static List<String> frames(JsonObject thread) {
        return thread.getAsJsonArray("stack").asList().stream().map(JsonElement::getAsString).toList();
    }

    private static boolean inCommonPool(Thread t) {
        return t instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool();
    }

    /// A thread's name, or for a nameless (virtual) thread what it is, e.g. `virtual thread #42`.
    public static String describe(Thread t) {
        if (!t.getName().isEmpty()) return t.getName();
        return (t.isVirtual() ? "virtual thread #" : "thread #") + t.threadId();
    }

    /// `describe` for each, comma-separated.
    public static String describe(Collection<Thread> threads) {
        return threads.stream().map(LiveThreads::describe).collect(Collectors.joining(", "));
    }
}
