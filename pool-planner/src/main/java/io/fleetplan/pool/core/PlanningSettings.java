package io.fleetplan.pool.core;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.predict.PredictorSettings;
import io.fleetplan.pool.scaling.LoadThresholds;
import java.time.Duration;

/**
 * The planning core's view of a PlannerConfig: resolved defaults, durations, thresholds. {@code ttftMs}/{@code itlMs}
 * are the targets the calculators size for (the SLO times the planning factors); {@code sloTtftMs}/{@code sloItlMs}
 * are the SLO itself, which observed latency is checked against.
 */
public record PlanningSettings(
        PoolMode mode,
        boolean throughputScaling,
        boolean loadScaling,
        boolean sla,
        Duration throughputInterval,
        Duration loadInterval,
        Duration scaleInterval,
        Duration tickDeadline,
        int minEndpoint,
        int maxGpuBudget,
        int minGpuBudget,
        int prefillGpus,
        int decodeGpus,
        double ttftMs,
        double itlMs,
        int scalingDownSensitivity,
        int minObservations,
        int maxFpmSamples,
        int fpmBucketSize,
        LoadThresholds thresholds,
        PredictorSettings predictor,
        Duration maxTrafficAge,
        Duration maxEngineAge,
        EngineLimits engineLimits,
        Duration scaleDownStabilization,
        Duration advisoryLogInterval,
        boolean latencyCorrection,
        double throughputUtilization,
        double sloTtftMs,
        double sloItlMs,
        boolean observedSloScaling,
        boolean kvHitRateDiscount,
        double prefillLateFraction,
        Duration forecastHorizon,
        boolean prefillWaitingRoom,
        Duration decodeContextWindow) {

    public static PlanningSettings from(PlannerConfig c) {
        Duration throughput = Duration.ofSeconds(c.throughputAdjustmentIntervalSeconds());
        Duration load = Duration.ofSeconds(c.loadAdjustmentIntervalSeconds());
        LoadThresholds thresholds = switch (c.optimizationTarget()) {
            case "latency" -> LoadThresholds.LATENCY;
            case "load" ->
                new LoadThresholds(
                        c.loadPrefillQueueScaleUp(),
                        c.loadPrefillQueueScaleDown(),
                        c.loadDecodeKvScaleUp(),
                        c.loadDecodeKvScaleDown());
            default -> LoadThresholds.THROUGHPUT;
        };
        Duration maxAge = c.maxDataAgeSeconds() == null ? null : seconds(c.maxDataAgeSeconds());
        return new PlanningSettings(
                PoolMode.of(c.mode()),
                c.enableThroughputScaling(),
                c.enableLoadScaling(),
                "sla".equals(c.optimizationTarget()),
                throughput,
                load,
                seconds(c.scaleIntervalSeconds()),
                seconds(c.scheduling().tickMaxDurationSeconds()),
                c.minEndpoint(),
                c.maxGpuBudget(),
                c.minGpuBudget(),
                c.prefillEngineNumGpu() == null ? 1 : c.prefillEngineNumGpu(),
                c.decodeEngineNumGpu() == null ? 1 : c.decodeEngineNumGpu(),
                c.ttftMs() * c.ttftPlanningFactor(),
                c.itlMs() * c.itlPlanningFactor(),
                c.loadScalingDownSensitivity(),
                c.loadMinObservations(),
                c.maxNumFpmSamples(),
                c.fpmSampleBucketSize(),
                thresholds,
                PredictorSettings.from(c, c.seasonalPeriodSeconds()),
                maxAge != null ? maxAge : throughput.multipliedBy(3),
                maxAge != null ? maxAge : load.multipliedBy(3),
                new EngineLimits(
                        c.maxKvTokens() == null ? 0 : c.maxKvTokens(),
                        c.maxNumBatchedTokens() == null ? 0 : c.maxNumBatchedTokens(),
                        c.maxNumSeqs() == null ? 0 : c.maxNumSeqs()),
                seconds(c.scaleDownStabilizationSeconds()),
                seconds(c.advisoryLogInterval()),
                !c.noCorrection(),
                c.throughputTargetUtilization(),
                c.ttftMs(),
                c.itlMs(),
                c.observedSloScaling(),
                c.enableKvHitRateDiscount(),
                c.prefillLateFraction(),
                seconds(c.forecastHorizonSeconds()),
                c.prefillWaitingRoomTarget(),
                seconds(c.decodeContextWindowSeconds()));
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
