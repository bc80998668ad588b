package io.fleetplan.pool.predict;

import io.fleetplan.pool.config.PlannerConfig;

/**
 * What a predictor needs from the planner config.
 *
 * @param seasonalPeriodSteps season length in throughput intervals for {@code prophet} (0 = none)
 */
public record PredictorSettings(
        String name,
        boolean log1p,
        int prophetWindowSize,
        double kalmanQLevel,
        double kalmanQTrend,
        double kalmanR,
        int kalmanMinPoints,
        int seasonalPeriodSteps) {

    public static PredictorSettings from(PlannerConfig c, double seasonalPeriodSeconds) {
        int steps = seasonalPeriodSeconds <= 0
                ? 0
                : (int) Math.round(seasonalPeriodSeconds / c.throughputAdjustmentIntervalSeconds());
        return new PredictorSettings(
                c.loadPredictor(),
                c.loadPredictorLog1p(),
                c.prophetWindowSize(),
                c.kalmanQLevel(),
                c.kalmanQTrend(),
                c.kalmanR(),
                c.kalmanMinPoints(),
                steps);
    }

    public PredictorSettings withName(String other) {
        return new PredictorSettings(
                other,
                log1p,
                prophetWindowSize,
                kalmanQLevel,
                kalmanQTrend,
                kalmanR,
                kalmanMinPoints,
                seasonalPeriodSteps);
    }

    /** A fresh predictor of the configured kind. */
    public LoadPredictor create() {
        return switch (name) {
            case "constant" -> new ConstantPredictor();
            case "arima" -> new ArimaPredictor(log1p);
            case "kalman" -> new KalmanPredictor(kalmanQLevel, kalmanQTrend, kalmanR, kalmanMinPoints, log1p);
            case "prophet" -> new SeasonalPredictor(prophetWindowSize, seasonalPeriodSteps, log1p);
            default ->
                throw new IllegalArgumentException(
                        "load_predictor: '" + name + "' is not one of constant, arima, kalman, prophet");
        };
    }
}
