package io.fleetplan.global.service;

import static io.fleetplan.global.service.Planners.proposal;
import static io.fleetplan.global.service.Planners.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.proto.v1.DecisionReason;
import io.fleetplan.proto.v1.DecisionStatus;
import io.fleetplan.proto.v1.PlannerState;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The gRPC service in process: field validation, authorization, no_operation, state unchanged on refusals. */
class GlobalPlannerServiceTest {

    static Stream<Arguments> badProposals() {
        return Stream.<Arguments>of(
                Arguments.of(
                        "negative replicas",
                        (UnaryOperator<ScaleProposal.Builder>) b -> b.setTargetReplicas(
                                0, b.getTargetReplicas(0).toBuilder().setDesiredReplicas(-1)),
                        "target_replicas[0].desired_replicas: must be between 0 and 10000"),
                Arguments.of(
                        "enormous replicas",
                        (UnaryOperator<ScaleProposal.Builder>) b -> b.setTargetReplicas(
                                0, b.getTargetReplicas(0).toBuilder().setDesiredReplicas(2_000_000_000)),
                        "target_replicas[0].desired_replicas"),
                Arguments.of(
                        "empty targets",
                        (UnaryOperator<ScaleProposal.Builder>) ScaleProposal.Builder::clearTargetReplicas,
                        "target_replicas: must not be empty"),
                Arguments.of(
                        "missing namespace",
                        (UnaryOperator<ScaleProposal.Builder>) ScaleProposal.Builder::clearK8SNamespace,
                        "k8s_namespace: is required"),
                Arguments.of(
                        "missing dgd",
                        (UnaryOperator<ScaleProposal.Builder>) ScaleProposal.Builder::clearGraphDeploymentName,
                        "graph_deployment_name: is required"),
                Arguments.of(
                        "missing type and name",
                        (UnaryOperator<ScaleProposal.Builder>) b -> b.setTargetReplicas(
                                0, b.getTargetReplicas(0).toBuilder().clearSubComponentType()),
                        "target_replicas[0].sub_component_type: is required when component_name is empty"),
                Arguments.of(
                        "unknown component",
                        (UnaryOperator<ScaleProposal.Builder>) b -> b.setTargetReplicas(
                                0, b.getTargetReplicas(0).toBuilder().setComponentName("VllmWorker")),
                        "component_name 'VllmWorker' is not a known component of ns/pool0"),
                Arguments.of(
                        "unknown dgd",
                        (UnaryOperator<ScaleProposal.Builder>) b -> b.setGraphDeploymentName("ghost"),
                        "no components known for that DGD"),
                Arguments.of(
                        "duplicate component",
                        (UnaryOperator<ScaleProposal.Builder>) b -> b.addTargetReplicas(b.getTargetReplicas(0)),
                        "names the same component as an earlier entry"),
                Arguments.of(
                        "min above desired",
                        (UnaryOperator<ScaleProposal.Builder>) b -> b.setTargetReplicas(
                                0, b.getTargetReplicas(0).toBuilder().setMinReplicas(9)),
                        "target_replicas[0].min_replicas: must be between 0 and desired_replicas (2)"),
                Arguments.of(
                        "hint lengths",
                        (UnaryOperator<ScaleProposal.Builder>) b -> b.setTargetReplicas(
                                0, b.getTargetReplicas(0).toBuilder().addCandidateReplicas(1)),
                        "target_replicas[0].value_at: must have as many entries as candidate_replicas"),
                Arguments.of(
                        "negative priority",
                        (UnaryOperator<ScaleProposal.Builder>) b -> b.setPriority(-5),
                        "priority: must be >= 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProposals")
    void badProposalsAreInvalidArgumentAndChangeNothing(
            String name, UnaryOperator<ScaleProposal.Builder> spoil, String message) throws Exception {
        try (Planners.InProcess p = new Planners.InProcess(Planners.config("max_total_gpus: 8"), 2)) {
            PlannerState before = state(p.stub());
            ScaleProposal bad = spoil.apply(proposal("pool0", -1, 2)).build();
            assertThatThrownBy(() -> p.stub().propose(bad)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).contains(message);
            });
            assertThat(state(p.stub()).getEntriesList()).isEqualTo(before.getEntriesList());
        }
    }

    @Test
    void grantsAndReportsDynamoCurrentReplicas() throws Exception {
        try (Planners.InProcess p = new Planners.InProcess(Planners.config("max_total_gpus: 6"), 2)) {
            ScaleDecision d = p.stub().propose(proposal("pool0", 2, 3).build());
            assertThat(d.getStatus()).isEqualTo(DecisionStatus.PARTIAL);
            assertThat(d.getReason()).isEqualTo(DecisionReason.BUDGET_CEILING);
            assertThat(d.getCurrentReplicasMap()).containsEntry("prefill", 2).containsEntry("decode", 2);
            assertThat(d.getBudget().getCommittedGpus()).isEqualTo(6);
            assertThat(d.getDecisionId()).isNotEmpty();
            PlannerState s = state(p.stub());
            assertThat(s.getLeader()).isTrue();
            assertThat(s.getBudget().getFreeGpus()).isZero();
            assertThat(s.getNamespaceCommittedGpusMap()).containsEntry("ns", 6);
        }
    }

    @Test
    void managedNamespacesAllowlistIsKept() throws Exception {
        try (Planners.InProcess p = new Planners.InProcess(Planners.config("managed_namespaces: [ns-pool1]"), 2)) {
            PlannerState before = state(p.stub());
            assertThatThrownBy(() -> p.stub().propose(proposal("pool0", 3, 3).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(e.getStatus().getDescription()).contains("Namespace ns-pool0 not authorized");
                    });
            assertThat(state(p.stub())).isEqualTo(before);
            assertThat(p.stub().propose(proposal("pool1", 2, 2).build()).getStatus())
                    .isEqualTo(DecisionStatus.GRANTED);
        }
    }

    @Test
    void theTargetIsAuthorizedNotTheCallersClaim() throws Exception {
        String yaml = """
                callers:
                  - name: pool0-planner
                    bearer_token_sha256: %s
                    allowed_targets: [ns/pool0]
                """.formatted(Authorizer.sha256("s3cret"));
        try (Planners.InProcess p = new Planners.InProcess(Planners.config(yaml), 2)) {
            Metadata md = new Metadata();
            md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer s3cret");
            var authed = p.stub().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
            PlannerState before = state(authed);
            // claims pool1's namespace but the target is pool1: denied
            assertThatThrownBy(() -> authed.propose(proposal("pool1", 2, 2)
                            .setCallerNamespace("ns-pool0")
                            .build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        // refused at the DGD, before its components are resolved (their names are pool1's business)
                        assertThat(e.getStatus().getDescription()).contains("may not scale anything in ns/pool1");
                    });
            assertThatThrownBy(() -> p.stub().propose(proposal("pool0", 2, 2).build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            assertThat(state(authed)).isEqualTo(before);
            assertThat(authed.propose(proposal("pool0", 2, 2).build()).getStatus())
                    .isEqualTo(DecisionStatus.GRANTED);
        }
    }

    @Test
    void noOperationArbitratesAndCommitsNothing() throws Exception {
        try (Planners.InProcess p =
                new Planners.InProcess(Planners.config("no_operation: true\nmax_total_gpus: 5"), 2)) {
            ScaleDecision d = p.stub().propose(proposal("pool0", 3, 3).build());
            assertThat(d.getDryRun()).isTrue();
            assertThat(d.getReason()).isEqualTo(DecisionReason.DRY_RUN);
            assertThat(d.getWouldBeReason()).isEqualTo(DecisionReason.BUDGET_CEILING);
            assertThat(d.getStatus()).isEqualTo(DecisionStatus.PARTIAL);
            assertThat(state(p.stub()).getBudget().getCommittedGpus()).isEqualTo(4);
        }
    }

    @Test
    void componentNamesResolveCaseInsensitively() throws Exception {
        try (Planners.InProcess p = new Planners.InProcess(Planners.config(""), 1)) {
            ScaleDecision d = p.stub()
                    .propose(proposal("pool0", -1, -1)
                            .addTargetReplicas(TargetReplica.newBuilder()
                                    .setComponentName("Decode")
                                    .setDesiredReplicas(4))
                            .build());
            assertThat(d.getReason()).isEqualTo(DecisionReason.BUDGET_UNLIMITED);
            assertThat(d.getGrants(0).getSubComponentType()).isEqualTo(SubComponentType.SUB_COMPONENT_TYPE_DECODE);
        }
    }
}
