package engine;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * After a timeout, says in plain words which threads wait on what and who holds it, so that "timed out"
 * becomes "deadlock: worker-1 holds lock A and waits for B, held by worker-2". Runs inside the test JVM
 * while the stuck threads are still stuck. Platform threads come from ThreadMXBean, which also finds
 * deadlock cycles; virtual threads are invisible to it, so they come from the HotSpot thread dump.
 */
final class HangDiagnosis {

    /** One stuck thread, as the student reads it. */
    private record Stuck(String thread, String waits, String where, List<String> holds) {

        List<String> lines() {
            List<String> lines = new ArrayList<>(List.of("  " + thread + " " + waits + where));
            if (!holds.isEmpty()) lines.add("      and holds " + String.join(", ", holds));
            return lines;
        }
    }

    /** A frame of the JSON thread dump: {@code fetchall.FetchAll.lambda$fetchAll$0(FetchAll.java:31)}. */
    private static final Pattern FRAME = Pattern.compile("(?<type>[\\w$.]+)\\.(?<method>[^.(]+)\\((?<file>[^)]*)\\)");

    private final String studentPackage;
    /** Threads an earlier timeout already explained: a deadlock stays stuck, and is told once. */
    private final Set<String> explained = new HashSet<>();

    HangDiagnosis(String studentPackage) {
        this.studentPackage = studentPackage + ".";
    }

    synchronized List<String> describe() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] deadlocked = threads.findDeadlockedThreads();
        List<Stuck> cycle = deadlocked == null ? List.of() : Arrays.stream(threads.getThreadInfo(deadlocked, true, true))
                .filter(info -> explained.add("#" + info.getThreadId())).map(this::platform).toList();
        if (!cycle.isEmpty()) {
            return withHeading("Deadlock: these threads each hold a lock another one waits for, so none can go on:", cycle);
        }
        List<Stuck> stuck = new ArrayList<>();
        Arrays.stream(threads.dumpAllThreads(true, true))
                .filter(info -> studentFrame(Arrays.stream(info.getStackTrace())).isPresent())
                .filter(info -> explained.add("#" + info.getThreadId()))
                .forEach(info -> stuck.add(platform(info)));
        stuck.addAll(virtualThreads());
        if (stuck.isEmpty()) {
            return List.of("No thread of yours was found waiting: the time went into slow work, not a lock.");
        }
        return withHeading("Threads still inside your code when time ran out:", stuck);
    }

    private Stuck platform(ThreadInfo info) {
        String waits = switch (info.getThreadState()) {
            case BLOCKED -> "is blocked entering synchronized on " + name(info.getLockInfo());
            case WAITING, TIMED_WAITING -> info.getLockInfo() == null
                    ? "is waiting (" + info.getThreadState() + ")" : "is waiting for " + name(info.getLockInfo());
            default -> "is " + info.getThreadState();
        };
        if (info.getLockOwnerName() != null) {
            waits += ", held by \"" + info.getLockOwnerName() + "\"";
        }
        List<String> holds = Stream.concat(Arrays.stream(info.getLockedMonitors()),
                Arrays.stream(info.getLockedSynchronizers())).map(HangDiagnosis::name).toList();
        String where = studentFrame(Arrays.stream(info.getStackTrace())).orElse("");
        return new Stuck("\"" + info.getThreadName() + "\"", waits, where, holds);
    }

    /** The virtual threads of the HotSpot thread dump (JSON) that are inside the student's code. */
    private List<Stuck> virtualThreads() {
        JsonObject dump;
        try {
            Path file = Files.createTempFile("threads", ".json");
            Files.delete(file);
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            dump = new Gson().fromJson(Files.readString(file), JsonObject.class);
            Files.delete(file);
        } catch (IOException | RuntimeException e) {
            return List.of(new Stuck("(virtual threads could not be listed:", e + ")", "", List.of()));
        }
        List<Stuck> stuck = new ArrayList<>();
        for (JsonElement container : dump.getAsJsonObject("threadDump").getAsJsonArray("threadContainers")) {
            for (JsonElement element : container.getAsJsonObject().getAsJsonArray("threads")) {
                JsonObject thread = element.getAsJsonObject();
                if (!thread.has("virtual") || !thread.get("virtual").getAsBoolean()) continue;
                Optional<String> where = studentFrame(thread.getAsJsonArray("stack").asList().stream()
                        .map(frame -> jsonFrame(frame.getAsString())));
                if (where.isPresent() && explained.add("v" + thread.get("tid").getAsString())) {
                    stuck.add(new Stuck("virtual thread \"" + thread.get("name").getAsString() + "\"",
                            virtualWaits(thread), where.get(), virtualHolds(thread)));
                }
            }
        }
        return stuck;
    }

    private static String virtualWaits(JsonObject thread) {
        if (thread.has("blockedOn")) {
            return "is blocked entering synchronized on " + thread.get("blockedOn").getAsString();
        }
        if (thread.has("parkBlocker")) {
            return "is waiting for " + thread.getAsJsonObject("parkBlocker").get("object").getAsString();
        }
        if (thread.has("waitingOn")) {
            return "is waiting (wait()) on " + thread.get("waitingOn").getAsString();
        }
        return "is " + thread.get("state").getAsString();
    }

    private static List<String> virtualHolds(JsonObject thread) {
        if (!thread.has("monitorsOwned")) return List.of();
        List<String> holds = new ArrayList<>();
        for (JsonElement owned : thread.getAsJsonArray("monitorsOwned")) {
            JsonArray locks = owned.getAsJsonObject().getAsJsonArray("locks");
            locks.forEach(lock -> holds.add(lock.getAsString()));
        }
        return holds;
    }

    /** " at FetchAll.java:31 (fetchAll)" for the first frame in the student's code, not in the tests. */
    private Optional<String> studentFrame(Stream<StackTraceElement> stack) {
        return stack.filter(frame -> frame != null && frame.getClassName().startsWith(studentPackage)
                        && !frame.getClassName().matches(".*Test(\\$.*)?"))
                .findFirst()
                .map(f -> " at " + f.getFileName() + ":" + f.getLineNumber() + " (" + f.getMethodName() + ")");
    }

    private static StackTraceElement jsonFrame(String text) {
        // Frames may start with a module or class-loader name: java.base/java..., app//fetchall...
        Matcher m = FRAME.matcher(text.substring(text.lastIndexOf('/', Math.max(0, text.indexOf('('))) + 1));
        if (!m.matches()) return null;
        String[] fileLine = m.group("file").split(":");
        return new StackTraceElement(m.group("type"), m.group("method"), fileLine[0],
                fileLine.length > 1 ? Integer.parseInt(fileLine[1]) : -1);
    }

    private static List<String> withHeading(String heading, List<Stuck> stuck) {
        List<String> lines = new ArrayList<>(List.of(heading));
        stuck.forEach(s -> lines.addAll(s.lines()));
        return lines;
    }

    private static String name(LockInfo lock) {
        return lock == null ? "?" : lock.getClassName() + "@" + Integer.toHexString(lock.getIdentityHashCode());
    }
}
