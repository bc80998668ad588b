package io.fleetplan.pool.connect;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.pool.core.GrantedReplicas;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ReplicaState;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.proto.v1.ComponentGrant;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.PredictedLoad;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import io.fleetplan.proto.v1.WatchDecisionsRequest;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * {@code environment: global-planner}: one {@code Propose} per changing decision, with a proposal id and a
 * per-pool sequence number (starting at the wall-clock millis, so it keeps increasing across restarts), the
 * min_endpoint as each component's minimum, and pressure hints. The pool counts only what the GlobalPlanner
 * granted: partial grants, rejections and later changes pushed on {@code WatchDecisions} (grants when budget
 * frees up, preemptions) all update {@link #state()}; nothing is assumed beyond a grant.
 */
public final class GlobalPlannerConnector implements ScalingConnector {

    private static final Logger LOG = Logger.getLogger(GlobalPlannerConnector.class.getName());

    private final GlobalPlannerGrpc.GlobalPlannerBlockingStub stub;
    private final GlobalPlannerGrpc.GlobalPlannerStub async;
    private final PoolIdentity pool;
    private final InstantSource clock;
    private final Duration timeout;
    private final AtomicLong sequence;
    private final GrantedReplicas granted;

    public GlobalPlannerConnector(
            Channel channel, PoolIdentity pool, Replicas initial, InstantSource clock, Duration timeout) {
        this.stub = GlobalPlannerGrpc.newBlockingStub(channel);
        this.async = GlobalPlannerGrpc.newStub(channel);
        this.pool = pool;
        this.clock = clock;
        this.timeout = timeout;
        this.sequence = new AtomicLong(clock.millis());
        this.granted = new GrantedReplicas(initial);
    }

    private volatile boolean watching;

    /**
     * Follows grant changes pushed by the GlobalPlanner (the first message is the current grant). The stream is
     * re-opened when it ends; wait-for-ready makes a re-open wait for the channel instead of spinning.
     */
    public void watch() {
        watching = true;
        async.withWaitForReady()
                .watchDecisions(
                        WatchDecisionsRequest.newBuilder()
                                .setPoolId(pool.poolId())
                                .setCallerNamespace(pool.callerNamespace())
                                .build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(ScaleDecision d) {
                                absorb(d);
                            }

                            @Override
                            public void onError(Throwable t) {
                                LOG.warning("WatchDecisions ended (" + t.getMessage() + "), re-opening");
                                reopen();
                            }

                            @Override
                            public void onCompleted() {
                                reopen();
                            }
                        });
    }

    private void reopen() {
        if (watching && !(async.getChannel() instanceof ManagedChannel m && m.isShutdown())) {
            watch();
        }
    }

    /** Stops following grant changes (the stream is left to the channel's shutdown). */
    public void stopWatching() {
        watching = false;
    }

    @Override
    public ReplicaState state() {
        return granted.state();
    }

    @Override
    public ApplyResult apply(PlannerDecision decision) {
        long seq = sequence.incrementAndGet();
        ScaleProposal proposal = proposal(decision, seq);
        ScaleDecision d;
        try {
            d = stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .propose(proposal);
        } catch (StatusRuntimeException e) {
            return new ApplyResult(Status.FAILED, granted.current(), "Propose failed: " + e.getStatus());
        }
        Replicas now = absorb(d);
        return new ApplyResult(
                GrantedReplicas.applyStatus(d.getStatus().name()),
                now,
                d.getStatus() + " " + d.getReason() + ": " + d.getMessage());
    }

    /** Updates the granted replicas from a decision (the rules are {@link GrantedReplicas#absorb}'s). */
    Replicas absorb(ScaleDecision d) {
        List<GrantedReplicas.Grant> grants = new ArrayList<>(d.getGrantsCount());
        for (ComponentGrant g : d.getGrantsList()) {
            grants.add(new GrantedReplicas.Grant(
                    SubType.ofWireNumber(g.getSubComponentTypeValue()),
                    g.getDesiredReplicas(),
                    g.getGrantedReplicas()));
        }
        return granted.absorb(d.getStatus().name(), grants);
    }

    ScaleProposal proposal(PlannerDecision decision, long seq) {
        ScaleProposal.Builder b = ScaleProposal.newBuilder()
                .setCallerNamespace(pool.callerNamespace())
                .setGraphDeploymentName(pool.graphDeploymentName())
                .setK8SNamespace(pool.k8sNamespace())
                .setTimestamp(clock.millis() / 1000.0)
                .setProposalId(pool.poolId() + "#" + seq)
                .setSequence(seq)
                .setPriority(pool.priority())
                .setDryRun(pool.dryRun())
                .setPoolId(pool.poolId());
        PlannerDecision.Prediction p = decision.prediction();
        if (Double.isFinite(p.numRequests())) {
            b.setPredictedLoad(PredictedLoad.newBuilder()
                    .setNumRequests(p.numRequests())
                    .setIsl(p.isl())
                    .setOsl(p.osl()));
        }
        for (GrantedReplicas.ComponentAsk a :
                GrantedReplicas.asks(pool.mode(), decision.recommended(), pool.minEndpoint())) {
            GrantedReplicas.Pressure hint = a.pressure();
            b.addTargetReplicas(TargetReplica.newBuilder()
                    .setSubComponentType(SubComponentType.forNumber(a.subType().wireNumber()))
                    .setComponentName(pool.component(a.subType()))
                    .setDesiredReplicas(a.desiredReplicas())
                    .setMinReplicas(hint.minReplicas())
                    .addAllCandidateReplicas(hint.candidateReplicas())
                    .addAllValueAt(hint.valueAt()));
        }
        return b.build();
    }

    @Override
    public String name() {
        return "global-planner";
    }
}
