package io.fleetplan.pool.predict;

/**
 * Dynamo's {@code arima}: automatic order selection ({@link AutoArima}), at least 5 points (fewer: last
 * value), an all-equal series returns that value, any failure returns the last value. The model is refitted
 * on the last {@value #WINDOW} points at every forecast (Dynamo fits once and then updates with fixed orders;
 * refitting lets the order follow a changing traffic shape and costs well under a millisecond).
 *
 * <p>Dynamo switches to log1p when its raw fit picks (0,d,0); that works around pmdarima forecasting a flat
 * line. Here (0,1,0) carries a drift term, so the raw fit already extrapolates and no switch is made.
 */
public final class ArimaPredictor extends BasePredictor {

    static final int MIN_POINTS = 5;
    static final int WINDOW = 200;

    private final boolean log1p;

    public ArimaPredictor(boolean log1p) {
        super(WINDOW);
        this.log1p = log1p;
    }

    @Override
    public double predictNext() {
        double[] raw = values();
        if (raw.length < MIN_POINTS) {
            return Math.max(0.0, lastValue());
        }
        if (allEqual(raw)) {
            return Math.max(0.0, raw[0]);
        }
        double[] z = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            z[i] = toModel(raw[i], log1p);
        }
        try {
            AutoArima.Fit fit = AutoArima.fit(z);
            if (fit == null || !Double.isFinite(fit.forecast())) {
                return Math.max(0.0, lastValue());
            }
            return fromModel(fit.forecast(), log1p);
        } catch (RuntimeException e) {
            return Math.max(0.0, lastValue());
        }
    }

    @Override
    public String name() {
        return "arima";
    }
}
