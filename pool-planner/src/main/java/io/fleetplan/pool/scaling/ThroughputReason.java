package io.fleetplan.pool.scaling;

import java.util.Locale;

/** Outcome of a throughput-loop run: Dynamo's {@code throughput_scaling_decision} states plus stale_data. */
public enum ThroughputReason {
    UNSET,
    /** throughput scaling is off. */
    DISABLED,
    /** no traffic numbers (source down, NaN with traffic): hold. */
    NO_TRAFFIC_DATA,
    /** fleetplan: the newest traffic numbers are older than allowed: hold. */
    STALE_DATA,
    /** the predictor failed: hold. */
    PREDICT_FAILED,
    /** the capacity model cannot answer yet: hold. */
    MODEL_NOT_READY,
    /** load scaling is on: the result became its floor. */
    SET_LOWER_BOUND,
    /** the result was applied. */
    SCALE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
