package io.fleetplan.global.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import org.junit.jupiter.api.Test;

/** Findings of {@link ProposalMappingFuzzTest}, kept as plain regression tests. */
class ProposalMappingFindingsTest {

    /**
     * Found by ProposalMappingFuzzTest (docs/fuzzing.md): {@code value_at} passes the validator for any finite
     * value >= 0, and {@code PressureCurve.valueAt} below the first candidate multiplies before it divides
     * ({@code values.get(0) * r / first}), so 1.3e308 at 48 replicas gives Infinity at 47. The arbiter then
     * compares infinite pressures. Fixed by taking the ratio first ({@code values.get(0) * ((double) r / first)}).
     */
    @Test
    void aValidProposalsPressureStaysFinite() {
        ScaleProposal wire = ScaleProposal.newBuilder()
                .setK8SNamespace("ns")
                .setGraphDeploymentName("llm")
                .addTargetReplicas(TargetReplica.newBuilder()
                        .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_DECODE)
                        .setDesiredReplicas(48)
                        .addCandidateReplicas(48)
                        .addValueAt(1.3e308))
                .build();
        assertThat(new ProposalValidator(64).problems(wire)).isEmpty();
        Proposal p = ProtoMapping.proposal(wire, false);
        assertThat(p.asks().get(0).pressure().valueAt(47, 0.5)).isFinite();
    }
}
