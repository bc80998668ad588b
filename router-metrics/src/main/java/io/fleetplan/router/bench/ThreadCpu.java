package io.fleetplan.router.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this process between two snapshots, split by thread group (the thread name without its numbers:
 * {@code frontend-io-2-1} -> {@code frontend-io}). Virtual threads count on the carrier threads that ran them;
 * what no Java thread accounts for (GC, JIT compiler threads, the VM) is reported as {@link #OTHER}.
 */
final class ThreadCpu {

    static final String OTHER = "jvm-other";

    /** CPU nanoseconds per thread id, with names, and the whole process. */
    record Snapshot(Map<Long, String> names, Map<Long, Long> cpuNanos, long processNanos) {
    }

    static Snapshot take() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long ns = mx.getThreadCpuTime(t.getThreadId());
            if (ns >= 0) {
                names.put(t.getThreadId(), t.getThreadName());
                cpu.put(t.getThreadId(), ns);
            }
        }
        long process = ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
        return new Snapshot(names, cpu, process);
    }

    /**
     * CPU spent between the snapshots by group, sorted by name; threads that started in between count from zero,
     * threads that ended in between are lost to {@link #OTHER}.
     */
    static Map<String, Long> delta(Snapshot before, Snapshot after) {
        Map<String, Long> byGroup = new TreeMap<>();
        long threads = 0;
        for (Map.Entry<Long, Long> e : after.cpuNanos().entrySet()) {
            long spent = e.getValue() - before.cpuNanos().getOrDefault(e.getKey(), 0L);
            if (spent > 0) {
                byGroup.merge(group(after.names().get(e.getKey())), spent, Long::sum);
                threads += spent;
            }
        }
        byGroup.put(OTHER, Math.max(0, after.processNanos() - before.processNanos() - threads));
        return byGroup;
    }

    /** The thread's name without digits and the dashes left around them. */
    static String group(String threadName) {
        String g = threadName.replaceAll("-?\\d+", "").replaceAll("-+$", "");
        return g.isEmpty() ? "unnamed" : g;
    }

    private ThreadCpu() {
    }
}
