package io.fleetplan.pool.predict;

/**
 * Local linear trend Kalman filter (Dynamo's {@code kalman}): state [level, trend], F = [[1,1],[0,1]],
 * H = [1,0], Q = diag(q_level, q_trend), R = r, P0 = 1000 I. The first point initialises the level with zero
 * trend; every later point runs predict (unless a forecast for this step was already made) then update.
 *
 * <p>Unlike Dynamo, which stores {@code kalman_min_points} but never reads it, fewer points than that return
 * the last value: the documented meaning of the field.
 */
public final class KalmanPredictor extends BasePredictor {

    private final double qLevel;
    private final double qTrend;
    private final double r;
    private final int minPoints;
    private final boolean log1p;

    private int points;
    private boolean initialized;
    private boolean predictedThisStep;
    private double level;
    private double trend;
    // covariance P = [[p00, p01], [p01, p11]] (symmetric)
    private double p00;
    private double p01;
    private double p11;

    public KalmanPredictor(double qLevel, double qTrend, double r, int minPoints, boolean log1p) {
        super(HISTORY);
        this.qLevel = Math.max(1e-12, qLevel);
        this.qTrend = Math.max(1e-12, qTrend);
        this.r = Math.max(1e-9, r);
        this.minPoints = Math.max(1, minPoints);
        this.log1p = log1p;
    }

    @Override
    void onAdded(double value) {
        double z = toModel(value, log1p);
        points++;
        if (!initialized) {
            level = z;
            trend = 0;
            p00 = 1000;
            p01 = 0;
            p11 = 1000;
            initialized = true;
            return;
        }
        if (!predictedThisStep) {
            timeUpdate();
        }
        predictedThisStep = false;
        double s = p00 + r;
        double k0 = p00 / s;
        double k1 = p01 / s;
        double innovation = z - level;
        level += k0 * innovation;
        trend += k1 * innovation;
        // P <- (I - K H) P
        double n00 = (1 - k0) * p00;
        double n01 = (1 - k0) * p01;
        double n11 = p11 - k1 * p01;
        p00 = n00;
        p01 = n01;
        p11 = n11;
    }

    private void timeUpdate() {
        level += trend;
        // P <- F P F^T + Q
        double n00 = p00 + 2 * p01 + p11 + qLevel;
        double n01 = p01 + p11;
        double n11 = p11 + qTrend;
        p00 = n00;
        p01 = n01;
        p11 = n11;
    }

    @Override
    public double predictNext() {
        if (!initialized || points < minPoints) {
            return Math.max(0.0, lastValue());
        }
        if (!predictedThisStep) {
            timeUpdate();
            predictedThisStep = true;
        }
        // Dynamo clamps only in log mode; a negative request forecast means nothing, so both clamp
        return fromModel(level, log1p);
    }

    /** The local linear trend carried on: level + (steps - 1) x trend after the next interval's time update. */
    @Override
    public double predictAhead(int steps) {
        double next = predictNext();
        if (!initialized || points < minPoints || steps <= 1) {
            return next;
        }
        return fromModel(level + (steps - 1) * trend, log1p);
    }

    @Override
    public String name() {
        return "kalman";
    }
}
