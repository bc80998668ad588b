package io.fleetplan.router.local;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
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
    /** The latest finished requests with a first token, a ring: streams take those after their last message. */
    private final FinishedPrompt[] prompts = new FinishedPrompt[PROMPTS_KEPT];

    private long promptCount;

    static final int PROMPTS_KEPT = 4096;

    /** One finished request: when it finished, the prompt tokens its engine computed, its TTFT. */
    record FinishedPrompt(long nanos, int newTokens, double ttftMs) {}
    /** Requests routed that have no first token yet, in arrival order: the first is the oldest. */
    private final LinkedHashMap<String, Waiting> waiting = new LinkedHashMap<>();

    private record Waiting(long nanos, int isl) {}

    /**
     * The oldest request still waiting for its first token: how long it has waited (ms) and its prompt (tokens);
     * both 0 when none waits.
     */
    record Oldest(double waitedMs, int isl) {}

    synchronized void routed(double kvHitRate) {
        sumHit += kvHitRate;
        hitCount++;
    }

    /** A request with a prompt of {@code isl} tokens arrived at {@code nanos} and waits for its first token. */
    synchronized void arrived(String trackId, long nanos, int isl) {
        arrived++;
        waiting.put(trackId, new Waiting(nanos, isl));
    }

    /** The request has its first token, or ended without one (idempotent). */
    synchronized void stoppedWaiting(String trackId) {
        waiting.remove(trackId);
    }

    synchronized long arrivedTotal() {
        return arrived;
    }

    /** The oldest waiting request at {@code nowNanos}. */
    synchronized Oldest oldestWaiting(long nowNanos) {
        if (waiting.isEmpty()) {
            return new Oldest(0, 0);
        }
        Waiting w = waiting.values().iterator().next();
        return new Oldest(Math.max(0, (nowNanos - w.nanos()) / 1e6), w.isl());
    }

    /**
     * @param newTokens the prompt tokens its engine computed (the prompt less the predicted prefix-cache hit)
     * @param itlSeconds NaN when the request had fewer than two tokens
     */
    synchronized void finished(int isl, int newTokens, int osl, double ttftSeconds, double itlSeconds, long nanos) {
        finished++;
        sumIsl += isl;
        sumOsl += osl;
        if (!Double.isNaN(ttftSeconds)) {
            prompts[(int) (promptCount++ % prompts.length)] = new FinishedPrompt(nanos, newTokens, ttftSeconds * 1000);
            sumTtft += ttftSeconds;
            ttftMicros.recordValue(Math.min(ttftMicros.getHighestTrackableValue(), (long) (ttftSeconds * 1e6)));
        }
        if (!Double.isNaN(itlSeconds)) {
            sumItl += itlSeconds;
            itlCount++;
            itlMicros.recordValue(Math.min(itlMicros.getHighestTrackableValue(), (long) (itlSeconds * 1e6)));
        }
    }

    /**
     * Requests that finished after {@code sinceNanos} and at or before {@code untilNanos} (of the latest
     * {@link #PROMPTS_KEPT}), oldest first.
     */
    synchronized List<FinishedPrompt> prompts(long sinceNanos, long untilNanos) {
        ArrayDeque<FinishedPrompt> out = new ArrayDeque<>();
        for (long i = promptCount - 1; i >= Math.max(0, promptCount - prompts.length); i--) {
            FinishedPrompt p = prompts[(int) (i % prompts.length)];
            if (p.nanos() <= sinceNanos) {
                break;
            }
            if (p.nanos() <= untilNanos) {
                out.addFirst(p);
            }
        }
        return List.copyOf(out);
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
