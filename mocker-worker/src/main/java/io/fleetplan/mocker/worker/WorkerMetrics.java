package io.fleetplan.mocker.worker;

import io.fleetplan.common.metrics.DynamoNamespace;
import io.fleetplan.mocker.engine.Completion;
import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.mocker.engine.LoadSnapshot;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker's Prometheus metrics, with Dynamo's names and labels: {@code dynamo_component_*} work-handler and
 * KV-stats metrics labelled {@code dynamo_namespace} (the pool), {@code dynamo_component}
 * ({@code backend} or {@code prefill}), {@code dynamo_endpoint} ({@code generate}), {@code worker_id},
 * {@code model}; vLLM-style engine metrics ({@code vllm:*}) labelled {@code model_name} and {@code engine}
 * (the DP rank), including the model-server protocol set an Inference Gateway endpoint picker or llm-d's
 * autoscaler reads (waiting, running, {@code vllm:kv_cache_usage_perc}, {@code vllm:cache_config_info},
 * {@code vllm:lora_requests_info}); and fleetplan's own {@code fleetplan_mocker_*} (last FPM, token timing error, CUDA probe).
 */
final class WorkerMetrics {

    private static final String[] DYN = {"dynamo_namespace", "dynamo_component", "dynamo_endpoint", "worker_id", "model"
    };
    private static final String[] VLLM = {"model_name", "engine"};
    private static final double[] LATENCY_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    final CounterDataPoint requestsTotal;
    final GaugeDataPoint inflight;
    final DistributionDataPoint requestDuration;
    private final Counter errors;
    private final Map<String, CounterDataPoint> errorPoints = new ConcurrentHashMap<>();
    private final String[] dynLabels;
    final GaugeDataPoint uptime;
    private final GaugeDataPoint activeBlocks;
    private final GaugeDataPoint totalBlocks;
    private final GaugeDataPoint cacheUsage;
    private final GaugeDataPoint prefixHitRate;

    private final GaugeDataPoint running;
    private final GaugeDataPoint waiting;
    private final GaugeDataPoint vllmCacheUsage;
    private final GaugeDataPoint kvCacheUsage;
    private final CounterDataPoint preemptions;
    private final CounterDataPoint promptTokens;
    final CounterDataPoint generationTokens;
    private final DistributionDataPoint ttft;
    private final DistributionDataPoint e2e;

    private final GaugeDataPoint fpmPrefillRequests;
    private final GaugeDataPoint fpmPrefillTokens;
    private final GaugeDataPoint fpmDecodeRequests;
    private final GaugeDataPoint fpmDecodeKvTokens;
    private final GaugeDataPoint fpmQueuedPrefill;
    private final GaugeDataPoint fpmQueuedDecode;
    private final GaugeDataPoint fpmWallTime;
    private final CounterDataPoint iterations;
    final DistributionDataPoint emissionError;
    final GaugeDataPoint draining;
    private final GaugeDataPoint cudaAvailable;
    private final GaugeDataPoint cudaDevices;

    private long lastPreemptions;

    /**
     * @param blockSize tokens per KV block and {@code numGpuBlocks} the blocks in total, for
     *     {@code vllm:cache_config_info}
     * @param startedAt when the worker started: the value of {@code vllm:lora_requests_info}, which vLLM sets to
     *     the time its adapter labels were last updated (a picker keeps the newest series); the mocker serves no
     *     LoRA adapters, so its labels never change
     */
    WorkerMetrics(
            String pool,
            String component,
            String workerId,
            String model,
            int dpRank,
            int blockSize,
            int numGpuBlocks,
            Instant startedAt) {
        dynLabels = new String[] {DynamoNamespace.label(pool), component, "generate", workerId, model};
        String[] vllm = {model, Integer.toString(dpRank)};
        requestsTotal = Counter.builder()
                .name("dynamo_component_requests_total")
                .help("Requests handled by the work handler")
                .labelNames(DYN)
                .register(registry)
                .labelValues(dynLabels);
        inflight = Gauge.builder()
                .name("dynamo_component_inflight_requests")
                .help("Requests in flight")
                .labelNames(DYN)
                .register(registry)
                .labelValues(dynLabels);
        requestDuration = Histogram.builder()
                .name("dynamo_component_request_duration_seconds")
                .help("Time from request to last token")
                .labelNames(DYN)
                .classicUpperBounds(LATENCY_BOUNDS)
                .classicOnly()
                .register(registry)
                .labelValues(dynLabels);
        String[] errLabels = {
            "dynamo_namespace", "dynamo_component", "dynamo_endpoint", "worker_id", "model", "error_type"
        };
        errors = Counter.builder()
                .name("dynamo_component_errors_total")
                .help("Requests that failed, by error type")
                .labelNames(errLabels)
                .register(registry);
        uptime = Gauge.builder()
                .name("dynamo_component_uptime_seconds")
                .help("Seconds since the worker started")
                .labelNames(DYN)
                .register(registry)
                .labelValues(dynLabels);
        activeBlocks = gauge("dynamo_component_kvstats_active_blocks", "KV blocks in use");
        totalBlocks = gauge("dynamo_component_kvstats_total_blocks", "KV blocks in total");
        cacheUsage = gauge(
                "dynamo_component_kvstats_gpu_cache_usage_percent",
                "KV cache usage as a fraction 0..1 (Dynamo's name says percent)");
        prefixHitRate = gauge("dynamo_component_kvstats_gpu_prefix_cache_hit_rate", "Prefix cache hit rate, 0..1");

        running = Gauge.builder()
                .name("vllm:num_requests_running")
                .help("Running requests")
                .labelNames(VLLM)
                .register(registry)
                .labelValues(vllm);
        waiting = Gauge.builder()
                .name("vllm:num_requests_waiting")
                .help("Waiting requests")
                .labelNames(VLLM)
                .register(registry)
                .labelValues(vllm);
        vllmCacheUsage = Gauge.builder()
                .name("vllm:gpu_cache_usage_perc")
                .help("KV cache usage, 0..1 (vLLM's older name of kv_cache_usage_perc)")
                .labelNames(VLLM)
                .register(registry)
                .labelValues(vllm);
        kvCacheUsage = Gauge.builder()
                .name("vllm:kv_cache_usage_perc")
                .help("KV cache usage, 0..1")
                .labelNames(VLLM)
                .register(registry)
                .labelValues(vllm);
        // info metrics in vLLM's exposition: the facts are labels, the value is 1 (cache) or a timestamp (LoRA)
        Gauge.builder()
                .name("vllm:cache_config_info")
                .help("KV cache configuration")
                .labelNames("model_name", "engine", "block_size", "num_gpu_blocks")
                .register(registry)
                .labelValues(model, vllm[1], Integer.toString(blockSize), Integer.toString(numGpuBlocks))
                .set(1);
        Gauge.builder()
                .name("vllm:lora_requests_info")
                .help("LoRA adapters: the most that fit, running, waiting")
                .labelNames("model_name", "engine", "max_lora", "running_lora_adapters", "waiting_lora_adapters")
                .register(registry)
                .labelValues(model, vllm[1], "0", "", "")
                .set(startedAt.toEpochMilli() / 1000.0);
        preemptions = Counter.builder()
                .name("vllm:num_preemptions_total")
                .help("Preemptions")
                .labelNames(VLLM)
                .register(registry)
                .labelValues(vllm);
        promptTokens = Counter.builder()
                .name("vllm:prompt_tokens_total")
                .help("Prompt tokens of finished requests")
                .labelNames(VLLM)
                .register(registry)
                .labelValues(vllm);
        generationTokens = Counter.builder()
                .name("vllm:generation_tokens_total")
                .help("Generated tokens")
                .labelNames(VLLM)
                .register(registry)
                .labelValues(vllm);
        ttft = Histogram.builder()
                .name("vllm:time_to_first_token_seconds")
                .help("Engine time to first token")
                .labelNames(VLLM)
                .classicUpperBounds(LATENCY_BOUNDS)
                .classicOnly()
                .register(registry)
                .labelValues(vllm);
        e2e = Histogram.builder()
                .name("vllm:e2e_request_latency_seconds")
                .help("Engine time from arrival to finish")
                .labelNames(VLLM)
                .classicUpperBounds(LATENCY_BOUNDS)
                .classicOnly()
                .register(registry)
                .labelValues(vllm);

        fpmPrefillRequests = gauge("fleetplan_mocker_fpm_scheduled_prefill_requests", "Last iteration: prefills");
        fpmPrefillTokens = gauge("fleetplan_mocker_fpm_scheduled_prefill_tokens", "Last iteration: new prompt tokens");
        fpmDecodeRequests = gauge("fleetplan_mocker_fpm_scheduled_decode_requests", "Last iteration: decodes");
        fpmDecodeKvTokens =
                gauge("fleetplan_mocker_fpm_scheduled_decode_kv_tokens", "Last iteration: decode context tokens");
        fpmQueuedPrefill = gauge("fleetplan_mocker_fpm_queued_prefill_requests", "Waiting new requests");
        fpmQueuedDecode = gauge("fleetplan_mocker_fpm_queued_decode_requests", "Preempted requests waiting");
        fpmWallTime = gauge("fleetplan_mocker_fpm_wall_time_seconds", "Last iteration's duration");
        iterations = Counter.builder()
                .name("fleetplan_mocker_iterations_total")
                .help("Engine iterations")
                .labelNames(DYN)
                .register(registry)
                .labelValues(dynLabels);
        emissionError = Histogram.builder()
                .name("fleetplan_mocker_token_emission_error_seconds")
                .help("Wall time a token was sent minus its modelled time")
                .labelNames(DYN)
                .classicUpperBounds(0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1)
                .classicOnly()
                .withoutExemplars()
                .register(registry)
                .labelValues(dynLabels);
        draining = gauge("fleetplan_mocker_draining", "1 while the worker drains");
        cudaAvailable = gauge("fleetplan_mocker_cuda_available", "1 if the CUDA probe found a device");
        cudaDevices = gauge("fleetplan_mocker_cuda_devices", "CUDA devices found by the probe");
    }

    private GaugeDataPoint gauge(String name, String help) {
        return Gauge.builder()
                .name(name)
                .help(help)
                .labelNames(DYN)
                .register(registry)
                .labelValues(dynLabels);
    }

    void error(String type) {
        errorPoints
                .computeIfAbsent(type, t -> {
                    String[] v = Arrays.copyOf(dynLabels, dynLabels.length + 1);
                    v[dynLabels.length] = t;
                    return errors.labelValues(v);
                })
                .inc();
    }

    void load(LoadSnapshot l) {
        activeBlocks.set(l.kvUsedBlocks());
        totalBlocks.set(l.kvTotalBlocks());
        cacheUsage.set(l.gpuCacheUsage());
        prefixHitRate.set(l.prefixCacheHitRate());
        running.set(l.numRunning());
        waiting.set(l.numWaiting());
        vllmCacheUsage.set(l.gpuCacheUsage());
        kvCacheUsage.set(l.gpuCacheUsage());
        if (l.numPreemptions() > lastPreemptions) {
            preemptions.inc(l.numPreemptions() - lastPreemptions);
            lastPreemptions = l.numPreemptions();
        }
    }

    void forwardPass(ForwardPass f) {
        fpmPrefillRequests.set(f.scheduled().numPrefillRequests());
        fpmPrefillTokens.set(f.scheduled().sumPrefillTokens());
        fpmDecodeRequests.set(f.scheduled().numDecodeRequests());
        fpmDecodeKvTokens.set(f.scheduled().sumDecodeKvTokens());
        fpmQueuedPrefill.set(f.queued().numPrefillRequests());
        fpmQueuedDecode.set(f.queued().numDecodeRequests());
        fpmWallTime.set(f.wallTime());
        if (!f.isIdle()) {
            iterations.inc();
        }
    }

    void finished(Completion c) {
        promptTokens.inc(c.promptTokens());
        if (c.firstTokenNanos() > 0) {
            ttft.observe((c.firstTokenNanos() - c.arrivalNanos()) / 1e9);
        }
        e2e.observe((c.finishNanos() - c.arrivalNanos()) / 1e9);
        requestDuration.observe((c.finishNanos() - c.arrivalNanos()) / 1e9);
    }

    void cuda(CudaProbe.Result r) {
        cudaAvailable.set(r.available() ? 1 : 0);
        cudaDevices.set(r.deviceCount());
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
