package io.fleetplan.sim.replay;

import io.fleetplan.common.time.Scheduler;
import io.fleetplan.global.arbiter.Arbiter;
import io.fleetplan.global.arbiter.ArbiterSettings;
import io.fleetplan.global.arbiter.Ask;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.Outcome;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.SubType;
import io.fleetplan.global.arbiter.TargetKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GlobalPlanner in replay: the real {@link Arbiter} (the class the live GlobalPlanner service runs) with
 * the pools as its targets, acting as its own executor. Proposals go in as {@link Proposal}s; the
 * {@link ScaleCommand}s that come out (for the proposing pool, or for others when freed GPUs reach waiting
 * demands) are applied to the pools at once and reported back. GPUs a draining worker still holds stay charged
 * until the worker is gone (the arbiter's two-phase release), reported with {@link #poolChanged}.
 */
final class GlobalPlannerArbiter {

    static final String NAMESPACE = "replay";

    private final Arbiter arbiter;
    private final Scheduler scheduler;
    private final Map<TargetKey, SimPool> pools = new LinkedHashMap<>();
    private final Map<String, TargetKey> keys = new LinkedHashMap<>();
    private final Map<String, Long> sequence = new LinkedHashMap<>();
    private boolean notifyScheduled;

    GlobalPlannerArbiter(int maxTotalGpus, int minTotalGpus, Scheduler scheduler) {
        this.arbiter = new Arbiter(ArbiterSettings.ofBudget(maxTotalGpus, minTotalGpus), scheduler.clock(), "replay");
        this.scheduler = scheduler;
    }

    /** Registers the pools as they are at time 0 (the arbiter rebuilds its ledger from them, as on start-up). */
    void restore(List<SimPool> all) {
        List<Observation> obs = new ArrayList<>();
        for (SimPool p : all) {
            TargetKey key = new TargetKey(NAMESPACE, p.name(), p.name());
            pools.put(key, p);
            keys.put(p.name(), key);
            obs.add(observation(p));
        }
        execute(arbiter.restore(obs));
    }

    /** Proposes {@code wanted} replicas for {@code pool}; applies what is decided. @return the pool's target */
    int propose(SimPool pool, int wanted) {
        long seq = sequence.merge(pool.name(), 1L, Long::sum);
        Proposal p = new Proposal("", pool.name(), seq, NAMESPACE, NAMESPACE, pool.name(), pool.spec().priority(), false,
                List.of(new Ask(subType(pool), pool.name(), wanted, pool.spec().minReplicas(), null)));
        execute(arbiter.propose(p));
        return pool.target();
    }

    /** A pool's workers changed (one stopped after a drain, or became ready): tell the arbiter, soon. */
    void poolChanged() {
        if (notifyScheduled || pools.isEmpty()) {
            return;
        }
        notifyScheduled = true;
        // after the current event: the pool is never re-entered from inside its own scaling
        scheduler.execute(() -> {
            notifyScheduled = false;
            for (SimPool p : pools.values()) {
                execute(arbiter.observed(observation(p)));
            }
        });
    }

    private void execute(Outcome out) {
        for (ScaleCommand c : out.commands()) {
            SimPool pool = pools.get(c.target());
            if (pool == null) {
                continue;
            }
            pool.cluster().apply(pool, c.toReplicas());
            execute(arbiter.completed(c, observation(pool)));
        }
    }

    private Observation observation(SimPool p) {
        return new Observation(keys.get(p.name()), subType(p), p.target(), p.holding(), p.ready(), p.gpusPerReplica());
    }

    private static SubType subType(SimPool p) {
        return switch (p.mode()) {
            case "prefill" -> SubType.PREFILL;
            case "decode" -> SubType.DECODE;
            default -> SubType.AGGREGATED;
        };
    }
}
