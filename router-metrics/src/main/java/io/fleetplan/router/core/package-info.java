/**
 * The LocalRouter's routing core: KV-aware worker selection over a prefix index of the workers' cached blocks, active
 * sequences per worker and the worker view built from KV events and load reports. Decisions are
 * {@link io.fleetplan.router.core.RouteDecision} values with a reason.
 *
 * <p>Must not import: gRPC, Netty, HTTP or file I/O; the router's servers in {@code io.fleetplan.router.local} adapt
 * to it.
 */
package io.fleetplan.router.core;
