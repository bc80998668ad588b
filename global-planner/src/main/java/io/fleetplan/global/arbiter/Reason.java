package io.fleetplan.global.arbiter;

/** Why a decision came out as it did (wire: {@code DecisionReason}, same names). */
public enum Reason {
    WITHIN_BUDGET,
    SCALE_DOWN,
    BUDGET_CEILING,
    BUDGET_FLOOR,
    NAMESPACE_QUOTA,
    FAIR_SHARE,
    PREEMPTION,
    DUPLICATE_PROPOSAL,
    OUT_OF_ORDER,
    DRY_RUN,
    EXECUTOR_FAILED,
    NO_CHANGE,
    BUDGET_UNLIMITED,
    /** Not on the wire: an unknown or ambiguous component (INVALID_ARGUMENT). */
    UNKNOWN_TARGET
}
