package io.fleetplan.pool.predict;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The input handling every predictor shares (Dynamo's BasePredictor): non-finite values become 0, zeros are
 * skipped until the first non-zero value since the last {@link #resetIdleSkip()}, and the buffer is bounded.
 */
abstract class BasePredictor implements LoadPredictor {

    /**
     * Values kept by a predictor whose forecast needs fewer (constant, Kalman): Dynamo keeps every value in each
     * predictor's buffer, so the count and the last value read the same whichever predictor is configured (a
     * warm-up of N intervals keeps N); a bound keeps a long-running planner's memory flat.
     */
    static final int HISTORY = 200;

    private final Deque<Double> buffer = new ArrayDeque<>();
    private final int capacity;
    private boolean seenNonZero;

    BasePredictor(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    @Override
    public final void addDataPoint(double value) {
        double v = Double.isFinite(value) ? value : 0.0;
        if (v == 0.0 && !seenNonZero) {
            return;
        }
        seenNonZero = true;
        buffer.addLast(v);
        if (buffer.size() > capacity) {
            buffer.removeFirst();
        }
        onAdded(v);
    }

    /** Hook for predictors with incremental state (Kalman). */
    void onAdded(double value) {}

    @Override
    public final double lastValue() {
        return buffer.isEmpty() ? 0.0 : buffer.peekLast();
    }

    @Override
    public final int size() {
        return buffer.size();
    }

    @Override
    public final void resetIdleSkip() {
        seenNonZero = false;
    }

    /** The kept values, oldest first. */
    final double[] values() {
        double[] out = new double[buffer.size()];
        int i = 0;
        for (double v : buffer) {
            out[i++] = v;
        }
        return out;
    }

    static double toModel(double v, boolean log1p) {
        return log1p ? Math.log1p(Math.max(0, v)) : v;
    }

    static double fromModel(double f, boolean log1p) {
        return Math.max(0.0, log1p ? Math.expm1(f) : f);
    }

    static boolean allEqual(double[] values) {
        for (double v : values) {
            if (v != values[0]) {
                return false;
            }
        }
        return true;
    }
}
