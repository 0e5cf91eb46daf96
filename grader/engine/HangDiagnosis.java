package engine;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * After a timeout, says in plain words which threads wait on what and who holds it, so that
 * "timed out" becomes "deadlock: worker-1 holds account A and waits for B; worker-2 holds B and waits for A".
 * Runs inside the test JVM while the stuck threads are still stuck.
 */
final class HangDiagnosis {

    private final String studentPackage;

    /** Threads an earlier timeout already explained: a deadlock stays stuck, and is told once. */
    private final Set<Long> explained = new HashSet<>();
    private final Set<String> explainedVirtual = new HashSet<>();

    HangDiagnosis(String studentPackage) {
        this.studentPackage = studentPackage + ".";
    }

    private boolean firstSeen(ThreadInfo info) {
        return explained.add(info.getThreadId());
    }

    synchronized List<String> describe() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<String> lines = new ArrayList<>();
        long[] deadlocked = threads.findDeadlockedThreads();
        List<ThreadInfo> newlyDeadlocked = deadlocked == null ? List.of()
                : Arrays.stream(threads.getThreadInfo(deadlocked, true, true)).filter(this::firstSeen).toList();
        if (!newlyDeadlocked.isEmpty()) {
            lines.add("Deadlock: these threads each hold a lock another one waits for, so none can go on:");
            newlyDeadlocked.forEach(info -> lines.addAll(explain(info)));
            return lines;
        }
        List<ThreadInfo> stuck = Arrays.stream(threads.dumpAllThreads(true, true))
                .filter(info -> info != null && runsStudentCode(info.getStackTrace()) && firstSeen(info))
                .toList();
        if (!stuck.isEmpty()) {
            lines.add("Threads still inside your code when time ran out:");
            stuck.forEach(info -> lines.addAll(explain(info)));
        }
        lines.addAll(stuckVirtualThreads());
        if (lines.isEmpty()) {
            lines.add("No thread of yours was found waiting: the time went into slow work, not a lock.");
        }
        return lines;
    }

    private List<String> explain(ThreadInfo info) {
        List<String> lines = new ArrayList<>();
        String state = switch (info.getThreadState()) {
            case BLOCKED -> "is blocked entering synchronized on " + name(info.getLockInfo());
            case WAITING, TIMED_WAITING -> info.getLockInfo() == null
                    ? "is waiting (" + info.getThreadState() + ")"
                    : "is waiting for " + name(info.getLockInfo());
            default -> "is " + info.getThreadState();
        };
        if (info.getLockOwnerName() != null) {
            state += ", held by \"" + info.getLockOwnerName() + "\"";
        }
        lines.add("  \"" + info.getThreadName() + "\" " + state + where(info.getStackTrace()));
        List<String> held = new ArrayList<>();
        for (MonitorInfo monitor : info.getLockedMonitors()) {
            held.add(name(monitor));
        }
        for (LockInfo lock : info.getLockedSynchronizers()) {
            held.add(name(lock));
        }
        if (!held.isEmpty()) {
            lines.add("      and holds " + String.join(", ", held));
        }
        return lines;
    }

    /** Virtual threads are invisible to ThreadMXBean; the HotSpot thread dump lists them. */
    private List<String> stuckVirtualThreads() {
        try {
            Path dump = Files.createTempFile("threads", ".txt");
            Files.delete(dump);
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            List<String> lines = new ArrayList<>();
            List<String> dumpLines = Files.readAllLines(dump);
            Files.delete(dump);
            String thread = null;
            for (String line : dumpLines) {
                if (line.startsWith("#")) {
                    thread = line.contains("virtual") ? line : null;
                } else if (thread != null && line.contains(studentPackage) && explainedVirtual.add(thread)) {
                    lines.add("  virtual thread " + thread + " is still at " + line.strip());
                    thread = null;
                }
            }
            if (!lines.isEmpty()) {
                lines.addFirst("Virtual threads still inside your code when time ran out:");
            }
            return lines;
        } catch (IOException | RuntimeException e) {
            return List.of("(could not list virtual threads: " + e + ")");
        }
    }

    private boolean runsStudentCode(StackTraceElement[] stack) {
        return Arrays.stream(stack).anyMatch(this::isStudentFrame);
    }

    private boolean isStudentFrame(StackTraceElement frame) {
        return frame.getClassName().startsWith(studentPackage) && !frame.getClassName().endsWith("Test")
                && !frame.getClassName().contains("Test$");
    }

    private String where(StackTraceElement[] stack) {
        return Arrays.stream(stack).filter(this::isStudentFrame).findFirst()
                .map(f -> " at " + f.getFileName() + ":" + f.getLineNumber() + " (" + f.getMethodName() + ")")
                .orElse("");
    }

    private static String name(LockInfo lock) {
        return lock == null ? "?" : lock.getClassName() + "@" + Integer.toHexString(lock.getIdentityHashCode());
    }
}
