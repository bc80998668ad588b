package io.fleetplan.pool.predict;

/**
 * Forecasts the next interval's value of one traffic series (request count, ISL or OSL), one instance per
 * series as Dynamo does. Values arrive once per throughput interval.
 */
public interface LoadPredictor {

    /** Adds the value observed for the interval that just ended; NaN and infinities count as 0. */
    void addDataPoint(double value);

    /** The forecast for the next interval, never negative. 0 before any data. */
    double predictNext();

    /**
     * The forecast {@code steps} intervals ahead (1 = {@link #predictNext}), never negative. Models without a
     * trend forecast a level, the same for every step.
     */
    default double predictAhead(int steps) {
        return predictNext();
    }

    /** The last value kept, or 0 when none is kept yet. */
    double lastValue();

    /** Number of values kept (leading idle zeros are not kept). */
    int size();

    /**
     * Starts skipping leading zeros again: after a warm-up from a trace, the idle minutes right after a deploy
     * must not be read as a traffic collapse.
     */
    void resetIdleSkip();

    /** The configured name ({@code constant}, {@code arima}, {@code kalman}, {@code prophet}). */
    String name();
}
