package io.fleetplan.mocker.engine;

/**
 * One engine iteration's ForwardPassMetrics (Dynamo FPM schema version 1; field meanings as in the proto
 * {@code fleetplan.v1.ForwardPassMetrics}). An idle heartbeat has every count 0 and {@code wallTime} 0.
 *
 * @param counterId monotonic per engine (heartbeats take numbers too)
 * @param dpRank data-parallel rank
 * @param wallTime seconds the iteration took on the engine's clock (model time / speedup_ratio)
 * @param startNanos engine time the iteration started, ns since the epoch
 * @param scheduled work done in the iteration
 * @param queued work waiting after the iteration was planned
 */
public record ForwardPass(
        long counterId, int dpRank, double wallTime, long startNanos, Scheduled scheduled, Queued queued) {

    /**
     * @param numPrefillRequests prefills (or chunks) computed
     * @param sumPrefillTokens new prompt tokens computed
     * @param varPrefillLength population variance of the scheduled prefills' full prompt lengths, tokens^2
     * @param sumPrefillKvTokens cached and earlier-chunk tokens the prefills read
     * @param numDecodeRequests sequences that were decoding and produced a token
     * @param sumDecodeKvTokens their context tokens
     * @param varDecodeKvTokens population variance of those context lengths, tokens^2
     */
    public record Scheduled(
            int numPrefillRequests,
            long sumPrefillTokens,
            double varPrefillLength,
            long sumPrefillKvTokens,
            int numDecodeRequests,
            long sumDecodeKvTokens,
            double varDecodeKvTokens) {
        public static final Scheduled IDLE = new Scheduled(0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * @param numPrefillRequests waiting requests never admitted
     * @param sumPrefillTokens their prompt tokens
     * @param varPrefillLength variance of their prompt lengths
     * @param numDecodeRequests preempted requests waiting to resume
     * @param sumDecodeKvTokens their context tokens (prompt + output so far)
     * @param varDecodeKvTokens variance of those
     */
    public record Queued(
            int numPrefillRequests,
            long sumPrefillTokens,
            double varPrefillLength,
            int numDecodeRequests,
            long sumDecodeKvTokens,
            double varDecodeKvTokens) {
        public static final Queued EMPTY = new Queued(0, 0, 0, 0, 0, 0);
    }

    /** True for an idle heartbeat. */
    public boolean isIdle() {
        return scheduled.numPrefillRequests() == 0 && scheduled.numDecodeRequests() == 0;
    }
}
