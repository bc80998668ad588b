package io.fleetplan.global.executor.kubernetes;

import static io.fleetplan.global.executor.kubernetes.KubeFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.executor.ScaleExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster without Dynamo's operator or CRDs (the Helm chart's default shape): each pool is a worker Deployment
 * that describes itself by annotations, and the GlobalPlanner discovers, scales and watches it with no DGD at all.
 */
@EnableKubernetesMockClient(crud = true)
class DescribedTargetsIT {

    KubernetesClient client;
    private final WallClockScheduler scheduler = new WallClockScheduler("described-it", 2);

    @BeforeEach
    void workers() {
        client.apps()
                .deployments()
                .inNamespace(NS)
                .resource(workers("fleetplan-decode", "decode", "decode", 2, 1))
                .create();
        client.apps()
                .deployments()
                .inNamespace(NS)
                .resource(workers("fleetplan-prefill", "prefill", "prefill", 1, 2))
                .create();
        // a Deployment that describes nothing is not a pool
        client.apps()
                .deployments()
                .inNamespace(NS)
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("fleetplan-frontend")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(1)
                        .endSpec()
                        .build())
                .create();
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    private static Deployment workers(String dgd, String component, String type, int replicas, int gpus) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(dgd + "-workers")
                .withAnnotations(Map.of(
                        DescribedTargets.GRAPH_DEPLOYMENT,
                        dgd,
                        DescribedTargets.COMPONENT,
                        component,
                        DescribedTargets.SUB_COMPONENT_TYPE,
                        type,
                        DescribedTargets.GPUS_PER_REPLICA,
                        String.valueOf(gpus)))
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .endSpec()
                .build();
    }

    private KubernetesExecutor executor() {
        GlobalPlannerConfig cfg = ConfigLoader.parse("""
                executor:
                  kubernetes:
                    scale_target: {kind: Deployment, api_version: apps/v1, plural: deployments, name_template: "{dgd}-workers"}
                """, "t.yaml", GlobalPlannerConfig.class);
        return new KubernetesExecutor(
                client,
                cfg.executor().kubernetes(),
                List.of(NS),
                scheduler,
                Duration.ofSeconds(20),
                Duration.ofMillis(50));
    }

    @Test
    void discoversScalesAndWatchesSelfDescribedWorkerDeployments() throws Exception {
        try (KubernetesExecutor ex = executor()) {
            List<Observation> seen = ex.discover();
            TargetKey decode = new TargetKey(NS, "fleetplan-decode", "decode");
            assertThat(seen)
                    .extracting(Observation::target)
                    .containsExactlyInAnyOrder(decode, new TargetKey(NS, "fleetplan-prefill", "prefill"));
            Observation d = seen.stream()
                    .filter(o -> o.target().equals(decode))
                    .findFirst()
                    .orElseThrow();
            assertThat(d.subType()).isEqualTo(SubType.DECODE);
            assertThat(d.specReplicas()).isEqualTo(2);
            assertThat(d.gpusPerReplica()).isEqualTo(1);

            CompletableFuture<Observation> changed = new CompletableFuture<>();
            ex.watch(new ScaleExecutor.ChangeListener() {
                @Override
                public void changed(Observation now) {
                    if (now.target().equals(decode) && now.specReplicas() == 3) {
                        changed.complete(now);
                    }
                }

                @Override
                public void removed(TargetKey target) {}
            });
            CompletableFuture<Observation> done = new CompletableFuture<>();
            ex.apply(new ScaleCommand("c1", decode, SubType.DECODE, 2, 3, 1), new ScaleExecutor.Listener() {
                @Override
                public void completed(ScaleCommand command, Observation now) {
                    done.complete(now);
                }

                @Override
                public void failed(ScaleCommand command, Observation now, String message) {
                    done.completeExceptionally(new AssertionError(message));
                }
            });
            assertThat(done.get(15, TimeUnit.SECONDS).specReplicas()).isEqualTo(3);
            assertThat(client.apps()
                            .deployments()
                            .inNamespace(NS)
                            .withName("fleetplan-decode-workers")
                            .get()
                            .getSpec()
                            .getReplicas())
                    .isEqualTo(3);
            assertThat(changed.get(15, TimeUnit.SECONDS).gpusPerReplica()).isEqualTo(1);
        }
    }
}
