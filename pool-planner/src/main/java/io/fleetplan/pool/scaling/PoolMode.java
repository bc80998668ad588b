package io.fleetplan.pool.scaling;

import java.util.Locale;

/** Which components a pool planner scales (PlannerConfig {@code mode}). */
public enum PoolMode {
    DISAGG, PREFILL, DECODE, AGG;

    public static PoolMode of(String mode) {
        return valueOf(mode.toUpperCase(Locale.ROOT));
    }

    public boolean scalesPrefill() {
        return this == DISAGG || this == PREFILL;
    }

    /** True when the decode slot is scaled (decode engines, or the aggregated engines in agg mode). */
    public boolean scalesDecode() {
        return this != PREFILL;
    }
}
