package io.fleetplan.pool.predict;

/** Next interval = this interval (Dynamo's {@code constant}); it keeps its values like every predictor. */
public final class ConstantPredictor extends BasePredictor {

    public ConstantPredictor() {
        super(HISTORY);
    }

    @Override
    public double predictNext() {
        return Math.max(0.0, lastValue());
    }

    @Override
    public String name() {
        return "constant";
    }
}
