/**
 * The pool planner's replica arithmetic: the throughput formula (replicas from predicted demand and one engine's
 * capacity), the load loop's per-component step (estimates against the SLO, consolidation-aware scale-down) and the
 * pool's own GPU budget clamp. Everything here is a pure function of values handed in: decisions come back as records
 * with a reason.
 *
 * <p>Must not import: I/O ({@code java.io}, {@code java.nio.file}), clocks, gRPC, Netty, fabric8 or HTTP types; the
 * loop in {@code io.fleetplan.pool.core} owns time and state.
 */
package io.fleetplan.pool.scaling;
