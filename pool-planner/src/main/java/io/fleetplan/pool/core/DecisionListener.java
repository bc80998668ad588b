package io.fleetplan.pool.core;

import org.jspecify.annotations.Nullable;

/** Sees every decision and what the connector did with it (metrics, dashboard, report, log). */
@FunctionalInterface
public interface DecisionListener {
    /** @param traffic the throughput window this tick read, null on ticks that read none */
    void onDecision(PlannerDecision decision, ScalingConnector.ApplyResult result, @Nullable TrafficSample traffic);

    /** The per-engine load the loop just read (for per-engine gauges); most listeners ignore it. */
    default void onEngines(EngineSnapshot snapshot) {}

    /**
     * fleetplan: what requests saw over the load loop's recent window ({@code observed_slo_scaling}), read on every
     * tick that reads it, before that tick's decision. The throughput window reaches {@link #onDecision} only once
     * per throughput interval; this one gives observed load and latency at the load loop's pace.
     */
    default void onRecent(TrafficSample recent) {}
}
