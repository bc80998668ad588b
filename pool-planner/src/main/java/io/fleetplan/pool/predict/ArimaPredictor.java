package io.fleetplan.pool.predict;

/**
 * Dynamo's {@code arima}: automatic order selection ({@link AutoArima}), at least 5 points (fewer: last
 * value), an all-equal series returns that value, any failure returns the last value. The model is refitted
 * on the last {@value #WINDOW} points at every forecast (Dynamo fits once and then updates with fixed orders;
 * refitting lets the order follow a changing traffic shape; it costs about 40 ms on 200 points on this 2-core
 * machine, three times per throughput interval).
 *
 * <p>Dynamo switches to log1p when its raw fit picks (0,d,0); that works around pmdarima forecasting a flat
 * line. Here (0,1,0) carries a drift term, so the raw fit already extrapolates and no switch is made.
 */
public final class ArimaPredictor extends FittedPredictor {

    static final int WINDOW = 200;

    public ArimaPredictor(boolean log1p) {
        super(WINDOW, log1p);
    }

    @Override
    double forecast(double[] z) {
        AutoArima.Fit fit = AutoArima.fit(z);
        return fit == null ? Double.NaN : fit.forecast();
    }

    @Override
    public String name() {
        return "arima";
    }
}
