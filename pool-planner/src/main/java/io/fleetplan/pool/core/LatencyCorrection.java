package io.fleetplan.pool.core;

/**
 * Observed-vs-estimated latency check of the load loop (Dynamo's Gen-1 correction factors, kept online).
 *
 * <p>The FPM regression sees engine iterations only: waiting in front of the engine and prompts that prefill in
 * several chunks are not in its TTFT estimate, so on long-prompt traffic it can estimate a fraction of what
 * requests see and scale down a pool that is already missing its SLO. Each load run records the mean estimate
 * over the engines; against the mean TTFT/ITL that requests observed in the same traffic window this gives a
 * factor observed / estimated, which multiplies the load loop's estimates. The factor is never below 1: an
 * observation may only make the planner more careful, never scale down on its own, and a ratio under
 * {@link #STRONG_DISAGREEMENT} counts as agreement. Until a component has had
 * one window with both an estimate and an observation there is no check, and the planner does not scale it
 * down ({@link #checked}). One owner: the pool's {@link PoolPlanner}.
 */
final class LatencyCorrection {

    /** Cap on a factor: one odd window (a burst of very long prompts) must not multiply estimates unboundedly. */
    static final double MAX_FACTOR = 10;

    /**
     * Observed / estimated below this is treated as agreement (factor 1): the estimate is the TTFT of a request
     * arriving now while the observation is a window's mean, so they differ by tens of percent on any traffic, and
     * correcting for that would only buy replicas the SLO does not need.
     */
    static final double STRONG_DISAGREEMENT = 2.0;

    private final boolean enabled;
    private final Half ttft = new Half();
    private final Half itl = new Half();

    LatencyCorrection(boolean enabled) {
        this.enabled = enabled;
    }

    /** One load run's mean estimates (NaN when the model could not estimate). */
    void recordEstimates(double ttftMs, double itlMs) {
        ttft.record(ttftMs);
        itl.record(itlMs);
    }

    /** The mean latencies requests observed in the window the estimates cover (NaN when none completed). */
    void observe(double ttftMs, double itlMs) {
        ttft.observe(ttftMs);
        itl.observe(itlMs);
    }

    /**
     * A window in which nothing finished: there is no evidence for a factor, and the one from the last busy window
     * described a queue that has drained since (kept, it made an idle pool look over its target and scale up).
     */
    void idleWindow() {
        ttft.factor = 1.0;
        itl.factor = 1.0;
    }

    /** The traffic window was consumed: estimates recorded from now on belong to the next window. */
    void windowEnded() {
        ttft.reset();
        itl.reset();
    }

    double ttftFactor() {
        return enabled ? ttft.factor : 1.0;
    }

    double itlFactor() {
        return enabled ? itl.factor : 1.0;
    }

    /** True when the component's estimates have been checked against observed latency (always when disabled). */
    boolean checked(boolean prefill) {
        return !enabled || (prefill ? ttft : itl).checked;
    }

    private static final class Half {
        double sum;
        int count;
        double factor = 1.0;
        boolean checked;

        void record(double estimateMs) {
            if (Double.isFinite(estimateMs) && estimateMs > 0) {
                sum += estimateMs;
                count++;
            }
        }

        void observe(double observedMs) {
            if (count == 0 || !Double.isFinite(observedMs) || observedMs <= 0) {
                return;
            }
            double ratio = observedMs / (sum / count);
            factor = ratio < STRONG_DISAGREEMENT ? 1.0 : Math.min(MAX_FACTOR, ratio);
            checked = true;
        }

        void reset() {
            sum = 0;
            count = 0;
        }
    }
}
