package io.fleetplan.sim.policy;

import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.replay.SimPool;
import java.util.List;

/** Fixed replicas per pool for the whole trace (provisioned before it starts); never scales. */
public final class StaticPolicy implements ScalingPolicy {

    private final String name;
    private final String description;
    private final int[] replicas;

    public StaticPolicy(String name, String description, int[] replicas) {
        this.name = name;
        this.description = description;
        this.replicas = replicas.clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int[] initialReplicas(List<SimPool> pools) {
        return replicas.clone();
    }

    @Override
    public void start(PolicyContext ctx) {
        // static: nothing to do
    }
}
