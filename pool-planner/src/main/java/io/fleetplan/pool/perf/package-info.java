/**
 * Engine performance models: what one engine sustains (requests per second at a TTFT/ITL target) and the latency
 * it gives at a load, from a pre-deployment profile (Dynamo's first generation) or from regressions over live forward
 * pass metrics (the second). Models are values updated by their one owner, the pool planner.
 *
 * <p>Must not import: I/O ({@code java.io}, {@code java.nio.file}), gRPC, Netty, fabric8 or HTTP types; profile files
 * are read and written by {@code io.fleetplan.pool.profile.ProfileFiles}.
 */
package io.fleetplan.pool.perf;
