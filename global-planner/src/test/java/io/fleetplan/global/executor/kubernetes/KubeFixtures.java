package io.fleetplan.global.executor.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.time.Scheduler;
import io.fleetplan.global.config.GlobalPlannerConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** CRDs from the fleetplan-crds chart and a prefill/decode pool DGD with its DGDSAs, for the fabric8 CRUD mock server. */
public final class KubeFixtures {

    public static final String NS = "fleetplan";
    public static final ResourceDefinitionContext DGD = new ResourceDefinitionContext.Builder()
            .withGroup("nvidia.com")
            .withVersion("v1alpha1")
            .withPlural("dynamographdeployments")
            .withKind("DynamoGraphDeployment")
            .withNamespaced(true)
            .build();
    public static final ResourceDefinitionContext DGDSA = new ResourceDefinitionContext.Builder()
            .withGroup("nvidia.com")
            .withVersion("v1alpha1")
            .withPlural("dynamographdeploymentscalingadapters")
            .withKind("DynamoGraphDeploymentScalingAdapter")
            .withNamespaced(true)
            .build();

    private KubeFixtures() {}

    public static void installCrds(KubernetesClient client) throws Exception {
        for (String f : new String[] {
            "nvidia.com_dynamographdeployments.yaml", "nvidia.com_dynamographdeploymentscalingadapters.yaml"
        }) {
            try (InputStream in =
                    Files.newInputStream(Path.of("..", "deploy", "helm", "fleetplan-crds", "templates", f))) {
                client.apiextensions().v1().customResourceDefinitions().load(in).create();
            }
        }
    }

    /** DGD {@code name} with a prefill worker (2 GPUs, limits.gpu) and a decode worker (1 GPU, nvidia.com/gpu). */
    public static void pool(KubernetesClient client, String name, int prefill, int decode) {
        GenericKubernetesResource dgd =
                Serialization.unmarshal("""
                apiVersion: nvidia.com/v1alpha1
                kind: DynamoGraphDeployment
                metadata: {name: %s, namespace: %s}
                spec:
                  services:
                    Frontend: {componentType: frontend, replicas: 1}
                    prefill:
                      componentType: worker
                      subComponentType: prefill
                      replicas: %d
                      scalingAdapter: {enabled: true}
                      resources: {limits: {gpu: "2"}}
                    decode:
                      componentType: worker
                      subComponentType: decode
                      replicas: %d
                      scalingAdapter: {enabled: true}
                      extraPodSpec: {mainContainer: {resources: {limits: {nvidia.com/gpu: "1"}}}}
                """.formatted(name, NS, prefill, decode), GenericKubernetesResource.class);
        client.genericKubernetesResources(DGD).inNamespace(NS).resource(dgd).create();
        adapter(client, name, "prefill", prefill);
        adapter(client, name, "decode", decode);
    }

    static void adapter(KubernetesClient client, String dgd, String service, int replicas) {
        GenericKubernetesResource a = Serialization.unmarshal(
                """
                apiVersion: nvidia.com/v1alpha1
                kind: DynamoGraphDeploymentScalingAdapter
                metadata:
                  name: %s-%s
                  namespace: %s
                  labels: {nvidia.com/dynamo-graph-deployment-name: %s, nvidia.com/dynamo-component: %s}
                spec:
                  replicas: %d
                  dgdRef: {name: %s, serviceName: %s}
                """.formatted(dgd, service.toLowerCase(Locale.ROOT), NS, dgd, service, replicas, dgd, service),
                GenericKubernetesResource.class);
        client.genericKubernetesResources(DGDSA).inNamespace(NS).resource(a).create();
    }

    public static int adapterReplicas(KubernetesClient client, String name) {
        GenericKubernetesResource a = client.genericKubernetesResources(DGDSA)
                .inNamespace(NS)
                .withName(name)
                .get();
        return ((Number) ((Map<?, ?>) a.getAdditionalProperties().get("spec")).get("replicas")).intValue();
    }

    /** Plays the Dynamo operator's status for one service: pods present and ready. */
    @SuppressWarnings("unchecked")
    public static void status(KubernetesClient client, String dgd, String service, int replicas, int ready) {
        client.genericKubernetesResources(DGD).inNamespace(NS).withName(dgd).editStatus(r -> {
            Map<String, Object> status = (Map<String, Object>)
                    r.getAdditionalProperties().computeIfAbsent("status", k -> new LinkedHashMap<String, Object>());
            Map<String, Object> services =
                    (Map<String, Object>) status.computeIfAbsent("services", k -> new LinkedHashMap<String, Object>());
            services.put(service, Map.of("replicas", replicas, "readyReplicas", ready, "availableReplicas", ready));
            return r;
        });
    }

    /** An executor on the default config (DGDSA /scale) watching {@link #NS}, settling within 20 s, polling every 50 ms. */
    public static KubernetesExecutor executor(KubernetesClient client, Scheduler scheduler) {
        GlobalPlannerConfig cfg = ConfigLoader.parse("", "t.yaml", GlobalPlannerConfig.class);
        return new KubernetesExecutor(
                client,
                cfg.executor().kubernetes(),
                List.of(NS),
                scheduler,
                Duration.ofSeconds(20),
                Duration.ofMillis(50));
    }
}
