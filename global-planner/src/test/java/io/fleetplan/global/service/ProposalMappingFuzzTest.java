package io.fleetplan.global.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fleetplan.global.arbiter.Ask;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.proto.v1.ScaleProposal;

/**
 * The wire-to-arbiter path of Propose on arbitrary bytes: what protobuf parses as a {@link ScaleProposal}
 * either has problems that {@link ProposalValidator} names (INVALID_ARGUMENT) or maps through
 * {@link ProtoMapping#proposal} without an exception into a proposal the arbiter can take. Seeds:
 * {@code src/test/resources/io/fleetplan/global/service/ProposalMappingFuzzTestInputs/}.
 */
class ProposalMappingFuzzTest {

    private final ProposalValidator validator = new ProposalValidator(64);

    @FuzzTest(maxDuration = "2m")
    void validProposalsMapAndInvalidOnesAreNamed(byte[] data) {
        ScaleProposal wire;
        try {
            wire = ScaleProposal.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        if (!validator.problems(wire).isEmpty()) {
            return;
        }
        Proposal p = ProtoMapping.proposal(wire, false);
        assertThat(p.asks()).hasSize(wire.getTargetReplicasCount());
        assertThat(p.poolId()).isNotEmpty();
        for (Ask a : p.asks()) {
            assertThat(a.subType() != null || !a.componentName().isBlank()).isTrue();
            assertThat(a.minReplicas()).isBetween(0, Math.max(0, a.desiredReplicas()));
            assertThat(a.desiredReplicas()).isBetween(0, 64);
            for (int r = 0; r <= 70; r++) {
                assertThat(a.pressure().valueAt(r, 0.5)).isFinite();
            }
        }
    }
}
