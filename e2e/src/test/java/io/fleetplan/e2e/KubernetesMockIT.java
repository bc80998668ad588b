package io.fleetplan.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.e2e.deploy.DeployPaths;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.executor.kubernetes.KubernetesExecutor;
import io.fleetplan.global.ha.Leadership;
import io.fleetplan.global.service.GlobalPlannerServer;
import io.fleetplan.proto.v1.DecisionStatus;
import io.fleetplan.proto.v1.GetStateRequest;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.PlannerState;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/ as a cluster would see it, on the fabric8 mock API server (CRUD): the CRDs from the fleetplan-crds chart, the example
 * control and pool DGDs with their DGDSAs, and the GlobalPlanner started from the control DGD's own ConfigMap.
 * Proposals from the pool planners' namespaces scale the DGDSAs through /scale within the budget of that config;
 * a namespace outside managed_namespaces is refused.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesMockIT {

    static final String NS = "fleetplan";

    KubernetesClient client;
    final WallClockScheduler scheduler = new WallClockScheduler("e2e-k8s", 2);

    @AfterEach
    void stop() {
        scheduler.close();
    }

    @BeforeEach
    void applyDeploy() throws Exception {
        Path deploy = DeployPaths.deploy();
        for (String crd : new String[] {
            "nvidia.com_dynamographdeployments.yaml", "nvidia.com_dynamographdeploymentscalingadapters.yaml"
        }) {
            try (InputStream in = Files.newInputStream(
                    deploy.resolve("helm/fleetplan-crds/templates").resolve(crd))) {
                client.apiextensions().v1().customResourceDefinitions().load(in).create();
            }
        }
        for (String f :
                new String[] {"control-dgd.yaml", "prefill-pool-dgd.yaml", "decode-pool-dgd.yaml", "dgdsa-examples.yaml"
                }) {
            for (JsonNode doc :
                    DeployPaths.documents(deploy.resolve("examples/dynamo").resolve(f))) {
                GenericKubernetesResource r =
                        Serialization.jsonMapper().convertValue(doc, GenericKubernetesResource.class);
                if (r.getKind().equals("ConfigMap")) {
                    client.configMaps()
                            .inNamespace(NS)
                            .resource(Serialization.jsonMapper().convertValue(doc, ConfigMap.class))
                            .create();
                } else {
                    client.genericKubernetesResources(nvidia(r.getKind()))
                            .inNamespace(NS)
                            .resource(r)
                            .create();
                }
            }
        }
    }

    /** A Dynamo custom resource kind (nvidia.com/v1alpha1, plural = lower-case kind + s). */
    static ResourceDefinitionContext nvidia(String kind) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("nvidia.com")
                .withVersion("v1alpha1")
                .withKind(kind)
                .withPlural(kind.toLowerCase(Locale.ROOT) + "s")
                .withNamespaced(true)
                .build();
    }

    /** The GlobalPlanner config shipped in deploy/examples/dynamo/control-dgd.yaml, on an ephemeral loopback port. */
    GlobalPlannerConfig shippedConfig() throws Exception {
        String yaml = client.configMaps()
                .inNamespace(NS)
                .withName("fleetplan-control-config")
                .get()
                .getData()
                .get("global-planner.yaml");
        ObjectNode node = (ObjectNode) ConfigLoader.yamlMapper().readTree(yaml);
        node.set("grpc", ConfigLoader.yamlMapper().readTree("{host: 127.0.0.1, port: 0}"));
        node.put("metrics_port", -1);
        return ConfigLoader.convert(node, "control-dgd.yaml#global-planner.yaml", GlobalPlannerConfig.class);
    }

    int adapterReplicas(String name) {
        GenericKubernetesResource r = client.genericKubernetesResources(nvidia("DynamoGraphDeploymentScalingAdapter"))
                .inNamespace(NS)
                .withName(name)
                .get();
        return ((Number) r.get("spec", "replicas")).intValue();
    }

    static ScaleProposal proposal(String pool, SubComponentType type, int replicas, long seq) {
        return ScaleProposal.newBuilder()
                .setCallerNamespace("fleetplan-" + pool)
                .setK8SNamespace(NS)
                .setGraphDeploymentName("fleetplan-" + pool)
                .setProposalId(pool + "-" + seq)
                .setSequence(seq)
                .setBlocking(true)
                .addTargetReplicas(
                        TargetReplica.newBuilder().setSubComponentType(type).setDesiredReplicas(replicas))
                .build();
    }

    @Test
    void globalPlannerFromTheShippedConfigScalesTheExampleDgdsas() throws Exception {
        GlobalPlannerConfig cfg = shippedConfig();
        assertThat(cfg.maxTotalGpus()).isEqualTo(8);
        try (KubernetesExecutor executor = new KubernetesExecutor(
                        client,
                        cfg.executor().kubernetes(),
                        List.of(NS),
                        scheduler,
                        Duration.ofSeconds(20),
                        Duration.ofMillis(50));
                GlobalPlannerServer gp =
                        GlobalPlannerServer.start(cfg, executor, Leadership.single("e2e"), scheduler)) {
            ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", gp.port())
                    .usePlaintext()
                    .build();
            try {
                var stub = GlobalPlannerGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
                PlannerState start = stub.getState(GetStateRequest.getDefaultInstance());
                assertThat(start.getBudget().getCommittedGpus())
                        .as("1 prefill + 1 decode worker, 1 GPU each")
                        .isEqualTo(2);

                ScaleDecision up = stub.propose(proposal("decode", SubComponentType.SUB_COMPONENT_TYPE_DECODE, 4, 1));
                assertThat(up.getStatus()).isEqualTo(DecisionStatus.GRANTED);
                assertThat(adapterReplicas("fleetplan-decode-decode")).isEqualTo(4);

                // 1 prefill + 4 decode = 5 of 8: prefill can get 4 of the 6 it asks for
                ScaleDecision partial =
                        stub.propose(proposal("prefill", SubComponentType.SUB_COMPONENT_TYPE_PREFILL, 6, 1));
                assertThat(partial.getStatus()).isEqualTo(DecisionStatus.PARTIAL);
                assertThat(adapterReplicas("fleetplan-prefill-prefill")).isEqualTo(4);
                assertThat(stub.getState(GetStateRequest.getDefaultInstance())
                                .getBudget()
                                .getCommittedGpus())
                        .isEqualTo(8);

                ScaleDecision down = stub.propose(proposal("decode", SubComponentType.SUB_COMPONENT_TYPE_DECODE, 1, 2));
                assertThat(down.getStatus()).isEqualTo(DecisionStatus.GRANTED);
                assertThat(adapterReplicas("fleetplan-decode-decode")).isEqualTo(1);

                // the example DGDs themselves were never patched: the DGDSA is the source of truth
                JsonNode dgd = ConfigLoader.yamlMapper()
                        .valueToTree(client.genericKubernetesResources(nvidia("DynamoGraphDeployment"))
                                .inNamespace(NS)
                                .withName("fleetplan-decode")
                                .get());
                assertThat(dgd.path("spec")
                                .path("services")
                                .path("decode")
                                .path("replicas")
                                .asInt())
                        .isEqualTo(1);

                ScaleProposal stranger =
                        proposal("decode", SubComponentType.SUB_COMPONENT_TYPE_DECODE, 3, 3).toBuilder()
                                .setCallerNamespace("someone-else")
                                .setProposalId("x")
                                .build();
                assertThatThrownBy(() -> stub.propose(stranger))
                        .isInstanceOf(StatusRuntimeException.class)
                        .hasMessageContaining("PERMISSION_DENIED");
                assertThat(adapterReplicas("fleetplan-decode-decode")).isEqualTo(1);
            } finally {
                ch.shutdownNow();
            }
        }
    }
}
