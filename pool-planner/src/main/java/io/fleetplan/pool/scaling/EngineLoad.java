package io.fleetplan.pool.scaling;

import io.fleetplan.pool.perf.EngineLimits;

/**
 * One engine's current load as the load loop reads it (from its latest FPM, or from the router's ActiveLoad).
 *
 * @param queuedPrefillTokens prompt tokens waiting for prefill
 * @param scheduledKvTokens context tokens of the running decodes
 * @param queuedKvTokens context tokens of preempted/waiting decodes
 * @param runningRequests requests in the engine's running batch (0 = unknown)
 */
public record EngineLoad(
        String workerId,
        int dpRank,
        double queuedPrefillTokens,
        double scheduledKvTokens,
        double queuedKvTokens,
        EngineLimits limits,
        int runningRequests) {

    /** Without a running count (unknown). */
    public EngineLoad(
            String workerId,
            int dpRank,
            double queuedPrefillTokens,
            double scheduledKvTokens,
            double queuedKvTokens,
            EngineLimits limits) {
        this(workerId, dpRank, queuedPrefillTokens, scheduledKvTokens, queuedKvTokens, limits, 0);
    }

    public double kvTokens() {
        return scheduledKvTokens + queuedKvTokens;
    }

    public boolean finite() {
        return Double.isFinite(queuedPrefillTokens)
                && Double.isFinite(scheduledKvTokens)
                && Double.isFinite(queuedKvTokens);
    }
}
