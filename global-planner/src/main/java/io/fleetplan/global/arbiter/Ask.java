package io.fleetplan.global.arbiter;

import io.fleetplan.common.pool.SubType;
import org.jspecify.annotations.Nullable;

/**
 * One component's request inside a proposal (Dynamo's TargetReplica plus fleetplan's minimum and pressure hint).
 *
 * @param subType       null when the wire named none (then the ask must name its component)
 * @param componentName DGD service name; empty = the pool's only component of {@code subType}
 * @param minReplicas   never preempted below this
 */
public record Ask(
        @Nullable SubType subType, String componentName, int desiredReplicas, int minReplicas, PressureCurve pressure) {

    public Ask {
        componentName = componentName == null ? "" : componentName;
        pressure = pressure == null ? PressureCurve.NONE : pressure;
    }

    public static Ask of(@Nullable SubType subType, String componentName, int desired) {
        return new Ask(subType, componentName, desired, 0, PressureCurve.NONE);
    }
}
