package io.fleetplan.global.arbiter;

import io.fleetplan.common.pool.SubType;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One ledger row (mutable; owned by the arbiter's single writer). */
final class Entry {

    final TargetKey key;
    SubType subType;
    int gpusPerReplica;
    /** Replicas the arbiter committed to (what the executor is told to run). */
    int granted;
    /** Replicas that still hold GPUs as the executor reports them; a scale-down frees GPUs when this drops. */
    private int running;

    int ready;
    private int spec;
    /**
     * Replicas the executor reports on their way out (terminating pods, draining workers). They hold GPUs until
     * gone, and taking the scale-down back does not keep them: Kubernetes and the process executor start new
     * replicas, a terminating pod or a draining worker is never revived.
     */
    private int terminating;
    /**
     * Replicas of the last command sent, or of the spec adopted from the cluster: a grant lowered below it in the
     * current step is a scale-down about to be sent, and already counts as possibly leaving.
     */
    private int commanded;

    private final CommandsInFlight inFlight = new CommandsInFlight();
    /** {@link #held()}, kept current by every write of running, spec and inFlight (it is read in every loop). */
    private int held;

    String poolId;
    int priority;
    int min;
    /** Latest desired replicas; -1 = no live intent. */
    int desired = -1;

    Instant desiredAt = Instant.EPOCH;
    /** {@link #desiredAt} in epoch nanoseconds (the intent check runs for every target on every step). */
    long desiredAtNanos;

    PressureCurve pressure = PressureCurve.NONE;
    String lastProposalId = "";
    /** Sequence of the proposal that set the intent (0 = unordered); pushes to the pool carry it. */
    long sequence;
    /** Scratch: granted at the start of the current arbiter step (to find what changed without a map). */
    int before;
    /** Scratch of the allocator: why this demand could not grow in the last rebalance (null = not blocked). */
    @Nullable
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
        return held;
    }

    private void recomputeHeld() {
        held = inFlight.maxTarget(Math.max(running, spec));
    }

    /** What the executor reports. */
    void observe(int specReplicas, int runningReplicas, int readyReplicas, int terminatingReplicas) {
        spec = specReplicas;
        running = runningReplicas;
        terminating = Math.max(0, Math.min(terminatingReplicas, runningReplicas));
        ready = readyReplicas;
        inFlight.reported();
        recomputeHeld();
    }

    /** A command from {@code fromReplicas} to {@code replicas} was sent. */
    void commandSent(int fromReplicas, int replicas) {
        inFlight.add(fromReplicas, replicas);
        commanded = replicas;
        recomputeHeld();
    }

    /** The command from {@code fromReplicas} to {@code replicas} completed. */
    void commandDone(int fromReplicas, int replicas) {
        inFlight.finish(fromReplicas, replicas, false);
        recomputeHeld();
    }

    /** The command from {@code fromReplicas} to {@code replicas} failed. */
    void commandFailed(int fromReplicas, int replicas) {
        inFlight.finish(fromReplicas, replicas, true);
        recomputeHeld();
    }

    /** The cluster's spec becomes the grant (restore, a failed command, a spec written by someone else). */
    void adopt(int replicas) {
        granted = replicas;
        commanded = replicas;
    }

    boolean commandsInFlight() {
        return !inFlight.isEmpty();
    }

    /** Nothing held (for the fair-share computation on a scratch copy). */
    void holdNothing() {
        spec = 0;
        running = 0;
        terminating = 0;
        commanded = 0;
        inFlight.clear();
        recomputeHeld();
    }

    /**
     * GPUs this target holds in the budget: its granted replicas plus those leaving (reported by the executor, or
     * possibly removed by a scale-down not yet completed), or every replica that may still hold GPUs when that is
     * more.
     */
    int charge() {
        return gpusPerReplica * replicasCharged(granted);
    }

    private int replicasCharged(int grantedReplicas) {
        // a grant lowered below the last command in this step is a scale-down about to be sent
        int leaving = inFlight.leaving(terminating) + Math.max(0, commanded - grantedReplicas);
        return Math.max(grantedReplicas + leaving, held);
    }

    /**
     * Extra GPUs needed to grant one more replica: 0 while it fits in replicas still held beyond the grant (a
     * scale-down sent but not yet carried out, pods of a superseded scale-up), never by reviving a leaving one.
     */
    int stepCost() {
        return gpusPerReplica * (replicasCharged(granted + 1) - replicasCharged(granted));
    }

    /** GPUs charged beyond the granted replicas: they come back when the executor reports them gone. */
    int releasing() {
        return gpusPerReplica * (replicasCharged(granted) - granted);
    }

    /** Unmet demand whose intent is newer than {@code horizon} (now - intent TTL). */
    boolean wantsMore(long horizonNanos) {
        return desired > granted && desiredAtNanos >= horizonNanos;
    }

    void desiredAt(Instant at) {
        desiredAt = at;
        desiredAtNanos = epochNanos(at);
    }

    /** Nanoseconds since the epoch, saturated (exact for the years 1678 to 2262). */
    static long epochNanos(Instant t) {
        long s = t.getEpochSecond();
        if (s >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        if (s <= Long.MIN_VALUE / 1_000_000_000L) {
            return Long.MIN_VALUE;
        }
        return s * 1_000_000_000L + t.getNano();
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
        e.terminating = terminating;
        e.commanded = commanded;
        inFlight.copyInto(e.inFlight);
        e.held = held;
        e.poolId = poolId;
        e.min = min;
        e.desired = desired;
        e.desiredAt = desiredAt;
        e.desiredAtNanos = desiredAtNanos;
        e.pressure = pressure;
        e.lastProposalId = lastProposalId;
        e.sequence = sequence;
        return e;
    }

    LedgerView view() {
        return new LedgerView(
                key,
                subType,
                poolId,
                spec,
                running,
                ready,
                granted,
                desired,
                gpusPerReplica,
                min,
                priority,
                charge(),
                lastProposalId);
    }
}
