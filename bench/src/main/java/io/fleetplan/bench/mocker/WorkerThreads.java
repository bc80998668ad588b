package io.fleetplan.bench.mocker;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import io.fleetplan.bench.machine.RunQueueWait;
import java.lang.management.ManagementFactory;

/**
 * CPU time, allocated bytes and run-queue wait of an in-process worker's threads (found by name prefix), so
 * the live bench can report per-token costs that do not depend on how busy the machine is, and how long the
 * machine kept the worker waiting for a CPU.
 */
final class WorkerThreads {

    /**
     * Totals over the worker's threads.
     *
     * @param cpuNanos CPU time
     * @param allocatedBytes heap bytes allocated
     * @param runQueueNanos time runnable but not running (Linux schedstat), -1 where unknown
     */
    record Sample(long cpuNanos, long allocatedBytes, long runQueueNanos) {

        Sample minus(Sample earlier) {
            return new Sample(
                    cpuNanos - earlier.cpuNanos,
                    allocatedBytes - earlier.allocatedBytes,
                    runQueueNanos < 0 || earlier.runQueueNanos < 0 ? -1 : runQueueNanos - earlier.runQueueNanos);
        }
    }

    private WorkerThreads() {}

    /**
     * Sums over live threads whose name starts with {@code prefix}. Threads that ended between two samples drop
     * out of the later one; the worker's threads live as long as the worker, so differences stay meaningful.
     */
    static Sample sample(String prefix) {
        ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu = 0;
        long alloc = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                cpu += Math.max(0, bean.getThreadCpuTime(t.threadId()));
                alloc += Math.max(0, bean.getThreadAllocatedBytes(t.threadId()));
            }
        }
        return new Sample(cpu, alloc, RunQueueWait.total(prefix));
    }

    /** Total time of this JVM's JIT compilers so far, ms (-1 if not monitored). */
    static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** CPU time of this whole process, ns (-1 if unknown). */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }

    /**
     * {collections, milliseconds} over this JVM's garbage collectors so far, without ZGC's "... Cycles" beans
     * (concurrent work, counted by their "... Pauses" twins); G1's beans count its stop-the-world collections.
     */
    static long[] gc() {
        long count = 0;
        long ms = 0;
        for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean.getName().endsWith("Cycles")) {
                continue;
            }
            count += Math.max(0, bean.getCollectionCount());
            ms += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, ms};
    }
}
