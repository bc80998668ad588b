package io.fleetplan.sim.replay;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.common.time.VirtualScheduler;

/** A policy's view of a replay for tests that act on the pools directly, with no trace and no policy running. */
public final class PolicyContexts {

    private PolicyContexts() {}

    /**
     * The stack's pools at their initial replicas (ready, registered with the replay's GlobalPlanner) at time 0;
     * time moves only when the test runs the scheduler.
     */
    public static PolicyContext atStart(StackConfig stack, boolean arbitrated) {
        VirtualScheduler scheduler = new VirtualScheduler();
        Cluster cluster = Replay.cluster(stack, scheduler, Replay.seconds(stack.workerStartupSeconds()), false, 1);
        for (SimPool p : cluster.pools()) {
            p.startInitial(p.spec().initialReplicas());
        }
        cluster.restoreArbiter();
        return new PolicyContext(scheduler, cluster, arbitrated);
    }
}
