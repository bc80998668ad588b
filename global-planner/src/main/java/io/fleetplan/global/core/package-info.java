/**
 * The GlobalPlanner's core: {@link io.fleetplan.global.core.PlannerCore}, the arbiter's single writer. It owns the
 * ledger's thread, queues proposals, executor reports and watch changes to it, sends the arbiter's commands to the
 * {@link io.fleetplan.global.executor.ScaleExecutor} seam, pushes decisions to watchers and answers blocking
 * proposals when their commands complete. A {@link io.fleetplan.global.core.Caller} (who proposes, and the tenant
 * that scopes its ids) is its value; what reaches the outside world comes in as ports the adapters implement:
 * {@link io.fleetplan.global.core.AuditTrail} (the audit log), {@link io.fleetplan.global.core.DecisionMetrics}
 * (Prometheus) and {@link io.fleetplan.global.core.TargetAuthorization} (the configured callers).
 *
 * <p>Must not import: gRPC, protobuf, Netty, fabric8, HTTP, file I/O, Prometheus or Jackson; nor the service, HA,
 * CLI or an executor implementation (only the {@code ScaleExecutor} seam).
 */
package io.fleetplan.global.core;
