package io.fleetplan.bench.router;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * CPU time and heap allocation of this process between two snapshots, split by thread group (the thread name
 * without its numbers: {@code frontend-io-2-1} -> {@code frontend-io}). Virtual threads count on the carrier
 * threads that ran them (CPU and allocation alike: both are kept per OS thread); the CPU that no Java thread
 * accounts for (GC, JIT compiler threads, the VM) is reported as {@link #OTHER}. Those threads allocate no Java
 * objects worth counting, so allocation has no such remainder.
 */
final class ThreadCpu {

    static final String OTHER = "jvm-other";

    /** CPU nanoseconds and allocated bytes per thread id, with names, and the CPU of the whole process. */
    record Snapshot(
            Map<Long, String> names, Map<Long, Long> cpuNanos, Map<Long, Long> allocatedBytes, long processNanos) {}

    static Snapshot take() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ids = mx.getAllThreadIds();
        ThreadInfo[] infos = mx.getThreadInfo(ids);
        // HotSpot's bean counts the bytes each thread allocated (TLAB refills and outside-TLAB objects)
        long[] allocated = mx instanceof com.sun.management.ThreadMXBean hs && hs.isThreadAllocatedMemorySupported()
                ? hs.getThreadAllocatedBytes(ids)
                : null;
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, Long> alloc = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            ThreadInfo t = infos[i];
            if (t == null) {
                continue;
            }
            long ns = mx.getThreadCpuTime(ids[i]);
            if (ns >= 0) {
                names.put(ids[i], t.getThreadName());
                cpu.put(ids[i], ns);
                if (allocated != null && allocated[i] >= 0) {
                    alloc.put(ids[i], allocated[i]);
                }
            }
        }
        long process = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
        return new Snapshot(names, cpu, alloc, process);
    }

    /**
     * CPU spent between the snapshots by group, sorted by name; threads that started in between count from zero,
     * threads that ended in between are lost to {@link #OTHER}.
     */
    static Map<String, Long> delta(Snapshot before, Snapshot after) {
        Map<String, Long> byGroup = byGroup(before, after, Snapshot::cpuNanos);
        long threads = byGroup.values().stream().mapToLong(Long::longValue).sum();
        byGroup.put(OTHER, Math.max(0, after.processNanos() - before.processNanos() - threads));
        return byGroup;
    }

    /**
     * Bytes allocated between the snapshots by group, sorted by name; threads that started in between count from
     * zero, what threads that ended in between allocated is not counted.
     */
    static Map<String, Long> allocatedDelta(Snapshot before, Snapshot after) {
        return byGroup(before, after, Snapshot::allocatedBytes);
    }

    private static Map<String, Long> byGroup(
            Snapshot before, Snapshot after, Function<Snapshot, Map<Long, Long>> counter) {
        Map<String, Long> byGroup = new TreeMap<>();
        Map<Long, Long> earlier = counter.apply(before);
        for (Map.Entry<Long, Long> e : counter.apply(after).entrySet()) {
            long spent = e.getValue() - earlier.getOrDefault(e.getKey(), 0L);
            if (spent > 0) {
                byGroup.merge(group(after.names().get(e.getKey())), spent, Long::sum);
            }
        }
        return byGroup;
    }

    /** Counters keyed by thread name, summed by {@link #group} and sorted by it. */
    static Map<String, Long> grouped(Map<String, Long> byThreadName) {
        Map<String, Long> out = new TreeMap<>();
        byThreadName.forEach((name, v) -> out.merge(group(name), v, Long::sum));
        return out;
    }

    /** The thread's name without digits and the dashes left around them. */
    static String group(String threadName) {
        String g = threadName.replaceAll("-?\\d+", "").replaceAll("-+$", "");
        return g.isEmpty() ? "unnamed" : g;
    }

    private ThreadCpu() {}
}
