package io.fleetplan.global.arbiter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One ledger row (mutable; owned by the arbiter's single writer). */
final class Entry {

    final TargetKey key;
    SubType subType;
    int gpusPerReplica;
    /** Replicas the arbiter committed to (what the executor is told to run). */
    int granted;
    /** Replicas that still hold GPUs as the executor reports them; a scale-down frees GPUs when this drops. */
    int running;
    int ready;
    int spec;
    /** Replica counts of commands sent and not yet completed or failed (pods may exist up to the largest). */
    final List<Integer> inFlightTo = new ArrayList<>(2);
    String poolId;
    int priority;
    int min;
    /** Latest desired replicas; -1 = no live intent. */
    int desired = -1;
    Instant desiredAt = Instant.EPOCH;
    PressureCurve pressure = PressureCurve.NONE;
    String lastProposalId = "";
    /** Scratch: granted at the start of the current arbiter step (to find what changed without a map). */
    int before;
    /** Scratch of the allocator: why this demand could not grow in the last rebalance (null = not blocked). */
    Reason blockedBy;
    /** Scratch of the allocator: satisfaction / priority at the current grant. */
    double fairKey;

    Entry(TargetKey key, SubType subType, int gpusPerReplica, int priority) {
        this.key = key;
        this.subType = subType;
        this.gpusPerReplica = gpusPerReplica;
        this.priority = priority;
        this.poolId = key.defaultPoolId();
    }

    /**
     * Replicas that may hold GPUs whatever the grant says: those the executor reports running or last wrote as
     * spec, and up to the target of any command still in flight (pods of a superseded scale-up may be starting).
     */
    int held() {
        int h = Math.max(running, spec);
        for (int i = 0; i < inFlightTo.size(); i++) {
            h = Math.max(h, inFlightTo.get(i));
        }
        return h;
    }

    /** GPUs this target holds in the budget: granted replicas plus replicas still held beyond them. */
    int charge() {
        return gpusPerReplica * Math.max(granted, held());
    }

    /** Extra GPUs needed to grant one more replica (0 while a pending scale-down is being undone). */
    int stepCost() {
        int h = held();
        return gpusPerReplica * (Math.max(granted + 1, h) - Math.max(granted, h));
    }

    int releasing() {
        return gpusPerReplica * Math.max(0, held() - granted);
    }

    /** Unmet demand whose intent is newer than {@code horizon} (now - intent TTL). */
    boolean wantsMore(Instant horizon) {
        return desired > granted && !desiredAt.isBefore(horizon);
    }

    /** Satisfaction at {@code r} replicas (pressure hint, else the fraction of desired), for fair ordering. */
    double satisfaction(int r) {
        double fallback = desired <= 0 ? 1.0 : Math.min(1.0, (double) r / desired);
        return pressure.valueAt(r, fallback);
    }

    Entry copy() {
        Entry e = new Entry(key, subType, gpusPerReplica, priority);
        e.granted = granted;
        e.running = running;
        e.ready = ready;
        e.spec = spec;
        e.inFlightTo.addAll(inFlightTo);
        e.poolId = poolId;
        e.min = min;
        e.desired = desired;
        e.desiredAt = desiredAt;
        e.pressure = pressure;
        e.lastProposalId = lastProposalId;
        return e;
    }

    LedgerView view() {
        return new LedgerView(key, subType, poolId, spec, running, ready, granted, desired, gpusPerReplica, min,
                priority, charge(), lastProposalId);
    }
}
