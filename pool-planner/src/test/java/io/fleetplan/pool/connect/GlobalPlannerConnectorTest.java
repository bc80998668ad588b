package io.fleetplan.pool.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.core.Action;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.scaling.GpuBudget;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import io.fleetplan.proto.v1.ComponentGrant;
import io.fleetplan.proto.v1.DecisionStatus;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against an in-process fake GlobalPlanner that grants at most {@code cap} replicas per component. */
class GlobalPlannerConnectorTest {

    private FakeGlobalPlanner planner;
    private List<ScaleProposal> proposals;
    private List<StreamObserver<ScaleDecision>> watchers;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        planner = new FakeGlobalPlanner();
        proposals = planner.proposals;
        watchers = planner.watchers;
        channel = planner.channel;
    }

    @AfterEach
    void stop() {
        planner.close();
    }

    static PoolIdentity pool() {
        return new PoolIdentity(
                "ns-pool",
                "pool-dgd",
                "team-a",
                "team-a/pool-dgd",
                "VllmPrefillWorker",
                "VllmDecodeWorker",
                PoolMode.DISAGG,
                200,
                false,
                1);
    }

    private static PlannerDecision decision(Replicas current, Replicas wanted) {
        return new PlannerDecision(
                1,
                Instant.EPOCH,
                current,
                wanted,
                Replicas.ZERO,
                Action.SCALE_UP,
                ThroughputReason.SCALE,
                LoadReason.DISABLED,
                LoadReason.DISABLED,
                GpuBudget.Outcome.WITHIN_BUDGET,
                new PlannerDecision.Prediction(900, 3000, 150, 5),
                PlannerDecision.Estimates.NONE);
    }

    @Test
    void proposesWithIdsSequenceMinimumsAndHintsAndCountsOnlyWhatWasGranted() {
        InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(1_000_000));
        GlobalPlannerConnector c =
                new GlobalPlannerConnector(channel, pool(), new Replicas(1, 1), clock, Duration.ofSeconds(2));
        ScalingConnector.ApplyResult r = c.apply(decision(new Replicas(1, 1), new Replicas(2, 5)));
        assertThat(r.status()).isEqualTo(ScalingConnector.Status.PARTIAL);
        assertThat(r.replicas()).isEqualTo(new Replicas(2, 3));
        assertThat(c.state().current()).as("never more than granted").isEqualTo(new Replicas(2, 3));

        ScaleProposal p = proposals.get(0);
        assertThat(p.getSequence()).isEqualTo(1_000_001);
        assertThat(p.getProposalId()).isEqualTo("team-a/pool-dgd#1000001");
        assertThat(p.getPoolId()).isEqualTo("team-a/pool-dgd");
        assertThat(p.getPriority()).isEqualTo(200);
        assertThat(p.getPredictedLoad().getNumRequests()).isEqualTo(900);
        TargetReplica decode = p.getTargetReplicas(1);
        assertThat(decode.getSubComponentType()).isEqualTo(SubComponentType.SUB_COMPONENT_TYPE_DECODE);
        assertThat(decode.getComponentName()).isEqualTo("VllmDecodeWorker");
        assertThat(decode.getMinReplicas()).isEqualTo(1);
        assertThat(decode.getCandidateReplicasList()).containsExactly(1, 2, 3, 4, 5);
        assertThat(decode.getValueAt(4)).isEqualTo(1.0);

        c.apply(decision(new Replicas(2, 3), new Replicas(2, 4)));
        assertThat(proposals.get(1).getSequence()).as("sequence increases").isGreaterThan(p.getSequence());
    }

    @Test
    void followsGrantsPushedOnWatchDecisionsIncludingPreemption() {
        GlobalPlannerConnector c = new GlobalPlannerConnector(
                channel, pool(), new Replicas(1, 1), InstantSource.system(), Duration.ofSeconds(2));
        c.watch();
        assertThat(watchers).hasSize(1);
        watchers.get(0)
                .onNext(ScaleDecision.newBuilder()
                        .setStatus(DecisionStatus.GRANTED)
                        .addGrants(ComponentGrant.newBuilder()
                                .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_DECODE)
                                .setDesiredReplicas(4)
                                .setGrantedReplicas(4))
                        .build());
        assertThat(c.state().current()).isEqualTo(new Replicas(1, 4));
        watchers.get(0)
                .onNext(ScaleDecision.newBuilder()
                        .setStatus(DecisionStatus.PREEMPTED)
                        .addGrants(ComponentGrant.newBuilder()
                                .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_DECODE)
                                .setDesiredReplicas(4)
                                .setGrantedReplicas(2))
                        .build());
        assertThat(c.state().current()).isEqualTo(new Replicas(1, 2));
    }

    @Test
    void rejectionAndUnreachablePlannerKeepTheGrant() {
        planner.cap = -1;
        GlobalPlannerConnector c = new GlobalPlannerConnector(
                channel, pool(), new Replicas(1, 1), InstantSource.system(), Duration.ofSeconds(2));
        ScalingConnector.ApplyResult rejected = c.apply(decision(new Replicas(1, 1), new Replicas(3, 3)));
        assertThat(rejected.status()).isEqualTo(ScalingConnector.Status.REJECTED);
        assertThat(c.state().current()).isEqualTo(new Replicas(1, 1));
        channel.shutdownNow();
        ScalingConnector.ApplyResult r = c.apply(decision(new Replicas(1, 1), new Replicas(3, 3)));
        assertThat(r.status()).isEqualTo(ScalingConnector.Status.FAILED);
        assertThat(c.state().current()).isEqualTo(new Replicas(1, 1));
    }
}
