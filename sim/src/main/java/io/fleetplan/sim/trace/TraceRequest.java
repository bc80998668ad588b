package io.fleetplan.sim.trace;

/**
 * One request of a trace, in arrival order.
 *
 * @param arrivalNanos arrival time in nanoseconds since the start of the trace (0 = the first request of the
 *     unwindowed file; after {@link TraceOptions} windowing and rate scaling, since the window start)
 * @param inputTokens prompt length (ISL), >= 1
 * @param outputTokens tokens to generate (OSL), >= 1
 * @param hashIds prefix-block ids (Mooncake {@code hash_ids}, one per 512-token block; equal ids at equal
 *     positions are reusable KV), or null when the format carries none. Not copied: treat as read-only.
 */
public record TraceRequest(long arrivalNanos, int inputTokens, int outputTokens, long[] hashIds) {

    /** Arrival in seconds (for reports; the replay uses {@link #arrivalNanos()}). */
    public double arrivalSeconds() {
        return arrivalNanos / 1e9;
    }

    /** The same request at another arrival time. */
    public TraceRequest at(long nanos) {
        return new TraceRequest(nanos, inputTokens, outputTokens, hashIds);
    }
}
