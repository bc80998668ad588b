package io.fleetplan.pool.connect;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.pool.config.PlannerConfig;
import java.util.Locale;

/** Which DGD and components a pool planner scales, resolved from config and Dynamo's environment variables. */
public record PoolIdentity(
        String callerNamespace,
        String graphDeploymentName,
        String k8sNamespace,
        String poolId,
        String prefillComponent,
        String decodeComponent,
        PoolMode mode,
        int priority,
        boolean dryRun,
        int minEndpoint) {

    public static PoolIdentity from(PlannerConfig c) {
        String dgd = firstNonBlank(c.graphDeploymentName(), System.getenv("DYN_PARENT_DGD_K8S_NAME"), "dynamo");
        String ns = firstNonBlank(c.k8sNamespace(), System.getenv("POD_NAMESPACE"), "default");
        String caller = firstNonBlank(c.namespace(), System.getenv("DYN_NAMESPACE"), ns + "-" + dgd);
        return new PoolIdentity(
                caller,
                dgd,
                ns,
                firstNonBlank(c.poolId(), ns + "/" + dgd),
                c.prefillComponentName(),
                c.decodeComponentName(),
                PoolMode.of(c.mode()),
                c.poolPriority(),
                c.dryRun(),
                c.minEndpoint());
    }

    /** The DGD service of {@code type} (the decode component also names an aggregated pool's engines). */
    public String component(SubType type) {
        return type.prefillSlot() ? prefillComponent : decodeComponent;
    }

    /** DGDSA name of a component: {dgd}-{service lowercased}. */
    public String adapterName(String component) {
        return graphDeploymentName + "-" + component.toLowerCase(Locale.ROOT);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }
}
