package io.fleetplan.pool.connect;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetplan.common.pool.PoolMode;
import java.util.Map;

/**
 * The DGDSA CRD (with its /scale subresource) and the two adapters of DGD {@code team-a/pool-dgd} on fabric8's CRUD
 * mock API server: prefill at 1 replica, decode at 2.
 */
final class DgdsaFixture {

    static final PoolIdentity POOL = new PoolIdentity(
            "ns",
            "pool-dgd",
            "team-a",
            "team-a/pool-dgd",
            "VllmPrefillWorker",
            "VllmDecodeWorker",
            PoolMode.DISAGG,
            0,
            false,
            1);

    private DgdsaFixture() {}

    static void install(KubernetesClient client) {
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(new CustomResourceDefinitionBuilder()
                        .withNewMetadata()
                        .withName("dynamographdeploymentscalingadapters.nvidia.com")
                        .endMetadata()
                        .withNewSpec()
                        .withGroup("nvidia.com")
                        .withScope("Namespaced")
                        .withNewNames()
                        .withKind("DynamoGraphDeploymentScalingAdapter")
                        .withPlural("dynamographdeploymentscalingadapters")
                        .withSingular("dynamographdeploymentscalingadapter")
                        .endNames()
                        .addNewVersion()
                        .withName("v1beta1")
                        .withServed(true)
                        .withStorage(true)
                        .withNewSubresources()
                        .withNewScale()
                        .withSpecReplicasPath(".spec.replicas")
                        .withStatusReplicasPath(".status.replicas")
                        .endScale()
                        .endSubresources()
                        .endVersion()
                        .endSpec()
                        .build())
                .create();
        adapter(client, "pool-dgd-vllmprefillworker", "VllmPrefillWorker", 1);
        adapter(client, "pool-dgd-vllmdecodeworker", "VllmDecodeWorker", 2);
    }

    private static void adapter(KubernetesClient client, String name, String component, int replicas) {
        GenericKubernetesResource r = new GenericKubernetesResourceBuilder()
                .withApiVersion("nvidia.com/v1beta1")
                .withKind("DynamoGraphDeploymentScalingAdapter")
                .withNewMetadata()
                .withName(name)
                .withNamespace("team-a")
                .endMetadata()
                .addToAdditionalProperties(
                        "spec",
                        Map.of("replicas", replicas, "dgdRef", Map.of("name", "pool-dgd", "componentName", component)))
                .build();
        client.genericKubernetesResources(KubernetesConnector.DGDSA)
                .inNamespace("team-a")
                .resource(r)
                .create();
    }
}
