package io.fleetplan.pool.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.core.Action;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.scaling.GpuBudget;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DGDSA /scale path against fabric8's CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class KubernetesConnectorIT {

    KubernetesClient client;

    private final PoolIdentity pool = DgdsaFixture.POOL;

    @BeforeEach
    void crdAndAdapters() {
        DgdsaFixture.install(client);
    }

    private static PlannerDecision decision(Replicas current, Replicas wanted) {
        return new PlannerDecision(
                1,
                Instant.EPOCH,
                current,
                wanted,
                Replicas.ZERO,
                Action.SCALE_UP,
                ThroughputReason.SCALE,
                LoadReason.DISABLED,
                LoadReason.DISABLED,
                GpuBudget.Outcome.WITHIN_BUDGET,
                PlannerDecision.Prediction.NONE,
                PlannerDecision.Estimates.NONE);
    }

    private int replicas(String name) {
        Map<?, ?> spec = (Map<?, ?>) client.genericKubernetesResources(KubernetesConnector.DGDSA)
                .inNamespace("team-a")
                .withName(name)
                .get()
                .getAdditionalProperties()
                .get("spec");
        return ((Number) spec.get("replicas")).intValue();
    }

    @Test
    void readsAndScalesTheAdaptersThroughTheScaleSubresource() {
        KubernetesConnector k = new KubernetesConnector(client, pool);
        assertThat(k.state().current()).isEqualTo(new Replicas(1, 2));
        ScalingConnector.ApplyResult r = k.apply(decision(new Replicas(1, 2), new Replicas(3, 2)));
        assertThat(r.status()).isEqualTo(ScalingConnector.Status.APPLIED);
        assertThat(replicas("pool-dgd-vllmprefillworker")).isEqualTo(3);
        assertThat(replicas("pool-dgd-vllmdecodeworker")).isEqualTo(2);
        // the adapter survives the scale (the CRUD mock deletes objects on a PUT of a Scale)
        assertThat(k.state().current()).isEqualTo(new Replicas(3, 2));
        k.apply(decision(new Replicas(3, 2), new Replicas(1, 1)));
        assertThat(k.state().current()).isEqualTo(new Replicas(1, 1));
    }

    @Test
    void aMissingAdapterIsReportedNotWorkedAround() {
        PoolIdentity other = new PoolIdentity(
                "ns", "other", "team-a", "team-a/other", "prefill", "decode", PoolMode.DECODE, 0, false, 1);
        KubernetesConnector k = new KubernetesConnector(client, other);
        ScalingConnector.ApplyResult r = k.apply(decision(new Replicas(0, 1), new Replicas(0, 2)));
        assertThat(r.status()).isEqualTo(ScalingConnector.Status.FAILED);
        assertThat(r.message()).contains("other-decode", "not found");
        assertThat(k.state().scalingInProgress())
                .as("unreadable state is not settled")
                .isTrue();
    }
}
