package io.fleetplan.pool.core;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.pool.scaling.Replicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a pool behind a GlobalPlanner may count on: the replicas granted so far, updated from the answers to its
 * proposals and from the decisions pushed to it later (grants when budget frees up, preemptions). Pure: the gRPC
 * connector ({@code pool.connect.GlobalPlannerConnector}) and the replay's in-process connector feed it the same values, so a
 * replayed planner sees the GlobalPlanner exactly as a live one does. Safe to feed from a transport thread.
 */
public final class GrantedReplicas {

    /**
     * One component of a decision, as the GlobalPlanner reports it.
     *
     * @param subType the component's sub-component type (null when the wire named none: counted as decode)
     * @param desiredReplicas what the pool asked (0 = not known)
     */
    public record Grant(@Nullable SubType subType, int desiredReplicas, int grantedReplicas) {}

    /** One component of a proposal: what the pool wants of {@code subType}, with its minimum and pressure hint. */
    public record ComponentAsk(SubType subType, int desiredReplicas, Pressure pressure) {}

    /** Read from any thread; written only under this object's lock ({@link #absorb}). */
    private volatile Replicas granted;

    public GrantedReplicas(Replicas initial) {
        this.granted = Objects.requireNonNull(initial, "initial");
    }

    /**
     * The granted replicas, never "settling": a grant is already what the pool has to plan with, and a scale-up
     * that is still starting is the GlobalPlanner's to track (holding the load loop on it would stall every pool
     * whose workers take a minute to start).
     */
    public ReplicaState state() {
        return new ReplicaState(granted, false);
    }

    public Replicas current() {
        return granted;
    }

    /**
     * Takes in one decision. A stale one, or an error that carries no grant, says nothing about the pool's
     * replicas; otherwise each component becomes its grant, but never more than was asked (a late push may
     * grant an ask the pool has since lowered).
     *
     * @param status the decision's status name (the wire enum and the arbiter's share them: GRANTED, PARTIAL, ...)
     * @return the granted replicas afterwards
     */
    public synchronized Replicas absorb(String status, List<Grant> grants) {
        if (status.equals("STALE") || status.equals("ERROR") && grants.isEmpty()) {
            return granted;
        }
        Replicas out = granted;
        for (Grant g : grants) {
            int value =
                    g.desiredReplicas() > 0 ? Math.min(g.grantedReplicas(), g.desiredReplicas()) : g.grantedReplicas();
            SubType type = g.subType();
            out = type != null && type.prefillSlot() ? out.withPrefill(value) : out.withDecode(value);
        }
        granted = out;
        return out;
    }

    /**
     * The components a pool in {@code mode} proposes, prefill first: each sub-component it scales at its slot of
     * {@code recommended}, with the pressure hint for {@code minEndpoint}.
     */
    public static List<ComponentAsk> asks(PoolMode mode, Replicas recommended, int minEndpoint) {
        List<ComponentAsk> asks = new ArrayList<>(mode.subTypes().size());
        for (SubType t : mode.subTypes()) {
            int desired = t.prefillSlot() ? recommended.prefill() : recommended.decode();
            asks.add(new ComponentAsk(t, desired, pressure(desired, minEndpoint)));
        }
        return asks;
    }

    /** What an answer to a proposal means for the planner's apply step. */
    public static ScalingConnector.Status applyStatus(String status) {
        return switch (status) {
            case "GRANTED" -> ScalingConnector.Status.APPLIED;
            case "PARTIAL" -> ScalingConnector.Status.PARTIAL;
            case "REJECTED", "STALE" -> ScalingConnector.Status.REJECTED;
            default -> ScalingConnector.Status.FAILED;
        };
    }

    /**
     * The pressure hint sent with a component's ask: with r of the n wanted replicas the pool serves about r/n of
     * its demand at the SLO, so value_at(r) = r/n for r from the minimum (at least 1) to n.
     *
     * @return the candidate replica counts and their values (both empty when nothing is wanted)
     */
    public static Pressure pressure(int desired, int minEndpoint) {
        int min = Math.min(minEndpoint, desired);
        List<Integer> replicas = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int r = Math.max(min, 1); desired > 0 && r <= desired; r++) {
            replicas.add(r);
            values.add((double) r / desired);
        }
        return new Pressure(min, replicas, values);
    }

    /** A component's minimum and pressure hint (see {@link #pressure}). */
    public record Pressure(int minReplicas, List<Integer> candidateReplicas, List<Double> valueAt) {
        public Pressure {
            candidateReplicas = List.copyOf(candidateReplicas);
            valueAt = List.copyOf(valueAt);
        }
    }
}
