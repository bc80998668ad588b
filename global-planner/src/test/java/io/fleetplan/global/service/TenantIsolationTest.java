package io.fleetplan.global.service;

import static io.fleetplan.global.service.Planners.proposal;
import static io.fleetplan.global.service.Planners.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.proto.v1.DecisionStatus;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.LedgerEntry;
import io.fleetplan.proto.v1.PlannerState;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import io.fleetplan.proto.v1.WatchDecisionsRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two tenants on one GlobalPlanner with authorization on: team A owns ns/pool0, team B ns/pool1, an operator
 * sees everything. Nothing one tenant sends changes or reveals the other's pools, ids, sequences or state.
 */
class TenantIsolationTest {

    private static final String YAML =
            """
            callers:
              - {name: team-a, bearer_token_sha256: %s, allowed_targets: [ns/pool0]}
              - {name: team-b, bearer_token_sha256: %s, allowed_targets: [ns/pool1]}
              - {name: operator, bearer_token_sha256: %s, admin: true}
            """.formatted(Authorizer.sha256("token-a"), Authorizer.sha256("token-b"), Authorizer.sha256("token-op"));

    private Planners.InProcess planner;
    private GlobalPlannerGrpc.GlobalPlannerBlockingStub a;
    private GlobalPlannerGrpc.GlobalPlannerBlockingStub b;
    private GlobalPlannerGrpc.GlobalPlannerBlockingStub operator;

    @BeforeEach
    void start() throws Exception {
        planner = new Planners.InProcess(Planners.config(YAML), 2);
        a = as("token-a");
        b = as("token-b");
        operator = as("token-op");
    }

    @AfterEach
    void stop() {
        planner.close();
    }

    private GlobalPlannerGrpc.GlobalPlannerBlockingStub as(String token) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return planner.stub().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }

    private static Status.Code code(Supplier<?> call) {
        try {
            var unused = call.get(); // only whether it throws matters
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void aProposalIdTakenByAnotherTenantFirstIsStillDecidedAndExecutedForItsOwner() {
        // B guesses A's next id and sends it first, on B's own pool
        ScaleDecision squat =
                b.propose(proposal("pool1", 2, -1).setProposalId("ns/pool0#7").build());
        assertThat(squat.getPoolId()).isEqualTo("ns/pool1");
        ScaleDecision real =
                a.propose(proposal("pool0", 3, -1).setProposalId("ns/pool0#7").build());
        assertThat(real.getPoolId()).isEqualTo("ns/pool0");
        assertThat(real.getGrants(0).getGrantedReplicas()).isEqualTo(3);
        assertThat(planner.executor.spec(new TargetKey("ns", "pool0", "prefill")))
                .isEqualTo(3);
        // B asking for A's id again gets its own decision, not A's
        ScaleDecision peek =
                b.propose(proposal("pool1", 2, -1).setProposalId("ns/pool0#7").build());
        assertThat(peek.getPoolId()).isEqualTo("ns/pool1");
        assertThat(peek.getDecisionId()).isEqualTo(squat.getDecisionId());
    }

    @Test
    void anotherTenantsPoolIdIsRefusedAndCannotMakeItsProposalsStale() {
        ScaleProposal poison = proposal("pool1", 1, -1)
                .setPoolId("ns/pool0")
                .setSequence(Long.MAX_VALUE)
                .build();
        assertThatThrownBy(() -> b.propose(poison)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).contains("may not use pool_id ns/pool0");
        });
        ScaleDecision d = a.propose(proposal("pool0", 2, -1).setSequence(1).build());
        assertThat(d.getStatus()).isEqualTo(DecisionStatus.GRANTED);
        // a pool id not of the form k8s_namespace/dgd is owned by no one but a caller allowed everything
        assertThat(code(() -> a.propose(
                        proposal("pool0", 2, -1).setPoolId("free-name").build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void getStateNeedsCredentialsAndShowsATenantOnlyItsOwnTargets() {
        assertThat(code(() -> state(planner.stub()))).isEqualTo(Status.Code.UNAUTHENTICATED);
        a.propose(proposal("pool0", 2, 2).build());
        PlannerState mine = state(a);
        assertThat(mine.getEntriesList())
                .extracting(e -> e.getTarget().getGraphDeploymentName())
                .containsOnly("pool0");
        assertThat(mine.getEntriesList())
                .extracting(LedgerEntry::getLastProposalId)
                .allMatch(id -> !id.contains("pool1"));
        assertThat(mine.getNamespaceCommittedGpusMap()).containsExactlyEntriesOf(Map.of("ns", 4));
        assertThat(state(b).getEntriesList())
                .extracting(e -> e.getTarget().getGraphDeploymentName())
                .containsOnly("pool1");
        PlannerState all = state(operator);
        assertThat(all.getEntriesList())
                .extracting(e -> e.getTarget().getGraphDeploymentName())
                .contains("pool0", "pool1");
        assertThat(all.getNamespaceCommittedGpusMap()).containsEntry("ns", 6);
    }

    @Test
    void noComponentNamesLeakBeforeAuthenticationOrAcrossTenants() {
        ScaleProposal probe = proposal("pool0", -1, -1)
                .addTargetReplicas(
                        TargetReplica.newBuilder().setComponentName("guess").setDesiredReplicas(1))
                .build();
        assertThatThrownBy(() -> planner.stub().propose(probe))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        // fields are checked only once the caller is known
        ScaleProposal invalid = proposal("pool0", -1, -1).setK8SNamespace("").build();
        assertThat(code(() -> planner.stub().propose(invalid))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThatThrownBy(() -> b.propose(probe)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).doesNotContain("prefill").doesNotContain("decode");
        });
        // the owner gets the helpful list
        assertThatThrownBy(() -> a.propose(probe))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription()).contains("known: ", "decode (decode)"));
    }

    @Test
    void aTenantWatchesOnlyItsOwnPoolsAndTheOperatorAny() {
        WatchDecisionsRequest w =
                WatchDecisionsRequest.newBuilder().setPoolId("ns/pool0").build();
        assertThat(code(() -> b.withDeadlineAfter(2, TimeUnit.SECONDS)
                        .watchDecisions(w)
                        .hasNext()))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() -> planner.stub()
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .watchDecisions(w)
                        .hasNext()))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(operator.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .watchDecisions(w)
                        .next()
                        .getPoolId())
                .isEqualTo("ns/pool0");
    }

    @Test
    void aTypedAskNamingTheOtherTypeIsRefused() {
        ScaleProposal mixed = proposal("pool0", -1, -1)
                .addTargetReplicas(TargetReplica.newBuilder()
                        .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_PREFILL)
                        .setComponentName("decode")
                        .setDesiredReplicas(4))
                .build();
        assertThatThrownBy(() -> a.propose(mixed)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription())
                    .contains("is a decode component", "sub_component_type says prefill");
        });
        assertThat(planner.executor.spec(new TargetKey("ns", "pool0", "decode")))
                .isEqualTo(1);
    }

    @Test
    void everyStringFieldIsBoundedAndEchoedShort() {
        String big = "p".repeat(1_000_000);
        for (var spoil : List.<UnaryOperator<ScaleProposal.Builder>>of(
                x -> x.setPoolId(big),
                x -> x.setProposalId(big),
                x -> x.setCallerNamespace(big),
                x -> x.setK8SNamespace(big),
                x -> x.setGraphDeploymentName(big),
                x -> x.setTargetReplicas(0, x.getTargetReplicas(0).toBuilder().setComponentName(big)))) {
            ScaleProposal p = spoil.apply(proposal("pool0", 2, -1)).build();
            assertThatThrownBy(() -> a.propose(p)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                        .contains("must be at most 253 characters, was 1000000")
                        .hasSizeLessThan(1_000);
            });
        }
        assertThat(state(a).getEntriesList())
                .allSatisfy(e -> assertThat(e.getGrantedReplicas()).isEqualTo(1));
    }
}
