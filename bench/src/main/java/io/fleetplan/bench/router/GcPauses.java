package io.fleetplan.bench.router;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The garbage collector's stop-the-world pauses while open: count, total and longest, per collector bean. In a
 * one-JVM bench a pause stops the client, Frontend, router and workers together, so every token in flight meets
 * it: pauses per second and their length are what the latency tail is made of, and unlike the latency figures
 * they depend little on how busy the machine is. Beans named "... Cycles" (ZGC, Shenandoah) count concurrent
 * cycles, not pauses, and are left out; G1's beans ("G1 Young Generation", "G1 Concurrent GC" for remark and
 * cleanup, "G1 Old Generation") all count pauses.
 */
final class GcPauses implements AutoCloseable {

    /** Pauses of one collector bean during the window. */
    record Collector(long count, long totalMs, long maxMs) {}

    private final List<GarbageCollectorMXBean> beans = new ArrayList<>();
    private final Map<String, long[]> startCounts = new TreeMap<>();
    private final Map<String, Long> maxMs = new TreeMap<>();
    private final NotificationListener listener = this::onNotification;

    /** Starts counting now. */
    GcPauses() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Cycles")) {
                continue;
            }
            beans.add(gc);
            startCounts.put(gc.getName(), new long[] {gc.getCollectionCount(), gc.getCollectionTime()});
            maxMs.put(gc.getName(), 0L);
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
            }
        }
    }

    private void onNotification(Notification n, Object handback) {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            synchronized (maxMs) {
                maxMs.computeIfPresent(
                        info.getGcName(), (k, v) -> Math.max(v, info.getGcInfo().getDuration()));
            }
        }
    }

    /** Pauses since construction, per collector bean, sorted by name. */
    Map<String, Collector> since() {
        Map<String, Collector> out = new TreeMap<>();
        synchronized (maxMs) {
            for (GarbageCollectorMXBean gc : beans) {
                long[] start = startCounts.get(gc.getName());
                out.put(
                        gc.getName(),
                        new Collector(
                                gc.getCollectionCount() - start[0],
                                gc.getCollectionTime() - start[1],
                                maxMs.get(gc.getName())));
            }
        }
        return out;
    }

    /** All collectors together: count and total of the sums, the longest of the maxima. */
    static Collector total(Map<String, Collector> byCollector) {
        long count = 0;
        long total = 0;
        long max = 0;
        for (Collector c : byCollector.values()) {
            count += c.count();
            total += c.totalMs();
            max = Math.max(max, c.maxMs());
        }
        return new Collector(count, total, max);
    }

    @Override
    public void close() {
        for (GarbageCollectorMXBean gc : beans) {
            if (gc instanceof NotificationEmitter emitter) {
                try {
                    emitter.removeNotificationListener(listener);
                } catch (ListenerNotFoundException ignored) {
                    // never added
                }
            }
        }
    }
}
