package io.fleetplan.pool.connect;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ReplicaState;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.scaling.Replicas;
import java.util.Map;

/**
 * {@code environment: kubernetes}: scales the DGDSA {@code {dgd}-{service lowercased}} of each component through
 * its {@code /scale} subresource (as Dynamo's planner does, for single-DGD users without a GlobalPlanner). The
 * DGDSA's {@code spec.replicas} is the source of truth for the current replicas. Unlike Dynamo, a missing
 * adapter is reported, not worked around by patching the DGD (Dynamo issue #13538).
 */
public final class KubernetesConnector implements ScalingConnector {

    public static final ResourceDefinitionContext DGDSA = new ResourceDefinitionContext.Builder()
            .withGroup("nvidia.com")
            .withVersion("v1beta1")
            .withPlural("dynamographdeploymentscalingadapters")
            .withKind("DynamoGraphDeploymentScalingAdapter")
            .withNamespaced(true)
            .build();

    private final KubernetesClient client;
    private final PoolIdentity pool;

    public KubernetesConnector(KubernetesClient client, PoolIdentity pool) {
        this.client = client;
        this.pool = pool;
    }

    @Override
    public ReplicaState state() {
        int p = pool.mode().scalesPrefill() ? read(pool.prefillComponent()) : 0;
        int d = pool.mode().scalesDecode() ? read(pool.decodeComponent()) : 0;
        boolean settling = (pool.mode().scalesPrefill() && !settled(pool.prefillComponent()))
                || (pool.mode().scalesDecode() && !settled(pool.decodeComponent()));
        return new ReplicaState(new Replicas(Math.max(0, p), Math.max(0, d)), settling || p < 0 || d < 0);
    }

    @Override
    public ApplyResult apply(PlannerDecision decision) {
        Replicas want = decision.recommended();
        try {
            if (pool.mode().scalesPrefill()
                    && want.prefill() != decision.current().prefill()) {
                scale(pool.prefillComponent(), want.prefill());
            }
            if (pool.mode().scalesDecode()
                    && want.decode() != decision.current().decode()) {
                scale(pool.decodeComponent(), want.decode());
            }
        } catch (KubernetesClientException e) {
            return new ApplyResult(
                    Status.FAILED, state().current(), "scale failed: " + e.getCode() + " " + e.getMessage());
        }
        return new ApplyResult(Status.APPLIED, want, "patched DGDSA /scale");
    }

    private void scale(String component, int replicas) {
        var adapter = client.genericKubernetesResources(DGDSA)
                .inNamespace(pool.k8sNamespace())
                .withName(pool.adapterName(component));
        if (adapter.get() == null) {
            throw new KubernetesClientException(
                    "DGDSA " + pool.k8sNamespace() + "/" + pool.adapterName(component)
                            + " not found: enable the scaling adapter for service " + component,
                    404,
                    null);
        }
        // PATCH of the scale subresource: a PUT of a Scale object replaces the whole adapter in fabric8's
        // CRUD mock server
        adapter.scale(replicas);
    }

    /** spec.replicas of the adapter; -1 when it cannot be read. */
    private int read(String component) {
        GenericKubernetesResource r = client.genericKubernetesResources(DGDSA)
                .inNamespace(pool.k8sNamespace())
                .withName(pool.adapterName(component))
                .get();
        if (r == null) {
            return -1;
        }
        Object spec = r.getAdditionalProperties().get("spec");
        Object replicas = spec instanceof Map<?, ?> m ? m.get("replicas") : null;
        return replicas instanceof Number n ? n.intValue() : -1;
    }

    /** The operator mirrors spec into status.replicas once it has applied the change to the DGD. */
    private boolean settled(String component) {
        GenericKubernetesResource r = client.genericKubernetesResources(DGDSA)
                .inNamespace(pool.k8sNamespace())
                .withName(pool.adapterName(component))
                .get();
        if (r == null) {
            return false;
        }
        Object spec = r.getAdditionalProperties().get("spec");
        Object status = r.getAdditionalProperties().get("status");
        Object want = spec instanceof Map<?, ?> m ? m.get("replicas") : null;
        Object have = status instanceof Map<?, ?> m ? m.get("replicas") : null;
        return have == null || (want instanceof Number w && have instanceof Number h && w.intValue() == h.intValue());
    }

    @Override
    public String name() {
        return "kubernetes";
    }
}
