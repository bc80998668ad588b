package io.fleetplan.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetplan.e2e.deploy.DeployPaths;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * deploy/ on a real Kubernetes API (k3s in Docker): the CRDs install, the example DGDs and DGDSAs are accepted,
 * and the RBAC really lets only the GlobalPlanner's service account write a DGDSA's /scale (the pool planner's
 * account is refused with 403). Skipped, with the reason printed, where there is no Docker.
 */
@ExtendWith(K3sDeployIT.PrintSkipReason.class)
@Testcontainers(disabledWithoutDocker = true)
class K3sDeployIT {

    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

    /** Says why the class is skipped (Testcontainers' own condition only disables it). */
    static final class PrintSkipReason implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            boolean docker;
            try {
                docker = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                docker = false;
            }
            if (!docker && context.getTestMethod().isEmpty()) {
                System.out.println("SKIPPED: K3sDeployIT needs a Docker engine for k3s (Testcontainers found none)");
            }
            return ConditionEvaluationResult.enabled("reason printed");
        }
    }

    static KubernetesClient client(String impersonate) {
        Config config = Config.fromKubeconfig(K3S.getKubeConfigYaml());
        if (impersonate != null) {
            config.setImpersonateUsername(impersonate);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    static void apply(KubernetesClient k, Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            k.load(in).serverSideApply();
        }
    }

    @Test
    void crdsExamplesAndRbacWorkOnARealApiServer() throws Exception {
        Path deploy = DeployPaths.deploy();
        Assumptions.assumeTrue(
                Files.isDirectory(deploy.resolve("helm/fleetplan-crds/templates")),
                "deploy/helm/fleetplan-crds not there");
        try (KubernetesClient admin = client(null)) {
            try (var crds = Files.list(deploy.resolve("helm/fleetplan-crds/templates"))) {
                for (Path crd : crds.filter(p -> p.getFileName().toString().startsWith("nvidia.com_"))
                        .toList()) {
                    apply(admin, crd);
                }
            }
            admin.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName("dynamographdeploymentscalingadapters.nvidia.com")
                    .waitUntilCondition(
                            c -> c != null
                                    && c.getStatus() != null
                                    && c.getStatus().getConditions().stream()
                                            .anyMatch(x -> x.getType().equals("Established")
                                                    && x.getStatus().equals("True")),
                            60,
                            TimeUnit.SECONDS);
            apply(admin, deploy.resolve("rbac/namespace.yaml"));
            apply(admin, deploy.resolve("rbac/rbac.yaml"));
            for (String f : new String[] {
                "control-dgd.yaml", "prefill-pool-dgd.yaml", "decode-pool-dgd.yaml", "dgdsa-examples.yaml"
            }) {
                apply(admin, deploy.resolve("examples/dynamo").resolve(f));
            }
            assertThat(admin.genericKubernetesResources("nvidia.com/v1alpha1", "DynamoGraphDeployment")
                            .inNamespace("fleetplan")
                            .list()
                            .getItems())
                    .hasSize(3);
        }
        String ns = "system:serviceaccount:fleetplan:";
        try (KubernetesClient gp = client(ns + "fleetplan-global-planner")) {
            var dgdsa = gp.genericKubernetesResources("nvidia.com/v1alpha1", "DynamoGraphDeploymentScalingAdapter")
                    .inNamespace("fleetplan")
                    .withName("fleetplan-decode-decode");
            dgdsa.scale(3);
            GenericKubernetesResource after = dgdsa.get();
            assertThat(((Number) after.get("spec", "replicas")).intValue()).isEqualTo(3);
        }
        try (KubernetesClient pool = client(ns + "fleetplan-pool-planner")) {
            var dgdsa = pool.genericKubernetesResources("nvidia.com/v1alpha1", "DynamoGraphDeploymentScalingAdapter")
                    .inNamespace("fleetplan")
                    .withName("fleetplan-decode-decode");
            assertThat(dgdsa.get()).as("pool planners may read").isNotNull();
            assertThatThrownBy(() -> dgdsa.scale(5))
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode())
                            .isEqualTo(403));
        }
    }
}
