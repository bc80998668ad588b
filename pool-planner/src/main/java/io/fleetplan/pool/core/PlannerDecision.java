package io.fleetplan.pool.core;

import io.fleetplan.pool.scaling.GpuBudget;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import java.time.Instant;
import java.util.Locale;

/**
 * One planning tick's outcome, a value. Each loop that ran leaves its enumerated reason (loops that did not run
 * this tick say UNSET); {@link #action()} summarises the change.
 *
 * @param sequence per-planner tick number, from 1
 * @param current replicas the pool had when deciding
 * @param recommended replicas the planner wants (after min_endpoint and the local GPU budget)
 * @param throughputFloor the throughput loop's latest result used as the load loop's floor (ZERO if none)
 */
public record PlannerDecision(
        long sequence,
        Instant at,
        Replicas current,
        Replicas recommended,
        Replicas throughputFloor,
        Action action,
        ThroughputReason throughputReason,
        LoadReason prefillReason,
        LoadReason decodeReason,
        GpuBudget.Outcome budget,
        Prediction prediction,
        Estimates estimates) {

    /** The throughput loop's forecast (NaN when it did not run). */
    public record Prediction(double numRequests, double isl, double osl, double requestsPerSecond) {
        public static final Prediction NONE = new Prediction(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * Latency and capacity numbers behind the decision, ms and requests/s (NaN when unknown): the load loop's
     * worst engine estimates, the observed window means, and one engine's capacity at the SLO.
     */
    public record Estimates(
            double estimatedTtftMs,
            double estimatedItlMs,
            double observedTtftMs,
            double observedItlMs,
            double prefillEngineRps,
            double decodeEngineRps) {
        public static final Estimates NONE =
                new Estimates(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    public boolean changes() {
        return !recommended.equals(current);
    }

    /** One line for logs and the dashboard. */
    public String summary() {
        return "#" + sequence + " " + action.label() + " " + current + " -> " + recommended + " " + reasons();
    }

    /** Why, in one parenthesised list: equal for two decisions that held or moved for the same reasons. */
    public String reasons() {
        return "(throughput=" + throughputReason.label() + ", prefill=" + prefillReason.label() + ", decode="
                + decodeReason.label() + ", budget=" + budget.name().toLowerCase(Locale.ROOT) + ")";
    }
}
