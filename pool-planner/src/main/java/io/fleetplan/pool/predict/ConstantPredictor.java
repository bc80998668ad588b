package io.fleetplan.pool.predict;

/** Next interval = this interval (Dynamo's {@code constant}). */
public final class ConstantPredictor extends BasePredictor {

    public ConstantPredictor() {
        super(1);
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
