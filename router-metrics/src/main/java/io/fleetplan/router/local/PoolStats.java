package io.fleetplan.router.local;

import java.util.LinkedHashMap;
import org.HdrHistogram.Histogram;

/**
 * Cumulative per-pool request statistics, so a PoolMetrics stream can report each interval as the difference
 * of two snapshots (what PromQL's increase() does on the Prometheus side). Thread-safe (synchronized).
 */
final class PoolStats {

    private long finished;
    private double sumIsl;
    private double sumOsl;
    private double sumTtft;
    private double sumItl;
    private long itlCount;
    private double sumHit;
    private long hitCount;
    private final Histogram ttftMicros = new Histogram(3_600_000_000L, 2);
    private final Histogram itlMicros = new Histogram(3_600_000_000L, 2);
    private long arrived;
    /** Requests routed that have no first token yet, in arrival order: the first is the oldest. */
    private final LinkedHashMap<String, Long> waiting = new LinkedHashMap<>();

    synchronized void routed(double kvHitRate) {
        sumHit += kvHitRate;
        hitCount++;
    }

    /** A request arrived at {@code nanos} and waits for its first token. */
    synchronized void arrived(String trackId, long nanos) {
        arrived++;
        waiting.put(trackId, nanos);
    }

    /** The request has its first token, or ended without one (idempotent). */
    synchronized void stoppedWaiting(String trackId) {
        waiting.remove(trackId);
    }

    synchronized long arrivedTotal() {
        return arrived;
    }

    /** Milliseconds the oldest waiting request has waited at {@code nowNanos}; 0 when none waits. */
    synchronized double oldestWaitingMs(long nowNanos) {
        if (waiting.isEmpty()) {
            return 0;
        }
        return Math.max(0, (nowNanos - waiting.values().iterator().next()) / 1e6);
    }

    /** @param itlSeconds NaN when the request had fewer than two tokens */
    synchronized void finished(int isl, int osl, double ttftSeconds, double itlSeconds) {
        finished++;
        sumIsl += isl;
        sumOsl += osl;
        if (!Double.isNaN(ttftSeconds)) {
            sumTtft += ttftSeconds;
            ttftMicros.recordValue(Math.min(ttftMicros.getHighestTrackableValue(), (long) (ttftSeconds * 1e6)));
        }
        if (!Double.isNaN(itlSeconds)) {
            sumItl += itlSeconds;
            itlCount++;
            itlMicros.recordValue(Math.min(itlMicros.getHighestTrackableValue(), (long) (itlSeconds * 1e6)));
        }
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(
                finished,
                sumIsl,
                sumOsl,
                sumTtft,
                sumItl,
                itlCount,
                sumHit,
                hitCount,
                ttftMicros.copy(),
                itlMicros.copy());
    }

    /** Cumulative values at one instant. */
    record Snapshot(
            long finished,
            double sumIsl,
            double sumOsl,
            double sumTtft,
            double sumItl,
            long itlCount,
            double sumHit,
            long hitCount,
            Histogram ttft,
            Histogram itl) {

        static Snapshot empty() {
            return new Snapshot(
                    0, 0, 0, 0, 0, 0, 0, 0, new Histogram(3_600_000_000L, 2), new Histogram(3_600_000_000L, 2));
        }

        /** The window between {@code earlier} and this snapshot. */
        Window since(Snapshot earlier, double seconds) {
            long n = finished - earlier.finished;
            long nItl = itlCount - earlier.itlCount;
            long nHit = hitCount - earlier.hitCount;
            Histogram dTtft = ttft.copy();
            dTtft.subtract(earlier.ttft);
            Histogram dItl = itl.copy();
            dItl.subtract(earlier.itl);
            return new Window(
                    seconds,
                    n,
                    n == 0 ? 0 : (sumIsl - earlier.sumIsl) / n,
                    n == 0 ? 0 : (sumOsl - earlier.sumOsl) / n,
                    n == 0 ? 0 : (sumTtft - earlier.sumTtft) / n * 1000,
                    nItl == 0 ? 0 : (sumItl - earlier.sumItl) / nItl * 1000,
                    nHit == 0 ? 0 : (sumHit - earlier.sumHit) / nHit,
                    dTtft.getTotalCount() == 0 ? 0 : dTtft.getValueAtPercentile(99) / 1000.0,
                    dItl.getTotalCount() == 0 ? 0 : dItl.getValueAtPercentile(99) / 1000.0);
        }
    }

    /** Means over one window; zeros (never NaN) when nothing finished. */
    record Window(
            double seconds,
            long requests,
            double meanIsl,
            double meanOsl,
            double meanTtftMs,
            double meanItlMs,
            double kvHitRate,
            double p99TtftMs,
            double p99ItlMs) {}
}
