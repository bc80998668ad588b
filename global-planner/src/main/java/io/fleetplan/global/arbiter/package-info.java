/**
 * The GlobalPlanner's budget arbiter: proposals from pool planners are checked against the shared GPU budget
 * ({@code min_total_gpus}..{@code max_total_gpus}), priorities and preemption, and come back as a
 * {@link io.fleetplan.global.arbiter.Decision} with a reason and the scale commands to execute. The ledger of granted,
 * observed and running replicas is owned by the single-writer loop that calls the arbiter; time comes in as an
 * {@link java.time.InstantSource}.
 *
 * <p>Must not import: gRPC, protobuf, Netty, fabric8, HTTP or file I/O; executors and the gRPC service adapt to it.
 */
package io.fleetplan.global.arbiter;
