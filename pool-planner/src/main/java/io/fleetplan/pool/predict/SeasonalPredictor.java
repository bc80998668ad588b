package io.fleetplan.pool.predict;

import io.fleetplan.pool.math.LeastSquares;

/**
 * fleetplan's predictor for the {@code prophet} setting. It models what Prophet models for a short, regular
 * series: a linear trend plus a Fourier seasonality, fitted by least squares and extrapolated one step.
 *
 * <ul>
 *   <li>Trend only (intercept + slope) over the last {@code prophet_window_size} points while less than two
 *       full seasonal periods are kept (Prophet likewise turns daily seasonality on only with two days of
 *       data).</li>
 *   <li>With at least two periods kept, up to three harmonics of the period (in steps:
 *       {@code seasonal_period_seconds / throughput interval}) are fitted jointly with the trend over the
 *       last two to three periods.</li>
 * </ul>
 * Prophet's changepoints, holidays and uncertainty intervals are not modelled. At least 5 points (fewer: last
 * value); log1p applies to the fitted values when configured.
 */
public final class SeasonalPredictor extends FittedPredictor {

    private final int window;
    private final int periodSteps;

    /** @param periodSteps season length in intervals; below 2 turns seasonality off */
    public SeasonalPredictor(int window, int periodSteps, boolean log1p) {
        super(Math.max(window, periodSteps >= 2 ? 3 * periodSteps : 0), log1p);
        this.window = Math.max(2, window);
        this.periodSteps = periodSteps;
    }

    @Override
    double forecast(double[] all) {
        boolean seasonal = periodSteps >= 2 && all.length >= 2 * periodSteps;
        int harmonics = seasonal ? Math.min(3, periodSteps / 2) : 0;
        int use = seasonal ? all.length : Math.min(window, all.length);
        int start = all.length - use;
        int cols = 2 + 2 * harmonics;
        double[][] x = new double[use][];
        double[] y = new double[use];
        for (int i = 0; i < use; i++) {
            x[i] = features(i, harmonics, cols);
            y[i] = all[start + i];
        }
        double[] b = LeastSquares.solve(x, y, 1e-9, true);
        if (b == null) {
            return Double.NaN;
        }
        double[] next = features(use, harmonics, cols);
        double f = 0;
        for (int j = 0; j < cols; j++) {
            f += b[j] * next[j];
        }
        return f;
    }

    private double[] features(int t, int harmonics, int cols) {
        double[] row = new double[cols];
        row[0] = 1;
        row[1] = t;
        for (int h = 1; h <= harmonics; h++) {
            double angle = 2 * Math.PI * h * t / periodSteps;
            row[2 * h] = Math.sin(angle);
            row[2 * h + 1] = Math.cos(angle);
        }
        return row;
    }

    @Override
    public String name() {
        return "prophet";
    }
}
