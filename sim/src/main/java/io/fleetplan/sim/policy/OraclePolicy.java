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

    public OraclePolicy(Oracle.Schedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public String description() {
        return "hindsight oracle: per-" + Math.round(schedule.windowSeconds())
                + " s replicas, the fewest found that meet the SLO knowing the trace, workers started ahead of need (no start-up delay, start-up GPU time charged; lower bound)";
    }

    @Override
    public boolean arbitrated() {
        return true;
    }

    @Override
    public double startupSeconds(double configured) {
        return 0;
    }

    @Override
    public double prestartSeconds(double configured) {
        return configured;
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
