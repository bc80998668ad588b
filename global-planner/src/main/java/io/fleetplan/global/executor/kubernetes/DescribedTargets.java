package io.fleetplan.global.executor.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.global.arbiter.TargetKey;
import java.util.Map;
import java.util.Optional;

/**
 * Scale targets that describe their own pool, for clusters without Dynamo's operator (and without its CRDs): a
 * Deployment (or any kind with a scale subresource) annotated with the DGD name and component the pool planners
 * propose for, the sub-component type and the GPUs one replica holds. A DGD of that name, where one exists, wins.
 */
public final class DescribedTargets {

    public static final String GRAPH_DEPLOYMENT = "fleetplan.io/graph-deployment-name";
    public static final String COMPONENT = "fleetplan.io/component";
    public static final String SUB_COMPONENT_TYPE = "fleetplan.io/sub-component-type";
    public static final String GPUS_PER_REPLICA = "fleetplan.io/gpus-per-replica";

    /** What a described target stands for. */
    public record Described(TargetKey key, SubType subType, int gpusPerReplica) {}

    private DescribedTargets() {}

    /** The pool a target describes; empty when it lacks the annotations or names no worker type. */
    public static Optional<Described> read(String namespace, GenericKubernetesResource target) {
        Map<String, String> a = target.getMetadata().getAnnotations();
        if (a == null || a.get(GRAPH_DEPLOYMENT) == null || a.get(COMPONENT) == null) {
            return Optional.empty();
        }
        String type = a.getOrDefault(SUB_COMPONENT_TYPE, "");
        SubType sub = DgdComponents.subType(type.equals("agg") ? null : type, type.equals("agg") ? "worker" : null);
        if (sub == null) {
            return Optional.empty();
        }
        return Optional.of(new Described(
                new TargetKey(namespace, a.get(GRAPH_DEPLOYMENT), a.get(COMPONENT)),
                sub,
                DgdComponents.integer(a.get(GPUS_PER_REPLICA), 0)));
    }
}
