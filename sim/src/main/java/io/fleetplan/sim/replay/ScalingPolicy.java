package io.fleetplan.sim.replay;

import java.util.List;

/**
 * A way of sizing the pools, driven in virtual time beside the trace: static sizes, autoscaler baselines, the
 * pool planners, the hindsight oracle. One instance per replay (policies keep state).
 */
public interface ScalingPolicy {

    /** Name in reports (stable: summary.json keys on it). */
    String name();

    /** One line on what it does, for the report. */
    String description();

    /** Whether its scale-ups pass the GlobalPlanner budget arbiter (fleetplan) or not (baselines). */
    default boolean arbitrated() {
        return false;
    }

    /** Replicas per pool at time 0 (in stack order); null = the stack's initial_replicas. */
    default int[] initialReplicas(List<SimPool> pools) {
        return null;
    }

    /** Worker start-up delay this policy lives with; the oracle, knowing the future, starts workers in time. */
    default double startupSeconds(double configured) {
        return configured;
    }

    /**
     * GPU-seconds per GPU charged for each worker started after time 0, before it is even asked for. The oracle
     * serves with no start-up delay because, knowing the future, it would have started the worker that long
     * ahead; the GPU is held while the worker loads all the same, so it pays the configured start-up time.
     * Live policies pay it as the worker's starting state instead (0 here).
     */
    default double prestartSeconds(double configured) {
        return 0;
    }

    /** Called once at time 0: schedule periodic work on {@code ctx.scheduler()}. */
    void start(PolicyContext ctx);
}
