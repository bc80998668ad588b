package io.fleetplan.pool.core;

/** Sees every decision and what the connector did with it (metrics, dashboard, report, log). */
@FunctionalInterface
public interface DecisionListener {
    void onDecision(PlannerDecision decision, ScalingConnector.ApplyResult result, TrafficSample traffic);

    /** The per-engine load the loop just read (for per-engine gauges); most listeners ignore it. */
    default void onEngines(EngineSnapshot snapshot) {
    }
}
