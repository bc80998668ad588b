package io.fleetplan.common.pool;

import java.util.List;
import java.util.Locale;

/**
 * Which components a pool planner scales (PlannerConfig {@code mode}; a stack pool's prefill, decode or agg), and
 * so which sub-components it asks the GlobalPlanner for.
 */
public enum PoolMode {
    DISAGG(List.of(SubType.PREFILL, SubType.DECODE)),
    PREFILL(List.of(SubType.PREFILL)),
    DECODE(List.of(SubType.DECODE)),
    AGG(List.of(SubType.AGGREGATED));

    private final List<SubType> subTypes;

    PoolMode(List<SubType> subTypes) {
        this.subTypes = subTypes;
    }

    public static PoolMode of(String mode) {
        return valueOf(mode.toUpperCase(Locale.ROOT));
    }

    /** The sub-components this mode scales, prefill first (the order of a proposal's target replicas). */
    public List<SubType> subTypes() {
        return subTypes;
    }

    public boolean scalesPrefill() {
        return this == DISAGG || this == PREFILL;
    }

    /** True when the decode slot is scaled (decode engines, or the aggregated engines in agg mode). */
    public boolean scalesDecode() {
        return this != PREFILL;
    }
}
