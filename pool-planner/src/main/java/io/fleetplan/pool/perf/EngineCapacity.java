package io.fleetplan.pool.perf;

/**
 * What one engine sustains at the SLO for a given traffic shape.
 *
 * @param requestsPerSecond requests one engine serves per second
 * @param latencyMs the latency at that operating point: TTFT for prefill, ITL for decode
 */
public record EngineCapacity(double requestsPerSecond, double latencyMs) {}
