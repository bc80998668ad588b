package io.fleetplan.sim.policy;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.global.arbiter.Ask;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.Grant;
import io.fleetplan.global.arbiter.PressureCurve;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.global.virtual.VirtualGlobalPlanner;
import io.fleetplan.pool.core.GrantedReplicas;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ReplicaState;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.scaling.Replicas;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool planner's connector to the replay's GlobalPlanner, in process: what the live {@code global-planner}
 * connector sends over gRPC (a proposal per changing decision with a proposal id, a per-pool sequence starting
 * at the clock's millis, the min_endpoint and the pressure hint) goes to {@link VirtualGlobalPlanner#propose},
 * and what it follows on {@code WatchDecisions} arrives as the planner's pushes. The state it reports is the
 * live connector's own, {@link GrantedReplicas}: what was granted, never settling.
 */
final class GlobalPlannerLink implements ScalingConnector {

    private final VirtualGlobalPlanner globalPlanner;
    private final String poolId;
    private final String namespace;
    private final String graphDeploymentName;
    private final String component;
    private final PoolMode mode;
    private final int priority;
    private final int minEndpoint;
    private final GrantedReplicas granted;
    private long sequence;

    /**
     * @param namespace the pool's Kubernetes namespace (also its caller namespace), {@code graphDeploymentName}
     *     and {@code component} name its one GlobalPlanner target
     * @param mode the pool's mode (a replayed pool is one sub-component: prefill, decode or agg)
     */
    GlobalPlannerLink(
            VirtualGlobalPlanner globalPlanner,
            String poolId,
            String namespace,
            String graphDeploymentName,
            String component,
            PoolMode mode,
            int priority,
            int minEndpoint,
            Replicas initial,
            InstantSource clock) {
        this.globalPlanner = globalPlanner;
        this.poolId = poolId;
        this.namespace = namespace;
        this.graphDeploymentName = graphDeploymentName;
        this.component = component;
        this.mode = mode;
        this.priority = priority;
        this.minEndpoint = minEndpoint;
        this.granted = new GrantedReplicas(initial);
        this.sequence = clock.millis();
        globalPlanner.onPush(d -> {
            if (d.poolId().equals(poolId)) {
                absorb(d);
            }
        });
    }

    @Override
    public ReplicaState state() {
        return granted.state();
    }

    @Override
    public ApplyResult apply(PlannerDecision decision) {
        long seq = ++sequence;
        List<Ask> asks = new ArrayList<>();
        for (GrantedReplicas.ComponentAsk a : GrantedReplicas.asks(mode, decision.recommended(), minEndpoint)) {
            GrantedReplicas.Pressure p = a.pressure();
            asks.add(new Ask(
                    a.subType(),
                    component,
                    a.desiredReplicas(),
                    p.minReplicas(),
                    p.candidateReplicas().isEmpty() ? null : new PressureCurve(p.candidateReplicas(), p.valueAt())));
        }
        Decision d = globalPlanner.propose(new Proposal(
                poolId + "#" + seq, poolId, seq, namespace, namespace, graphDeploymentName, priority, false, asks));
        Replicas now = absorb(d);
        return new ApplyResult(
                GrantedReplicas.applyStatus(d.status().name()),
                now,
                d.status() + " " + d.reason() + ": " + d.message());
    }

    private Replicas absorb(Decision d) {
        List<GrantedReplicas.Grant> grants = new ArrayList<>(d.grants().size());
        for (Grant g : d.grants()) {
            grants.add(new GrantedReplicas.Grant(g.subType(), g.desiredReplicas(), g.grantedReplicas()));
        }
        return granted.absorb(d.status().name(), grants);
    }

    @Override
    public String name() {
        return "global-planner";
    }
}
