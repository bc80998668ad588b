package io.fleetplan.pool.core;

import java.time.Instant;

/**
 * Pool traffic over one window, as the throughput loop reads it (Dynamo's Metrics): request count, mean
 * ISL/OSL in tokens, mean TTFT/ITL in ms, mean request duration in seconds. NaN = unknown.
 *
 * @param at when the window ended (the source's clock)
 */
public record TrafficSample(Instant at, double windowSeconds, double numRequests, double isl, double osl,
        double ttftMs, double itlMs, double requestDurationSeconds) {

    /**
     * Dynamo's normalize_idle_nans: with no request in the window, NaN means, not unknown traffic, but zero. The
     * ISL/OSL predictors do not learn these zero lengths: {@code TrafficForecast} feeds them the last observed
     * request shape instead.
     */
    public TrafficSample normalizeIdle() {
        if (numRequests != 0) {
            return this;
        }
        return new TrafficSample(at, windowSeconds, 0, zero(isl), zero(osl), zero(ttftMs), zero(itlMs),
                zero(requestDurationSeconds));
    }

    /** Usable for planning: count, ISL and OSL finite and non-negative (latencies may be unknown). */
    public boolean valid() {
        return Double.isFinite(numRequests) && numRequests >= 0 && Double.isFinite(isl) && Double.isFinite(osl)
                && windowSeconds > 0;
    }

    private static double zero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
