package io.fleetplan.sim.replay;

/**
 * What one policy's replay produced: every request's outcome, the time series and the GPU account.
 *
 * @param gpuSeconds GPU-seconds held from time 0 until the last request resolved (at least the last arrival)
 * @param budgetViolations times held GPUs went above max_total_gpus
 * @param overBudgetSeconds seconds spent above it
 * @param scaleEvents target changes over all pools
 * @param endSeconds the accounting horizon
 * @param events discrete events the scheduler ran (simulation work)
 * @param prestartGpuSeconds of {@code gpuSeconds}, the start-up time charged ahead of workers (the oracle's,
 *     {@link ScalingPolicy#prestartSeconds}); 0 for every other policy
 */
public record PolicyRun(
        String policy,
        String description,
        RequestLog requests,
        TimeSeries series,
        double gpuSeconds,
        int peakGpus,
        long budgetViolations,
        double overBudgetSeconds,
        long scaleEvents,
        double endSeconds,
        long events,
        double prestartGpuSeconds) {}
