package io.fleetplan.pool.core;

import java.util.Locale;

/** What a decision asks of the pool, compared with its current replicas. */
public enum Action {
    /** data not usable: keep what runs (reasons say why). */
    HOLD,
    NO_CHANGE,
    SCALE_UP,
    SCALE_DOWN,
    /** one component up, the other down (budget rebalance). */
    REBALANCE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
