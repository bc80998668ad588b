package io.fleetplan.router.frontend;

import io.fleetplan.common.metrics.DynamoNamespace;
import io.fleetplan.proto.v1.WorkerLoad;
import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.metrics.DynamoBuckets;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Dynamo's {@code dynamo_frontend_*} metrics, every series labelled {@code dynamo_namespace} and {@code model}
 * (as the autoscaling guide filters them), with Dynamo's buckets. The per-worker
 * {@code dynamo_frontend_worker_*} gauges are here too, where Dynamo's planner finds them on the auto-discovered
 * frontend URL: the pools' routers' view of each worker as last polled (every pool_poll_ms), labelled with the
 * pool's {@code dynamo_namespace}, {@code worker_id}, {@code dp_rank} and {@code worker_type}. Metrics of this
 * project's own are named {@code fleetplan_frontend_*}, so a Dynamo dashboard never meets a series Dynamo does not
 * have.
 */
public final class FrontendMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final String ns;
    private final String model;
    private final Counter requests;
    private final Counter started;
    private final Gauge stage;
    private final Counter cancellations;
    private final Counter rejections;
    private final Counter migrations;
    private final GaugeDataPoint disconnected;
    final GaugeDataPoint inflight;
    final GaugeDataPoint queued;
    final DistributionDataPoint ttft;
    final DistributionDataPoint itl;
    final DistributionDataPoint duration;
    final DistributionDataPoint isl;
    final DistributionDataPoint osl;
    final DistributionDataPoint cached;
    final CounterDataPoint outputTokens;

    public FrontendMetrics(String dynamoNamespace, String model, Supplier<Map<String, Integer>> readyWorkersByPool) {
        this.ns = DynamoNamespace.label(dynamoNamespace);
        this.model = model;
        requests = Counter.builder()
                .name("dynamo_frontend_requests_total")
                .help("Requests finished, by outcome")
                .labelNames("dynamo_namespace", "model", "endpoint", "request_type", "status", "error_type")
                .register(registry);
        // the outcomes of the two OpenAI endpoints exist from the start, at 0, for rate() panels and alerts
        for (String endpoint : new String[] {"chat_completions", "completions"}) {
            for (String type : new String[] {"stream", "unary"}) {
                requests.labelValues(ns, model, endpoint, type, "success", "").inc(0);
            }
        }
        started = Counter.builder()
                .name("dynamo_frontend_requests_started_total")
                .help("Requests accepted")
                .labelNames("dynamo_namespace", "model", "endpoint", "request_type")
                .register(registry);
        inflight = modelGauge("dynamo_frontend_inflight_requests", "Requests from handler start to response complete");
        queued = modelGauge(
                "dynamo_frontend_queued_requests", "Requests from handler start to first token (includes prefill)");
        stage = Gauge.builder()
                .name("fleetplan_frontend_stage_requests")
                .help("Requests before their first token, by stage: preprocess, route, dispatch")
                .labelNames("dynamo_namespace", "model", "stage")
                .register(registry);
        for (String s : new String[] {"preprocess", "route", "dispatch"}) {
            stage.labelValues(ns, model, s).set(0);
        }
        ttft = histogram("dynamo_frontend_time_to_first_token_seconds", "Time to first token", DynamoBuckets.TTFT);
        itl = histogram(
                "dynamo_frontend_inter_token_latency_seconds", "Inter-token latency, per token", DynamoBuckets.ITL);
        duration = histogram("dynamo_frontend_request_duration_seconds", "Request duration", DynamoBuckets.DURATION);
        isl = histogram("dynamo_frontend_input_sequence_tokens", "Input sequence length", DynamoBuckets.ISL);
        osl = histogram("dynamo_frontend_output_sequence_tokens", "Output sequence length", DynamoBuckets.OSL);
        cached = histogram(
                "dynamo_frontend_cached_tokens", "Prompt tokens served from the prefix cache", DynamoBuckets.ISL);
        outputTokens = modelCounter("dynamo_frontend_output_tokens_total", "Output tokens produced");
        disconnected = modelGauge(
                "dynamo_frontend_disconnected_clients", "Clients that went away before their response ended");
        cancellations = Counter.builder()
                .name("dynamo_frontend_model_cancellation_total")
                .help("Requests cancelled because the client went away")
                .labelNames("dynamo_namespace", "model", "endpoint", "request_type")
                .register(registry);
        rejections = Counter.builder()
                .name("dynamo_frontend_model_rejection_total")
                .help("Requests rejected because no pool could take them (503 unavailable, 529 overloaded)")
                .labelNames("dynamo_namespace", "model", "endpoint")
                .register(registry);
        migrations = Counter.builder()
                .name("dynamo_frontend_model_migration_total")
                .help("Requests moved to another pool after theirs failed before the first token")
                .labelNames("dynamo_namespace", "model", "migration_type")
                .register(registry);
        GaugeWithCallback.builder()
                .name("dynamo_frontend_model_ready")
                .help("1 if some pool can serve the model")
                .labelNames("dynamo_namespace", "model")
                .callback(cb ->
                        cb.call(readyWorkersByPool.get().values().stream().anyMatch(n -> n > 0) ? 1 : 0, ns, model))
                .register(registry);
        GaugeWithCallback.builder()
                .name("fleetplan_frontend_pool_ready_workers")
                .help("Ready, non-draining workers per pool as last polled from its LocalRouter")
                .labelNames("dynamo_namespace", "model", "pool")
                .callback(cb -> readyWorkersByPool.get().forEach((pool, n) -> cb.call(n, ns, model, pool)))
                .register(registry);
    }

    /**
     * Exports the per-worker gauges from the routers' worker lists.
     *
     * @param workersByPool each pool's workers as last polled from its LocalRouter
     */
    public void exportWorkers(Supplier<Map<String, List<WorkerLoad>>> workersByPool) {
        workerGauge(
                "dynamo_frontend_worker_active_prefill_tokens",
                "Router's view: prompt tokens routed to the worker and not yet past first token",
                workersByPool,
                WorkerLoad::getRoutedPrefillTokens);
        workerGauge(
                "dynamo_frontend_worker_active_decode_blocks",
                "Router's view: KV blocks of the requests the router has running on the worker",
                workersByPool,
                WorkerLoad::getRoutedDecodeBlocks);
        workerGauge(
                "dynamo_frontend_worker_last_time_to_first_token_seconds",
                "Last TTFT observed per worker",
                workersByPool,
                WorkerLoad::getLastTtftSeconds);
        workerGauge(
                "dynamo_frontend_worker_last_inter_token_latency_seconds",
                "Last average ITL observed per worker",
                workersByPool,
                WorkerLoad::getLastItlSeconds);
        workerGauge(
                "dynamo_frontend_worker_last_input_sequence_tokens",
                "Last ISL routed to each worker",
                workersByPool,
                WorkerLoad::getLastInputSequenceTokens);
    }

    /**
     * Dynamo's model config gauges ({@code dynamo_frontend_model_*}, from the workers' runtime config): the engine
     * config the pools' workers registered with, the largest over them where pools differ (0 until a worker has
     * registered); the context length is the longest prompt this Frontend accepts and the migration limit the pools
     * a request may move on to before its first token.
     */
    public void exportModelConfig(
            Supplier<Map<String, List<WorkerLoad>>> workersByPool, int contextLength, int migrationLimit) {
        modelGauge(
                "dynamo_frontend_model_total_kv_blocks",
                "KV blocks of one worker of the model",
                workersByPool,
                WorkerLoad::getNumGpuBlocks);
        modelGauge(
                "dynamo_frontend_model_kv_cache_block_size",
                "Tokens per KV block",
                workersByPool,
                WorkerLoad::getBlockSize);
        modelGauge(
                "dynamo_frontend_model_max_num_seqs",
                "Most running sequences per worker",
                workersByPool,
                WorkerLoad::getMaxNumSeqs);
        modelGauge(
                "dynamo_frontend_model_max_num_batched_tokens",
                "Token budget per engine iteration",
                workersByPool,
                WorkerLoad::getMaxNumBatchedTokens);
        GaugeWithCallback.builder()
                .name("dynamo_frontend_model_context_length")
                .help("Longest prompt accepted, tokens (max_prompt_tokens)")
                .labelNames("dynamo_namespace", "model")
                .callback(cb -> cb.call(contextLength, ns, model))
                .register(registry);
        GaugeWithCallback.builder()
                .name("dynamo_frontend_model_migration_limit")
                .help("Pools a request may move on to before its first token")
                .labelNames("dynamo_namespace", "model")
                .callback(cb -> cb.call(migrationLimit, ns, model))
                .register(registry);
    }

    private void modelGauge(
            String name,
            String help,
            Supplier<Map<String, List<WorkerLoad>>> workersByPool,
            ToDoubleFunction<WorkerLoad> value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("dynamo_namespace", "model")
                .callback(cb -> {
                    double max = 0;
                    for (List<WorkerLoad> list : workersByPool.get().values()) {
                        for (WorkerLoad w : list) {
                            max = Math.max(max, value.applyAsDouble(w));
                        }
                    }
                    cb.call(max, ns, model);
                })
                .register(registry);
    }

    private void workerGauge(
            String name,
            String help,
            Supplier<Map<String, List<WorkerLoad>>> workersByPool,
            ToDoubleFunction<WorkerLoad> value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("dynamo_namespace", "worker_id", "dp_rank", "worker_type")
                .callback(cb -> workersByPool.get().forEach((pool, list) -> {
                    String poolNs = DynamoNamespace.label(pool);
                    for (WorkerLoad w : list) {
                        cb.call(
                                value.applyAsDouble(w),
                                poolNs,
                                w.getWorkerId(),
                                Integer.toString(w.getLoad().getDpRank()),
                                w.getRole() == WorkerRole.PREFILL ? "prefill" : "decode");
                    }
                }))
                .register(registry);
    }

    /** A gauge with this Frontend's namespace and model as its only labels. */
    private GaugeDataPoint modelGauge(String name, String help) {
        return Gauge.builder()
                .name(name)
                .help(help)
                .labelNames("dynamo_namespace", "model")
                .register(registry)
                .labelValues(ns, model);
    }

    /** A counter with this Frontend's namespace and model as its only labels. */
    private CounterDataPoint modelCounter(String name, String help) {
        return Counter.builder()
                .name(name)
                .help(help)
                .labelNames("dynamo_namespace", "model")
                .register(registry)
                .labelValues(ns, model);
    }

    private DistributionDataPoint histogram(String name, String help, double[] buckets) {
        return Histogram.builder()
                .name(name)
                .help(help)
                .classicOnly()
                .classicUpperBounds(buckets)
                .labelNames("dynamo_namespace", "model")
                .register(registry)
                .labelValues(ns, model);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    void started(CompletionJob job) {
        started.labelValues(ns, model, job.endpoint(), job.requestType()).inc();
    }

    void finished(String endpoint, String requestType, String errorType) {
        requests.labelValues(ns, model, endpoint, requestType, errorType.isEmpty() ? "success" : "error", errorType)
                .inc();
    }

    /** The client went away before its response ended. */
    void disconnected(String endpoint, String requestType) {
        disconnected.inc();
        cancellations.labelValues(ns, model, endpoint, requestType).inc();
    }

    void rejected(String endpoint) {
        rejections.labelValues(ns, model, endpoint).inc();
    }

    /** A request tried another pool before its first token ({@code new_request}, as Dynamo calls it). */
    void migrated() {
        migrations.labelValues(ns, model, "new_request").inc();
    }

    GaugeDataPoint stage(String name) {
        return stage.labelValues(ns, model, name);
    }
}
