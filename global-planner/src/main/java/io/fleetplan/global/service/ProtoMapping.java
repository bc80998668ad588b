package io.fleetplan.global.service;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.global.arbiter.Ask;
import io.fleetplan.global.arbiter.BudgetSnapshot;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.Grant;
import io.fleetplan.global.arbiter.LedgerView;
import io.fleetplan.global.arbiter.PressureCurve;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.global.arbiter.Reason;
import io.fleetplan.proto.v1.ComponentGrant;
import io.fleetplan.proto.v1.DecisionReason;
import io.fleetplan.proto.v1.DecisionStatus;
import io.fleetplan.proto.v1.LedgerEntry;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetRef;
import io.fleetplan.proto.v1.TargetReplica;
import java.util.ArrayList;
import java.util.List;

/** Converts between the fleetplan.v1 wire messages and the arbiter's values. */
public final class ProtoMapping {

    private ProtoMapping() {}

    /** A validated proposal; {@code forceDryRun} is the GlobalPlanner's no_operation mode. */
    public static Proposal proposal(ScaleProposal p, boolean forceDryRun) {
        List<Ask> asks = new ArrayList<>(p.getTargetReplicasCount());
        for (TargetReplica t : p.getTargetReplicasList()) {
            PressureCurve curve = t.getCandidateReplicasCount() == 0
                    ? PressureCurve.NONE
                    : new PressureCurve(t.getCandidateReplicasList(), t.getValueAtList());
            asks.add(new Ask(
                    SubType.ofWireNumber(t.getSubComponentTypeValue()),
                    t.getComponentName(),
                    t.getDesiredReplicas(),
                    t.getMinReplicas(),
                    curve));
        }
        return new Proposal(
                p.getProposalId(),
                p.getPoolId(),
                p.getSequence(),
                p.getCallerNamespace(),
                p.getK8SNamespace(),
                p.getGraphDeploymentName(),
                p.getPriority(),
                p.getDryRun() || forceDryRun,
                asks);
    }

    public static SubComponentType wire(SubType t) {
        return SubComponentType.forNumber(t.wireNumber());
    }

    public static ScaleDecision decision(Decision d) {
        ScaleDecision.Builder b = ScaleDecision.newBuilder()
                .setDecisionId(d.decisionId())
                .setProposalId(d.proposalId())
                .setStatus(DecisionStatus.valueOf(d.status().name()))
                .setReason(reason(d.reason()))
                .setMessage(d.message())
                .setBudget(budget(d.budget()))
                .setPoolId(d.poolId())
                .setSequence(d.sequence())
                .setDecidedAt(d.decidedAt().getEpochSecond() + d.decidedAt().getNano() / 1e9)
                .setDryRun(d.dryRun())
                .setWouldBeReason(reason(d.wouldBe()));
        for (Grant g : d.grants()) {
            b.addGrants(ComponentGrant.newBuilder()
                    .setSubComponentType(wire(g.subType()))
                    .setComponentName(g.target().componentName())
                    .setDesiredReplicas(g.desiredReplicas())
                    .setGrantedReplicas(g.grantedReplicas())
                    .setCurrentReplicas(g.currentReplicas())
                    .setGpusPerReplica(g.gpusPerReplica()));
            b.putCurrentReplicas(g.subType().wireName(), g.grantedReplicas());
        }
        return b.build();
    }

    private static DecisionReason reason(Reason r) {
        return r == Reason.UNKNOWN_TARGET
                ? DecisionReason.DECISION_REASON_UNSPECIFIED
                : DecisionReason.valueOf(r.name());
    }

    public static io.fleetplan.proto.v1.BudgetSnapshot budget(BudgetSnapshot b) {
        return io.fleetplan.proto.v1.BudgetSnapshot.newBuilder()
                .setMaxTotalGpus(b.maxTotalGpus())
                .setMinTotalGpus(b.minTotalGpus())
                .setCommittedGpus(b.committedGpus())
                .setInFlightReleaseGpus(b.inFlightReleaseGpus())
                .setFreeGpus(b.freeGpus())
                .build();
    }

    public static LedgerEntry entry(LedgerView v) {
        return LedgerEntry.newBuilder()
                .setTarget(TargetRef.newBuilder()
                        .setK8SNamespace(v.target().k8sNamespace())
                        .setGraphDeploymentName(v.target().graphDeploymentName())
                        .setSubComponentType(wire(v.subType()))
                        .setComponentName(v.target().componentName()))
                .setObservedReplicas(v.observedReplicas())
                .setReadyReplicas(v.readyReplicas())
                .setGrantedReplicas(v.grantedReplicas())
                .setGpusPerReplica(v.gpusPerReplica())
                .setMinReplicas(v.minReplicas())
                .setPriority(v.priority())
                .setCommittedGpus(v.committedGpus())
                .setPoolId(v.poolId())
                .setLastProposalId(v.lastProposalId())
                .setDesiredReplicas(v.desiredReplicas())
                .setRunningReplicas(v.runningReplicas())
                .setSubComponentType(wire(v.subType()))
                .build();
    }
}
