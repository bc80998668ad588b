package io.fleetplan.global.service;

import io.fleetplan.global.arbiter.BudgetSnapshot;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.LedgerView;
import io.fleetplan.global.arbiter.Status;
import io.fleetplan.global.core.DecisionMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The GlobalPlanner's Prometheus metrics: Dynamo's names ({@code global_scale_request_total},
 * {@code global_scale_request_latency_seconds}, {@code global_managed_dgd_gpus}) with Dynamo's result and reason
 * values, plus fleetplan's {@code fleetplan_global_planner_*} with the enumerated statuses and reasons.
 */
public final class PlannerMetrics implements DecisionMetrics {

    private static final double[] LATENCY_BUCKETS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
    };

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter dynamoRequests = Counter.builder()
            .name("global_scale_request_total")
            .help(
                    "Scale requests by result (success|rejected|error) and reason (success|not_authorized|no_operation|budget_exceeded|exception), as Dynamo's GlobalPlanner")
            .labelNames("result", "reason")
            .register(registry);
    private final Histogram dynamoLatency = Histogram.builder()
            .name("global_scale_request_latency_seconds")
            .help("Scale request handling time by result, seconds")
            .labelNames("result")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    private final Gauge dynamoManaged = Gauge.builder()
            .name("global_managed_dgd_gpus")
            .help("GPUs committed per DGD")
            .labelNames("dgd_name")
            .register(registry);
    private final Counter decisions = Counter.builder()
            .name("fleetplan_global_planner_decisions_total")
            .help(
                    "Decisions by status and reason; kind = proposal (answers), push (WatchDecisions) or replay (a repeated proposal_id, reason DUPLICATE_PROPOSAL)")
            .labelNames("kind", "status", "reason")
            .register(registry);
    private final Counter refused = Counter.builder()
            .name("fleetplan_global_planner_refused_total")
            .help("Requests refused before arbitration, by gRPC status")
            .labelNames("code")
            .register(registry);
    private final Histogram latency = Histogram.builder()
            .name("fleetplan_global_planner_decision_latency_seconds")
            .help("Propose handling time (receipt to answer; blocking proposals include the wait), seconds")
            .labelNames("status")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    private final Gauge budget = Gauge.builder()
            .name("fleetplan_global_planner_budget_gpus")
            .help("Budget: kind = max|min|committed|in_flight_release|free (-1 = not set)")
            .labelNames("kind")
            .register(registry);
    private final Gauge managed = Gauge.builder()
            .name("fleetplan_global_planner_managed_gpus")
            .help("GPUs committed per target")
            .labelNames("k8s_namespace", "dgd", "component")
            .register(registry);
    private final Gauge replicas = Gauge.builder()
            .name("fleetplan_global_planner_replicas")
            .help("Replicas per target: kind = granted|observed|ready|desired")
            .labelNames("k8s_namespace", "dgd", "component", "kind")
            .register(registry);
    private final Gauge leader = Gauge.builder()
            .name("fleetplan_global_planner_leader")
            .help("1 while this replica is the leader")
            .register(registry);

    /**
     * Request and decision series exist from the start, at 0, so a dashboard's rate() panels and a Dynamo user's
     * alerts find them before the first scale request: Dynamo's five (result, reason) pairs, its three latency
     * results, and the two outcomes a proposal most often gets.
     */
    public PlannerMetrics() {
        for (String[] pair : new String[][] {
            {"success", "success"},
            {"success", "no_operation"},
            {"rejected", "budget_exceeded"},
            {"error", "exception"},
            {"error", "not_authorized"}
        }) {
            dynamoRequests.labelValues(pair).inc(0);
        }
        for (String result : new String[] {"success", "rejected", "error"}) {
            dynamoLatency.labelValues(result);
        }
        decisions
                .labelValues("proposal", Status.GRANTED.name(), "WITHIN_BUDGET")
                .inc(0);
        decisions
                .labelValues("proposal", Status.REJECTED.name(), "BUDGET_CEILING")
                .inc(0);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** A decided proposal (answered) or a push. */
    @Override
    public void decided(String kind, Decision d) {
        decisions.labelValues(kind, d.status().name(), d.reason().name()).inc();
        if (kind.equals("proposal")) {
            String[] dyn = dynamo(d);
            dynamoRequests.labelValues(dyn[0], dyn[1]).inc();
        }
    }

    /** A repeated proposal_id answered with its first decision (counted, not decided again). */
    @Override
    public void replayed(Decision first) {
        decisions
                .labelValues("replay", first.status().name(), "DUPLICATE_PROPOSAL")
                .inc();
        dynamoRequests.labelValues("success", "success").inc();
    }

    public void answered(Status status, double seconds) {
        latency.labelValues(status.name()).observe(seconds);
        dynamoLatency
                .labelValues(
                        status == Status.ERROR || status == Status.INVALID
                                ? "error"
                                : status == Status.REJECTED || status == Status.STALE ? "rejected" : "success")
                .observe(seconds);
    }

    public void refused(String code, double seconds) {
        refused.labelValues(code).inc();
        boolean denied = code.equals("PERMISSION_DENIED") || code.equals("UNAUTHENTICATED");
        dynamoRequests
                .labelValues("error", denied ? "not_authorized" : "exception")
                .inc();
        dynamoLatency.labelValues("error").observe(seconds);
    }

    // Dynamo's (result, reason) for a fleetplan decision
    private static String[] dynamo(Decision d) {
        if (d.dryRun()) {
            return new String[] {"success", "no_operation"};
        }
        return switch (d.status()) {
            case GRANTED, PARTIAL -> new String[] {"success", "success"};
            case REJECTED, STALE -> new String[] {"rejected", "budget_exceeded"};
            default -> new String[] {"error", "exception"};
        };
    }

    @Override
    public void budget(BudgetSnapshot b) {
        budget.labelValues("max").set(b.maxTotalGpus());
        budget.labelValues("min").set(b.minTotalGpus());
        budget.labelValues("committed").set(b.committedGpus());
        budget.labelValues("in_flight_release").set(b.inFlightReleaseGpus());
        budget.labelValues("free").set(b.freeGpus());
    }

    @Override
    public void ledger(List<LedgerView> rows) {
        Map<String, Integer> perDgd = new HashMap<>();
        for (LedgerView v : rows) {
            String ns = v.target().k8sNamespace();
            String dgd = v.target().graphDeploymentName();
            String c = v.target().componentName();
            managed.labelValues(ns, dgd, c).set(v.committedGpus());
            replicas.labelValues(ns, dgd, c, "granted").set(v.grantedReplicas());
            replicas.labelValues(ns, dgd, c, "observed").set(v.observedReplicas());
            replicas.labelValues(ns, dgd, c, "ready").set(v.readyReplicas());
            replicas.labelValues(ns, dgd, c, "desired").set(v.desiredReplicas());
            perDgd.merge(dgd, v.committedGpus(), Integer::sum);
        }
        perDgd.forEach((dgd, gpus) -> dynamoManaged.labelValues(dgd).set(gpus));
    }

    public void leader(boolean isLeader) {
        leader.set(isLeader ? 1 : 0);
    }
}
