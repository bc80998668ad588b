package io.fleetplan.pool.predict;

/**
 * The forecast shell the model-based predictors share (Dynamo's rules): fewer than {@value #MIN_POINTS} points or
 * a failed fit give the last value, an all-equal series gives that value, and the model sees log1p(y) when
 * {@code load_predictor_log1p} is on.
 */
abstract class FittedPredictor extends BasePredictor {

    static final int MIN_POINTS = 5;

    private final boolean log1p;

    FittedPredictor(int capacity, boolean log1p) {
        super(capacity);
        this.log1p = log1p;
    }

    @Override
    public final double predictNext() {
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
        double f;
        try {
            f = forecast(z);
        } catch (RuntimeException e) {
            f = Double.NaN;
        }
        return Double.isFinite(f) ? fromModel(f, log1p) : Math.max(0.0, lastValue());
    }

    /** The next value of the (possibly log1p-transformed) series; NaN when the model cannot fit. */
    abstract double forecast(double[] z);
}
