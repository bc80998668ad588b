package io.fleetplan.pool.core;

import io.fleetplan.pool.scaling.Replicas;
import java.util.Locale;

/**
 * Where decisions go (Dynamo's connector): the cluster, the GlobalPlanner, or a simulator. Implementations
 * report the replicas the pool can count on; a connector never reports more than was granted or applied.
 */
public interface ScalingConnector {

    /** Replicas the pool has (granted or applied) and whether a change is still settling. */
    ReplicaState state();

    /** Asks for the decision's recommended replicas; returns what was granted or applied. */
    ApplyResult apply(PlannerDecision decision);

    String name();

    /** What became of one request to scale. */
    record ApplyResult(Status status, Replicas replicas, String message) {}

    enum Status {
        /** applied or granted as asked. */
        APPLIED,
        /** granted less than asked (GlobalPlanner partial grant). */
        PARTIAL,
        /** nothing granted beyond the current replicas: hold, ask again next tick. */
        REJECTED,
        /** advisory mode: computed and reported, not acted on. */
        ADVISORY,
        /** nothing to do: the recommendation equals the current replicas. */
        NO_CHANGE,
        /** the request failed; the pool keeps what it had. */
        FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
