package io.fleetplan.pool.core;

import io.fleetplan.pool.scaling.Replicas;

/**
 * What the pool runs as far as the connector knows: the replicas it may count on (granted by the GlobalPlanner,
 * or the scale target in the cluster) and whether the last change is still settling.
 */
public record ReplicaState(Replicas current, boolean scalingInProgress) {}
