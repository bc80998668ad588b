package io.fleetplan.sim.replay;

import io.fleetplan.common.time.Scheduler;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.executor.ScaleExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replay's pools as the GlobalPlanner's executor targets (one target per pool, key
 * {@code replay/<pool>/<pool>}). A command moves the pool's target at once and completes at once, reporting the
 * workers that still hold GPUs as running: a draining worker's GPUs stay charged until the pool reports, through
 * {@link #watch}, that it has gone, as the Kubernetes executor's informer does for a terminating pod.
 */
final class PoolExecutor implements ScaleExecutor {

    static final String NAMESPACE = "replay";

    private final Scheduler scheduler;
    private final Cluster cluster;
    private final Map<TargetKey, SimPool> pools = new LinkedHashMap<>();
    private ChangeListener listener;
    private boolean notifyScheduled;

    PoolExecutor(Scheduler scheduler, Cluster cluster) {
        this.scheduler = scheduler;
        this.cluster = cluster;
    }

    void add(SimPool pool) {
        pools.put(key(pool), pool);
    }

    static TargetKey key(SimPool pool) {
        return new TargetKey(NAMESPACE, pool.name(), pool.name());
    }

    @Override
    public List<Observation> discover() {
        List<Observation> all = new ArrayList<>();
        for (SimPool p : pools.values()) {
            all.add(observation(p));
        }
        return all;
    }

    @Override
    public void apply(ScaleCommand command, Listener l) {
        SimPool pool = pools.get(command.target());
        if (pool == null) {
            l.failed(
                    command,
                    new Observation(command.target(), command.subType(), 0, 0, 0, command.gpusPerReplica()),
                    "unknown target " + command.target());
            return;
        }
        cluster.apply(pool, command.toReplicas());
        l.completed(command, observation(pool));
    }

    @Override
    public void watch(ChangeListener l) {
        this.listener = l;
    }

    /** A pool's workers changed (one stopped after a drain, or became ready): tell the GlobalPlanner, soon. */
    void poolsChanged() {
        if (notifyScheduled || listener == null || pools.isEmpty()) {
            return;
        }
        notifyScheduled = true;
        // after the current event: a pool is never re-entered from inside its own scaling
        scheduler.execute(() -> {
            notifyScheduled = false;
            for (SimPool p : pools.values()) {
                listener.changed(observation(p));
            }
        });
    }

    private static Observation observation(SimPool p) {
        return new Observation(key(p), p.subType(), p.target(), p.holding(), p.ready(), p.gpusPerReplica());
    }
}
