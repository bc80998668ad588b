package io.fleetplan.router.local;

import io.fleetplan.common.metrics.DynamoNamespace;
import io.fleetplan.router.core.WorkerView;
import io.fleetplan.router.metrics.DynamoBuckets;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The LocalRouter's Prometheus metrics: Dynamo's {@code dynamo_component_router_*} request metrics (labels
 * dynamo_namespace, dynamo_component, router_id), and per-worker load gauges for every registered worker,
 * idle ones included, computed at scrape time from the registry so a removed worker's series disappear.
 */
public final class RouterMetrics {

    static final String[] ROUTER_LABELS = {"dynamo_namespace", "dynamo_component", "router_id"};
    static final String[] WORKER_LABELS = {"dynamo_namespace", "router_id", "worker_id", "dp_rank", "worker_type"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final String[] routerLabelValues;
    private final String namespaceLabel;
    private final String routerId;
    private final Map<String, double[]> lastPerWorker = new ConcurrentHashMap<>();

    final CounterDataPoint requests;
    final CounterDataPoint requestsStarted;
    final CounterDataPoint rejected;
    final DistributionDataPoint ttft;
    final DistributionDataPoint itl;
    final DistributionDataPoint isl;
    final DistributionDataPoint osl;
    final DistributionDataPoint kvHitRate;
    final CounterDataPoint retries;
    /** Requests refused because every worker was over its busy threshold (Dynamo's router queue backpressure). */
    final CounterDataPoint busyBackpressure;

    /**
     * @param pool          the pool's Dynamo namespace; exported with '-' replaced by '_', as Dynamo's planner
     *                      builds its router queries
     * @param workers       snapshot of all registered workers (called at scrape time)
     */
    public RouterMetrics(String pool, String component, String routerId, Supplier<List<WorkerView>> workers) {
        this.namespaceLabel = sanitize(pool);
        this.routerId = routerId;
        this.routerLabelValues = new String[] {namespaceLabel, component, routerId};
        requests = counter("dynamo_component_router_requests_total", "Requests received by the router");
        requestsStarted = counter(
                "dynamo_component_router_requests_started_total",
                "Requests admitted by the router's scheduler and sent to a worker");
        rejected = counter(
                "fleetplan_router_rejected_requests_total",
                "Requests the router could not place (no ready worker, all busy)");
        retries = counter(
                "fleetplan_router_retries_total",
                "Requests retried on another worker after the chosen one failed before the first token");
        ttft = histogram(
                "dynamo_component_router_time_to_first_token_seconds",
                "Time to first token seen by the router",
                DynamoBuckets.TTFT);
        itl = histogram(
                "dynamo_component_router_inter_token_latency_seconds",
                "Average inter-token latency per request seen by the router",
                DynamoBuckets.ITL);
        isl = histogram(
                "dynamo_component_router_input_sequence_tokens", "Input sequence length in tokens", DynamoBuckets.ISL);
        osl = histogram(
                "dynamo_component_router_output_sequence_tokens",
                "Output sequence length in tokens",
                DynamoBuckets.OSL);
        kvHitRate = histogram(
                "dynamo_component_router_kv_hit_rate",
                "Predicted KV prefix hit rate at routing time (overlap blocks / prompt blocks)",
                DynamoBuckets.HIT_RATE);

        // Dynamo's router queue: its router holds requests while every worker is busy. This router never holds one
        // (it places a request at once or refuses it, and a busy refusal is the backpressure), so nothing is ever
        // pending; the series exist with their true value for the dashboards and alerts written against them.
        for (String pending : new String[] {"requests", "isl_tokens", "cached_tokens"}) {
            GaugeWithCallback.builder()
                    .name("dynamo_frontend_router_queue_pending_" + pending)
                    .help("Requests (or their prompt / cached tokens) held in the router's queue; always 0: "
                            + "fleetplan's router places or refuses at once")
                    .labelNames("dynamo_namespace", "router_id", "worker_type")
                    .callback(cb -> workers.get().stream()
                            .map(v -> v.spec().role().workerType())
                            .distinct()
                            .forEach(type -> cb.call(0, namespaceLabel, routerId, type)))
                    .register(registry);
        }
        busyBackpressure = Counter.builder()
                .name("dynamo_frontend_router_queue_backpressure_total")
                .help("Requests turned away because every worker was busy, by reason")
                .labelNames("dynamo_namespace", "router_id", "reason")
                .register(registry)
                .labelValues(namespaceLabel, routerId, "all_workers_busy");
        workerGauge(
                "dynamo_component_router_worker_registered",
                "1 for every worker registered with the router",
                workers,
                v -> 1,
                new String[] {"dynamo_namespace", "router_id", "router_worker_id", "dp_rank", "worker_type"});
        workerGauge(
                "dynamo_frontend_worker_active_prefill_tokens",
                "Router's view: prompt tokens routed to the worker and not yet past first token",
                workers,
                WorkerView::routerPrefillTokens,
                WORKER_LABELS);
        workerGauge(
                "dynamo_frontend_worker_active_decode_blocks",
                "Router's view: KV blocks of the requests the router has running on the worker",
                workers,
                WorkerView::routerDecodeBlocks,
                WORKER_LABELS);
        workerGauge(
                "fleetplan_router_worker_kv_usage",
                "Worker-reported KV cache usage, fraction 0..1",
                workers,
                v -> v.engineLoad().gpuCacheUsage(),
                WORKER_LABELS);
        workerGauge(
                "fleetplan_router_worker_kv_active_blocks",
                "Worker-reported KV blocks held by running requests",
                workers,
                v -> v.engineLoad().activeDecodeBlocks(),
                WORKER_LABELS);
        workerGauge(
                "fleetplan_router_worker_active_prefill_tokens",
                "Worker-reported prompt tokens admitted but not yet prefilled",
                workers,
                v -> v.engineLoad().activePrefillTokens(),
                WORKER_LABELS);
        workerGauge(
                "fleetplan_router_worker_waiting_requests",
                "Worker-reported requests waiting in the engine queue",
                workers,
                v -> v.engineLoad().waitingRequests(),
                WORKER_LABELS);
        workerGauge(
                "fleetplan_router_worker_running_requests",
                "Worker-reported requests in the running batch",
                workers,
                v -> v.engineLoad().runningRequests(),
                WORKER_LABELS);
        workerGauge(
                "fleetplan_router_worker_inflight_requests",
                "Requests the router has outstanding on the worker",
                workers,
                WorkerView::inFlight,
                WORKER_LABELS);
        workerGauge(
                "fleetplan_router_worker_cached_blocks",
                "Blocks the prefix index says the worker caches",
                workers,
                WorkerView::cachedBlocks,
                WORKER_LABELS);
        workerGauge(
                "fleetplan_router_worker_draining",
                "1 if the worker is draining (gets no new requests)",
                workers,
                v -> v.draining() ? 1 : 0,
                WORKER_LABELS);
        workerGauge(
                "fleetplan_router_worker_ready",
                "1 if the worker was heard from within the heartbeat timeout",
                workers,
                v -> v.ready() ? 1 : 0,
                WORKER_LABELS);
        lastGauge(
                "dynamo_frontend_worker_last_time_to_first_token_seconds", "Last TTFT observed per worker", workers, 0);
        lastGauge(
                "dynamo_frontend_worker_last_inter_token_latency_seconds",
                "Last average ITL observed per worker",
                workers,
                1);
        lastGauge("dynamo_frontend_worker_last_input_sequence_tokens", "Last ISL routed to each worker", workers, 2);
    }

    /** Dynamo's planner replaces '-' with '_' in the namespace it queries router metrics with. */
    public static String sanitize(String namespace) {
        return DynamoNamespace.label(namespace);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public String namespaceLabel() {
        return namespaceLabel;
    }

    void observeLast(String workerId, int which, double value) {
        lastPerWorker.computeIfAbsent(workerId, k -> new double[3])[which] = value;
    }

    /** The last TTFT (s), ITL (s) and ISL observed for the worker (a copy), or null before its first request. */
    double[] last(String workerId) {
        double[] v = lastPerWorker.get(workerId);
        return v == null ? null : v.clone();
    }

    void forget(String workerId) {
        lastPerWorker.remove(workerId);
    }

    private CounterDataPoint counter(String name, String help) {
        return Counter.builder()
                .name(name)
                .help(help)
                .labelNames(ROUTER_LABELS)
                .register(registry)
                .labelValues(routerLabelValues);
    }

    private DistributionDataPoint histogram(String name, String help, double[] buckets) {
        return Histogram.builder()
                .name(name)
                .help(help)
                .classicOnly()
                .classicUpperBounds(buckets)
                .labelNames(ROUTER_LABELS)
                .register(registry)
                .labelValues(routerLabelValues);
    }

    private void workerGauge(
            String name,
            String help,
            Supplier<List<WorkerView>> workers,
            ToDoubleFunction<WorkerView> value,
            String[] labels) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames(labels)
                .callback(cb -> {
                    for (WorkerView v : workers.get()) {
                        cb.call(
                                value.applyAsDouble(v),
                                namespaceLabel,
                                routerId,
                                v.id(),
                                "0",
                                v.spec().role().workerType());
                    }
                })
                .register(registry);
    }

    private void lastGauge(String name, String help, Supplier<List<WorkerView>> workers, int which) {
        workerGauge(
                name,
                help,
                workers,
                v -> {
                    double[] last = lastPerWorker.get(v.id());
                    return last == null ? 0 : last[which];
                },
                WORKER_LABELS);
    }
}
