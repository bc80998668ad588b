package io.fleetplan.pool.scaling;

import java.util.Locale;

/** Outcome of a load-loop run for one component: Dynamo's {@code load_scaling_decision} states plus stale_data. */
public enum LoadReason {
    UNSET,
    DISABLED,
    /** no per-engine metrics: hold. */
    NO_FPM_DATA,
    /** fleetplan: per-engine metrics older than allowed: hold. */
    STALE_DATA,
    /** the last scaling has not settled (replicas not all ready): observe only. */
    SCALING_IN_PROGRESS,
    /** engines reporting differ from the replicas the pool should have: hold. */
    WORKER_COUNT_MISMATCH,
    /** fewer than load_min_observations samples for the latency model: hold. */
    INSUFFICIENT_DATA,
    NO_CHANGE,
    SCALE_UP,
    SCALE_DOWN,
    /** load wanted fewer replicas than the throughput floor. */
    SCALE_DOWN_CAPPED_BY_THROUGHPUT,
    /** the engines left after removing one would break the SLO (N/(N-1) consolidation check). */
    SCALE_DOWN_REFUSED_CONSOLIDATION,
    /** fleetplan: requests of the recent window missed the SLO: scaled up by the estimated deficit. */
    SCALE_UP_SLO_MISS,
    /** fleetplan: requests of the recent window missed the SLO: no scale-down, whatever the estimates say. */
    SCALE_DOWN_REFUSED_SLO_MISS;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the reasons that mean "data not usable, keep what runs". */
    public boolean isHold() {
        return this == NO_FPM_DATA
                || this == STALE_DATA
                || this == SCALING_IN_PROGRESS
                || this == WORKER_COUNT_MISMATCH
                || this == INSUFFICIENT_DATA;
    }
}
