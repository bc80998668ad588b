package io.fleetplan.sim.policy;

import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.replay.SimPool;
import java.time.Duration;
import java.util.List;

/**
 * Plays a replica schedule computed in hindsight by {@link Oracle}: at each window boundary every pool moves to
 * the window's replicas. Knowing the future it starts workers in time, so it lives with no start-up delay; it
 * still pays the start-up GPU time of every worker it adds ({@link #prestartSeconds}), as every other policy
 * does: a lower bound, not a deployable policy. Arbitrated, so it never exceeds the budget.
 */
public final class OraclePolicy implements ScalingPolicy {

    private final Oracle.Schedule schedule;
    private final boolean reactive;

    public OraclePolicy(Oracle.Schedule schedule) {
        this(schedule, false);
    }

    private OraclePolicy(Oracle.Schedule schedule, boolean reactive) {
        this.schedule = schedule;
        this.reactive = reactive;
    }

    /**
     * The same schedule played by a planner that knows each window's right replicas the moment the window begins,
     * but not the future: its workers take the real start-up delay. What no causal planner can beat by much; where
     * it misses the oracle's attainment, the gap is the start-up delay's, not a planner's.
     */
    public static OraclePolicy reactive(Oracle.Schedule schedule) {
        return new OraclePolicy(schedule, true);
    }

    @Override
    public String name() {
        return reactive ? "oracle-reactive" : "oracle";
    }

    @Override
    public String description() {
        return reactive
                ? "reactive oracle: the oracle's per-" + Math.round(schedule.windowSeconds())
                        + " s replicas, each applied when its window begins, with the real start-up delay (a causal reference)"
                : "hindsight oracle: per-" + Math.round(schedule.windowSeconds())
                        + " s replicas, the fewest found that meet the SLO knowing the trace, workers started ahead of need (no start-up delay, start-up GPU time charged; lower bound)";
    }

    @Override
    public boolean arbitrated() {
        return true;
    }

    @Override
    public double startupSeconds(double configured) {
        return reactive ? configured : 0;
    }

    @Override
    public double prestartSeconds(double configured) {
        return reactive ? 0 : configured;
    }

    @Override
    public int[] initialReplicas(List<SimPool> pools) {
        return schedule.replicas()[0].clone();
    }

    @Override
    public void start(PolicyContext ctx) {
        // re-applied every 5 s: a scale-up that waited for a draining worker's GPUs completes then
        ctx.scheduler().scheduleAtFixedRate(Duration.ZERO, Duration.ofSeconds(5), () -> {
            int w = Math.min(schedule.replicas().length - 1, (int) (ctx.nowSeconds() / schedule.windowSeconds()));
            List<SimPool> pools = ctx.pools();
            for (int k = 0; k < pools.size(); k++) {
                if (pools.get(k).target() > schedule.replicas()[w][k]) {
                    ctx.scaleTo(pools.get(k), schedule.replicas()[w][k]); // shrink first: frees budget for growth
                }
            }
            for (int k = 0; k < pools.size(); k++) {
                if (pools.get(k).target() < schedule.replicas()[w][k]) {
                    ctx.scaleTo(pools.get(k), schedule.replicas()[w][k]);
                }
            }
        });
    }
}
