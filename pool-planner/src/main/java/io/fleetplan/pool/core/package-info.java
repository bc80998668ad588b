/**
 * The pool planner: {@link io.fleetplan.pool.core.PoolPlanner} decides (throughput floor, load step, observed-SLO
 * step, budget clamp) and returns a {@link io.fleetplan.pool.core.PlannerDecision}; {@link
 * io.fleetplan.pool.core.PlannerLoop} is the one owner of its state, drives it on an injected scheduler and clock,
 * and hands decisions to a {@link io.fleetplan.pool.core.ScalingConnector}. The same classes run live and in
 * {@code sim}'s replay; metrics arrive through {@link io.fleetplan.pool.core.MetricsSource}.
 *
 * <p>Must not import: gRPC, Netty, fabric8, HTTP or file I/O: sources and connectors live in
 * {@code io.fleetplan.pool.source} and {@code io.fleetplan.pool.connect}.
 */
package io.fleetplan.pool.core;
