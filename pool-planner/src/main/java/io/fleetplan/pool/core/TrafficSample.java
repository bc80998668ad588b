package io.fleetplan.pool.core;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Pool traffic over one window, as the throughput loop reads it (Dynamo's Metrics): request count, mean
 * ISL/OSL in tokens, mean TTFT/ITL in ms, mean request duration in seconds. NaN = unknown.
 *
 * @param at when the window ended (the source's clock)
 * @param numRequests requests that finished in the window (Dynamo counts finished requests)
 * @param arrivals fleetplan: requests that arrived in the window (NaN = the source cannot tell); under overload
 *     more arrive than finish, and the ratio is how far the pool is short
 * @param oldestWaitMs fleetplan: age of the oldest request still waiting for its first token at the end of the
 *     window (NaN = unknown): a queue shows here before any of its requests finishes
 * @param kvHitRate the router's mean predicted KV prefix hit rate over the window, 0..1 (Dynamo's
 *     {@code router_kv_hit_rate} sum over count; NaN = unknown): the share of prompt tokens prefill skips
 * @param oldestWaitIsl fleetplan: prompt tokens of the request {@code oldestWaitMs} times (NaN = unknown): a long
 *     prompt waits for its first token while it is prefilled, which is not queueing
 * @param prompts fleetplan: the requests that got their first token in the window, one by one (null = the source
 *     cannot tell; a source may sample them)
 */
public record TrafficSample(
        Instant at,
        double windowSeconds,
        double numRequests,
        double isl,
        double osl,
        double ttftMs,
        double itlMs,
        double requestDurationSeconds,
        double arrivals,
        double oldestWaitMs,
        double kvHitRate,
        double oldestWaitIsl,
        @Nullable FinishedPrompts prompts) {

    /** A window without the oldest waiting request's prompt and the requests one by one. */
    public TrafficSample(
            Instant at,
            double windowSeconds,
            double numRequests,
            double isl,
            double osl,
            double ttftMs,
            double itlMs,
            double requestDurationSeconds,
            double arrivals,
            double oldestWaitMs,
            double kvHitRate) {
        this(
                at,
                windowSeconds,
                numRequests,
                isl,
                osl,
                ttftMs,
                itlMs,
                requestDurationSeconds,
                arrivals,
                oldestWaitMs,
                kvHitRate,
                Double.NaN,
                null);
    }

    /** A window without the router's hit rate. */
    public TrafficSample(
            Instant at,
            double windowSeconds,
            double numRequests,
            double isl,
            double osl,
            double ttftMs,
            double itlMs,
            double requestDurationSeconds,
            double arrivals,
            double oldestWaitMs) {
        this(
                at,
                windowSeconds,
                numRequests,
                isl,
                osl,
                ttftMs,
                itlMs,
                requestDurationSeconds,
                arrivals,
                oldestWaitMs,
                Double.NaN);
    }

    /** A window as Dynamo's sources give it (no arrival count, no waiting age). */
    public TrafficSample(
            Instant at,
            double windowSeconds,
            double numRequests,
            double isl,
            double osl,
            double ttftMs,
            double itlMs,
            double requestDurationSeconds) {
        this(at, windowSeconds, numRequests, isl, osl, ttftMs, itlMs, requestDurationSeconds, Double.NaN, Double.NaN);
    }

    /**
     * Dynamo's normalize_idle_nans: with no request in the window, NaN means, not unknown traffic, but zero. The
     * ISL/OSL predictors do not learn these zero lengths: {@code TrafficForecast} feeds them the last observed
     * request shape instead.
     */
    public TrafficSample normalizeIdle() {
        if (numRequests != 0) {
            return this;
        }
        return new TrafficSample(
                at,
                windowSeconds,
                0,
                zero(isl),
                zero(osl),
                zero(ttftMs),
                zero(itlMs),
                zero(requestDurationSeconds),
                arrivals,
                oldestWaitMs,
                kvHitRate,
                oldestWaitIsl,
                prompts);
    }

    /** This window with the router's hit rate over it. */
    public TrafficSample withKvHitRate(double rate) {
        return new TrafficSample(
                at,
                windowSeconds,
                numRequests,
                isl,
                osl,
                ttftMs,
                itlMs,
                requestDurationSeconds,
                arrivals,
                oldestWaitMs,
                rate,
                oldestWaitIsl,
                prompts);
    }

    /** Usable for planning: count, ISL and OSL finite and non-negative (latencies may be unknown). */
    public boolean valid() {
        return Double.isFinite(numRequests)
                && numRequests >= 0
                && Double.isFinite(isl)
                && Double.isFinite(osl)
                && windowSeconds > 0;
    }

    private static double zero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
