package io.fleetplan.pool.scaling;

/**
 * Queue/utilisation thresholds of the non-SLA optimization targets. Prefill ratio = queued prefill tokens /
 * max_num_batched_tokens (a pass's worth of waiting work = 1.0); decode utilisation = (scheduled + queued KV
 * tokens) / max_kv_tokens. Scale up when ANY engine is at or over the up threshold, down when ALL are under
 * the down threshold.
 */
public record LoadThresholds(double prefillUp, double prefillDown, double decodeUp, double decodeDown) {

    /** Dynamo's {@code throughput} target. */
    public static final LoadThresholds THROUGHPUT = new LoadThresholds(1.0, 0.1, 1.0, 0.6);
    /** Dynamo's {@code latency} target (down only when idle). */
    public static final LoadThresholds LATENCY = new LoadThresholds(0.1, 0.0, 0.4, 0.1);
}
