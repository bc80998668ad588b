package io.fleetplan.sim.replay;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.common.time.VirtualScheduler;
import java.util.List;

/** What a {@link ScalingPolicy} sees of a replay: the clock, the pools and one way to act, scaling a pool. */
public final class PolicyContext {

    private final VirtualScheduler scheduler;
    private final Cluster cluster;
    private final boolean arbitrated;

    PolicyContext(VirtualScheduler scheduler, Cluster cluster, boolean arbitrated) {
        this.scheduler = scheduler;
        this.cluster = cluster;
        this.arbitrated = arbitrated;
    }

    public VirtualScheduler scheduler() {
        return scheduler;
    }

    /** Seconds since the start of the replay. */
    public double nowSeconds() {
        return scheduler.nanoTime() / 1e9;
    }

    public List<SimPool> pools() {
        return cluster.pools();
    }

    public StackConfig stack() {
        return cluster.stack();
    }

    public Cluster cluster() {
        return cluster;
    }

    /**
     * Asks for {@code replicas} in {@code pool}: clamped to the pool's range and, for an arbitrated policy,
     * granted within the GPU budget. @return the pool's target afterwards
     */
    public int scaleTo(SimPool pool, int replicas) {
        return cluster.scaleTo(pool, replicas, arbitrated);
    }
}
