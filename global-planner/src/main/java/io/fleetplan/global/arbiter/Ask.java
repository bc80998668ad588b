package io.fleetplan.global.arbiter;

import io.fleetplan.common.pool.SubType;

/**
 * One component's request inside a proposal (Dynamo's TargetReplica plus fleetplan's minimum and pressure hint).
 *
 * @param componentName DGD service name; empty = the pool's only component of {@code subType}
 * @param minReplicas   never preempted below this
 */
public record Ask(SubType subType, String componentName, int desiredReplicas, int minReplicas, PressureCurve pressure) {

    public Ask {
        componentName = componentName == null ? "" : componentName;
        pressure = pressure == null ? PressureCurve.NONE : pressure;
    }

    public static Ask of(SubType subType, String componentName, int desired) {
        return new Ask(subType, componentName, desired, 0, PressureCurve.NONE);
    }
}
