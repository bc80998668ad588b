package io.fleetplan.pool.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.common.config.ConfigDoc;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.config.NullableField;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pool planner's configuration: Dynamo's {@code PlannerConfig} with the same snake_case field names and
 * defaults, so a Dynamo user's file is read unchanged (older Dynamo names are accepted as aliases, e.g.
 * {@code ttft}, {@code adjustment_interval}). fleetplan's own additions are extra fields, documented in
 * docs/pool-planner.md.
 *
 * <p>Normalisation follows Dynamo's validator: any {@code optimization_target} other than {@code sla} turns
 * load-based scaling on and throughput-based scaling off; {@code scaling_mode: advisory} and
 * {@code advisory: true} mean the same.
 */
public record PlannerConfig(
        String mode,
        String backend,
        String environment,
        String namespace,
        String globalPlannerNamespace,
        Boolean advisory,
        String scalingMode,
        Double advisoryLogInterval,
        String optimizationTarget,
        Boolean enableThroughputScaling,
        Boolean enableLoadScaling,
        String preDeploymentSweepingMode,

        @JsonAlias({"adjustment_interval", "throughput_adjustment_interval"})
        Integer throughputAdjustmentIntervalSeconds,

        String throughputMetricsSource,
        Integer minEndpoint,
        Integer maxGpuBudget,
        Integer minGpuBudget,
        Integer prefillEngineNumGpu,
        Integer decodeEngineNumGpu,
        @JsonAlias("ttft") Double ttftMs,
        @JsonAlias("itl") Double itlMs,

        @JsonAlias({"load_adjustment_interval", "loadbased_adjustment_interval"})
        Integer loadAdjustmentIntervalSeconds,

        Integer maxNumFpmSamples,
        Integer fpmSampleBucketSize,
        @JsonAlias("loadbased_scaling_down_sensitivity") Integer loadScalingDownSensitivity,
        @JsonAlias("loadbased_metric_samples") Integer loadMetricSamples,
        @JsonAlias("loadbased_min_observations") Integer loadMinObservations,
        String loadPredictor,
        Boolean loadPredictorLog1p,
        Integer prophetWindowSize,
        String loadPredictorWarmupTrace,
        @JsonProperty("kalman_q_level") Double kalmanQLevel,
        @JsonProperty("kalman_q_trend") Double kalmanQTrend,
        Double kalmanR,
        Integer kalmanMinPoints,

        @JsonDeserialize(using = NullableField.OfDouble.class)
        Optional<Double> reportIntervalHours,

        String reportOutputDir,
        Integer liveDashboardPort,
        Integer metricReportingPrometheusPort,
        Boolean noCorrection,
        String profileResultsDir,
        Scheduling scheduling,
        PluginRegistration pluginRegistration,
        Map<String, Object> aicPerfModel,
        // --- fleetplan extensions (not in Dynamo's PlannerConfig; docs/pool-planner.md) ---
        @ConfigDoc("fleetplan: season length for the prophet-setting predictor, seconds (0 = trend only)")
        Double seasonalPeriodSeconds,

        @ConfigDoc(
                "fleetplan: optimization_target load: prefill queue ratio (queued tokens / max_num_batched_tokens) that scales up")
        Double loadPrefillQueueScaleUp,

        @ConfigDoc(
                "fleetplan: optimization_target load: prefill queue ratio under which (on every engine) it scales down")
        Double loadPrefillQueueScaleDown,

        @ConfigDoc("fleetplan: optimization_target load: decode KV utilisation that scales up")
        Double loadDecodeKvScaleUp,

        @ConfigDoc(
                "fleetplan: optimization_target load: decode KV utilisation under which (on every engine) it scales down")
        Double loadDecodeKvScaleDown,

        @ConfigDoc(
                "fleetplan: metrics older than this hold the planner (stale_data), seconds; default 3 x the loop's interval")
        Double maxDataAgeSeconds,

        @ConfigDoc("fleetplan: engine KV cache size in tokens when workers do not report it")
        Long maxKvTokens,

        @ConfigDoc("fleetplan: engine prefill chunk (max_num_batched_tokens) when workers do not report it")
        Long maxNumBatchedTokens,

        @ConfigDoc("fleetplan: engine batch cap (max_num_seqs) when workers do not report it")
        Integer maxNumSeqs,

        @ConfigDoc("fleetplan: Prometheus base URL; default env PROMETHEUS_ENDPOINT, else Dynamo's in-cluster default")
        String prometheusEndpoint,

        @ConfigDoc("fleetplan: model label to filter frontend metrics by (case-insensitive); empty = all")
        String modelName,

        @ConfigDoc(
                "fleetplan: LocalRouter gRPC host:port; when set, traffic and per-worker load come from its StreamPoolMetrics instead of Prometheus")
        String routerAddress,

        @ConfigDoc(
                "fleetplan: router/frontend /metrics URL scraped for per-worker load (Dynamo's loadbased router metrics URL)")
        String routerMetricsUrl,

        @ConfigDoc("fleetplan: GlobalPlanner gRPC host:port for environment global-planner")
        String globalPlannerAddress,

        @ConfigDoc("fleetplan: DGD name; default env DYN_PARENT_DGD_K8S_NAME")
        String graphDeploymentName,

        @ConfigDoc("fleetplan: Kubernetes namespace of the DGD; default env POD_NAMESPACE, else default")
        String k8sNamespace,

        @ConfigDoc("fleetplan: DGD service name of the prefill engines (DGDSA {dgd}-{name lowercased})")
        String prefillComponentName,

        @ConfigDoc("fleetplan: DGD service name of the decode (or aggregated) engines")
        String decodeComponentName,

        @ConfigDoc("fleetplan: pool id sent with proposals; default {k8s_namespace}/{graph_deployment_name}")
        String poolId,

        @ConfigDoc("fleetplan: proposal priority (higher = more important; 0 = GlobalPlanner default)")
        Integer poolPriority,

        @ConfigDoc("fleetplan: proposals are dry runs (the GlobalPlanner decides but commits nothing)")
        Boolean dryRun,

        @ConfigDoc(
                "fleetplan: a scale-down keeps the highest replicas recommended within this many seconds (HPA-style stabilization; 0 = Dynamo's behaviour)")
        Double scaleDownStabilizationSeconds,

        @ConfigDoc(
                "fleetplan: the throughput loop sizes for its predicted demand / this, i.e. plans engines at this share of their capacity (1 = Dynamo: full capacity; 0.5 leaves room for bursts within the interval and the worker start-up delay)")
        Double throughputTargetUtilization,

        @ConfigDoc(
                "fleetplan: a named configuration loaded under this file's fields: fleetplan (the recommended one, presets/fleetplan.yaml) or none (Dynamo's defaults)")
        String preset,

        @ConfigDoc(
                "fleetplan: the planners size for ttft_ms x this (their estimates are a typical request's; ttft_ms itself is the SLO every request is checked against); 1 = Dynamo")
        Double ttftPlanningFactor,

        @ConfigDoc("fleetplan: the planners size for itl_ms x this; 1 = Dynamo")
        Double itlPlanningFactor,

        @ConfigDoc(
                "fleetplan: the load loop reads the latency requests saw in the last two load intervals; a component whose requests missed ttft_ms/itl_ms scales up by its estimated deficit and never down (false = Dynamo)")
        Boolean observedSloScaling,

        @ConfigDoc(
                "fleetplan: the throughput loop sizes prefill for ISL x (1 - the router's KV hit rate), the hit rate read from the router's metrics (latest valid window; unknown = no discount); true = Dynamo's behaviour, false sizes prefill for the whole prompt")
        Boolean enableKvHitRateDiscount,

        @ConfigDoc(
                "fleetplan: above 0, the throughput loop also sizes prefill as a multi-server queue (Erlang C): the fewest engines with at most this share of prompts waiting longer than ttft_ms minus the mean prompt's own prefill, and never fewer than throughput_target_utilization gives; 0 = off. With observed_slo_scaling it is also the share of a recent window's prompts that may wait (TTFT over ttft_ms and over twice their own prefill) before prefill counts as missing the SLO (0: none may)")
        Double prefillLateFraction,

        @ConfigDoc(
                "fleetplan: the throughput loop's floor covers the request rate forecast over this many seconds past the next interval (set it to the workers' start-up time: a worker asked for now serves only then); a trend predictor (kalman) extrapolates its trend, others forecast a level; 0 = the next interval only (Dynamo)")
        Double forecastHorizonSeconds,

        @ConfigDoc(
                "fleetplan: the sla load loop holds a prefill engine's TTFT estimate to its own prompt's prefill plus ttft_planning_factor x the rest of ttft_ms (the waiting room), not to ttft_ms x the factor; a mean prompt whose prefill alone takes ttft_ms gives no estimate-driven step (false = Dynamo)")
        Boolean prefillWaitingRoomTarget,

        @ConfigDoc(
                "fleetplan: above 0, the throughput loop sizes decode for the context the decode engines' running requests held over this many seconds (each request weighted by how long it ran), not for isl + osl/2 of the mean request, which overstates the KV a mix of long prompts with short outputs and short prompts with long outputs holds; before any decode iteration the formula stands in; 0 = Dynamo")
        Double decodeContextWindowSeconds) {

    public static final List<String> MODES = List.of("disagg", "prefill", "decode", "agg");
    public static final List<String> BACKENDS = List.of("vllm", "sglang", "trtllm", "mocker");
    public static final List<String> ENVIRONMENTS = List.of("kubernetes", "virtual", "global-planner");
    public static final List<String> OPTIMIZATION_TARGETS = List.of("throughput", "latency", "load", "sla");
    public static final List<String> SWEEPING_MODES = List.of("none", "rapid", "thorough");
    public static final List<String> METRIC_SOURCES = List.of("frontend", "router");
    public static final List<String> PREDICTORS = List.of("constant", "arima", "kalman", "prophet");
    public static final List<String> SCALING_MODES = List.of("active", "advisory");

    public PlannerConfig {
        mode = or(mode, "disagg");
        backend = or(backend, "vllm");
        environment = or(environment, "kubernetes");
        scalingMode = or(scalingMode, Boolean.TRUE.equals(advisory) ? "advisory" : "active");
        advisory = Boolean.TRUE.equals(advisory) || "advisory".equals(scalingMode);
        advisoryLogInterval = or(advisoryLogInterval, 60.0);
        optimizationTarget = or(optimizationTarget, "throughput");
        preDeploymentSweepingMode = or(preDeploymentSweepingMode, "rapid");
        throughputAdjustmentIntervalSeconds = or(throughputAdjustmentIntervalSeconds, 180);
        throughputMetricsSource = or(throughputMetricsSource, "frontend");
        minEndpoint = or(minEndpoint, 1);
        maxGpuBudget = or(maxGpuBudget, 8);
        minGpuBudget = or(minGpuBudget, -1);
        ttftMs = or(ttftMs, 500.0);
        itlMs = or(itlMs, 50.0);
        loadAdjustmentIntervalSeconds = or(loadAdjustmentIntervalSeconds, 5);
        maxNumFpmSamples = or(maxNumFpmSamples, 64);
        fpmSampleBucketSize = or(fpmSampleBucketSize, 16);
        loadScalingDownSensitivity = or(loadScalingDownSensitivity, 80);
        loadMetricSamples = or(loadMetricSamples, 10);
        loadMinObservations = or(loadMinObservations, 5);
        loadPredictor = or(loadPredictor, "arima");
        loadPredictorLog1p = or(loadPredictorLog1p, false);
        prophetWindowSize = or(prophetWindowSize, 50);
        kalmanQLevel = or(kalmanQLevel, 1.0);
        kalmanQTrend = or(kalmanQTrend, 0.1);
        kalmanR = or(kalmanR, 10.0);
        kalmanMinPoints = or(kalmanMinPoints, 5);
        // absent = Dynamo's default 24 h; an explicit null disables periodic reports
        reportIntervalHours = reportIntervalHours == null ? Optional.of(24.0) : reportIntervalHours;
        reportOutputDir = or(reportOutputDir, "./planner_reports");
        liveDashboardPort = or(liveDashboardPort, 8080);
        metricReportingPrometheusPort = or(metricReportingPrometheusPort, 0);
        noCorrection = or(noCorrection, false);
        scheduling = or(scheduling, new Scheduling(null, null));
        pluginRegistration = or(pluginRegistration, new PluginRegistration(null));
        aicPerfModel = aicPerfModel == null ? Map.of() : Map.copyOf(aicPerfModel);
        seasonalPeriodSeconds = or(seasonalPeriodSeconds, 86400.0);
        loadPrefillQueueScaleUp = or(loadPrefillQueueScaleUp, 1.0);
        loadPrefillQueueScaleDown = or(loadPrefillQueueScaleDown, 0.1);
        loadDecodeKvScaleUp = or(loadDecodeKvScaleUp, 1.0);
        loadDecodeKvScaleDown = or(loadDecodeKvScaleDown, 0.6);
        prefillComponentName = or(prefillComponentName, "prefill");
        decodeComponentName = or(decodeComponentName, "decode");
        poolPriority = or(poolPriority, 0);
        dryRun = or(dryRun, false);
        scaleDownStabilizationSeconds = or(scaleDownStabilizationSeconds, 0.0);
        throughputTargetUtilization = or(throughputTargetUtilization, 1.0);
        preset = or(preset, PlannerPresets.NONE);
        ttftPlanningFactor = or(ttftPlanningFactor, 1.0);
        itlPlanningFactor = or(itlPlanningFactor, 1.0);
        observedSloScaling = or(observedSloScaling, false);
        enableKvHitRateDiscount = or(enableKvHitRateDiscount, true);
        prefillLateFraction = or(prefillLateFraction, 0.0);
        forecastHorizonSeconds = or(forecastHorizonSeconds, 0.0);
        prefillWaitingRoomTarget = or(prefillWaitingRoomTarget, false);
        decodeContextWindowSeconds = or(decodeContextWindowSeconds, 0.0);
        modelName = or(modelName, "");

        ConfigChecks checks = new ConfigChecks()
                .oneOf("mode", mode, MODES)
                .oneOf("backend", backend, BACKENDS)
                .oneOf("environment", environment, ENVIRONMENTS)
                .oneOf("scaling_mode", scalingMode, SCALING_MODES)
                .oneOf("optimization_target", optimizationTarget, OPTIMIZATION_TARGETS)
                .oneOf("pre_deployment_sweeping_mode", preDeploymentSweepingMode, SWEEPING_MODES)
                .oneOf("throughput_metrics_source", throughputMetricsSource, METRIC_SOURCES)
                .oneOf("load_predictor", loadPredictor, PREDICTORS)
                .atLeast("throughput_adjustment_interval_seconds", throughputAdjustmentIntervalSeconds, 1)
                .atLeast("load_adjustment_interval_seconds", loadAdjustmentIntervalSeconds, 1)
                .greaterThan("advisory_log_interval", advisoryLogInterval, 0)
                .atLeast("min_endpoint", minEndpoint, 0)
                .atLeast("min_gpu_budget", minGpuBudget, -1)
                .greaterThan("ttft_ms", ttftMs, 0)
                .greaterThan("itl_ms", itlMs, 0)
                .atLeast("max_num_fpm_samples", maxNumFpmSamples, 1)
                .atLeast("fpm_sample_bucket_size", fpmSampleBucketSize, 1)
                .between("load_scaling_down_sensitivity", loadScalingDownSensitivity, 0, 100)
                .atLeast("load_metric_samples", loadMetricSamples, 1)
                .atLeast("load_min_observations", loadMinObservations, 1)
                .atLeast("prophet_window_size", prophetWindowSize, 2)
                .atLeast("kalman_q_level", kalmanQLevel, 0)
                .atLeast("kalman_q_trend", kalmanQTrend, 0)
                .greaterThan("kalman_r", kalmanR, 0)
                .atLeast("kalman_min_points", kalmanMinPoints, 1)
                .between("live_dashboard_port", liveDashboardPort, 0, 65535)
                .between("metric_reporting_prometheus_port", metricReportingPrometheusPort, 0, 65535);
        checks.atLeast("seasonal_period_seconds", seasonalPeriodSeconds, 0)
                .greaterThan("load_prefill_queue_scale_up", loadPrefillQueueScaleUp, 0)
                .atLeast("load_prefill_queue_scale_down", loadPrefillQueueScaleDown, 0)
                .greaterThan("load_decode_kv_scale_up", loadDecodeKvScaleUp, 0)
                .atLeast("load_decode_kv_scale_down", loadDecodeKvScaleDown, 0)
                .atLeast("pool_priority", poolPriority, 0)
                .atLeast("scale_down_stabilization_seconds", scaleDownStabilizationSeconds, 0)
                .between("throughput_target_utilization", throughputTargetUtilization, 0.01, 1)
                .oneOf("preset", preset, PlannerPresets.NAMES)
                .between("ttft_planning_factor", ttftPlanningFactor, 0.01, 1)
                .between("itl_planning_factor", itlPlanningFactor, 0.01, 1)
                .between("prefill_late_fraction", prefillLateFraction, 0, 0.5)
                .between("forecast_horizon_seconds", forecastHorizonSeconds, 0, 3600)
                .between("decode_context_window_seconds", decodeContextWindowSeconds, 0, 3600);
        checks.check(
                loadPrefillQueueScaleDown < loadPrefillQueueScaleUp,
                "load_prefill_queue_scale_down",
                loadPrefillQueueScaleDown,
                "must be below load_prefill_queue_scale_up (" + loadPrefillQueueScaleUp + ")");
        checks.check(
                loadDecodeKvScaleDown < loadDecodeKvScaleUp,
                "load_decode_kv_scale_down",
                loadDecodeKvScaleDown,
                "must be below load_decode_kv_scale_up (" + loadDecodeKvScaleUp + ")");
        if (maxDataAgeSeconds != null) {
            checks.greaterThan("max_data_age_seconds", maxDataAgeSeconds, 0);
        }
        if (maxKvTokens != null) {
            checks.atLeast("max_kv_tokens", maxKvTokens, 1);
        }
        if (maxNumBatchedTokens != null) {
            checks.atLeast("max_num_batched_tokens", maxNumBatchedTokens, 1);
        }
        if (maxNumSeqs != null) {
            checks.atLeast("max_num_seqs", maxNumSeqs, 1);
        }
        if (prefillEngineNumGpu != null) {
            checks.atLeast("prefill_engine_num_gpu", prefillEngineNumGpu, 1);
        }
        if (decodeEngineNumGpu != null) {
            checks.atLeast("decode_engine_num_gpu", decodeEngineNumGpu, 1);
        }
        reportIntervalHours.ifPresent(h -> checks.greaterThan("report_interval_hours", h, 0));
        checks.check(
                isPerfectSquare(fpmSampleBucketSize),
                "fpm_sample_bucket_size",
                fpmSampleBucketSize,
                "must be a perfect square (1, 4, 9, 16, 25, ...): buckets form a sqrt x sqrt grid for 2-D samples");
        checks.check(
                !"global-planner".equals(environment)
                        || (globalPlannerNamespace != null && !globalPlannerNamespace.isBlank()),
                "global_planner_namespace",
                globalPlannerNamespace,
                "is required when environment is global-planner");
        checks.check(
                maxGpuBudget < 0 || minGpuBudget < 0 || minGpuBudget <= maxGpuBudget,
                "min_gpu_budget",
                minGpuBudget,
                "must be <= max_gpu_budget (" + maxGpuBudget + ")");

        if (!"sla".equals(optimizationTarget)) {
            // Dynamo: the easy targets are load-based only
            enableLoadScaling = true;
            enableThroughputScaling = false;
        } else {
            enableThroughputScaling = or(enableThroughputScaling, true);
            enableLoadScaling = or(enableLoadScaling, false);
            checks.check(
                    enableThroughputScaling || enableLoadScaling,
                    "enable_throughput_scaling",
                    enableThroughputScaling,
                    "at least one of enable_throughput_scaling and enable_load_scaling must be true with optimization_target sla");
        }
        checks.check(
                !(enableThroughputScaling && enableLoadScaling)
                        || loadAdjustmentIntervalSeconds < throughputAdjustmentIntervalSeconds,
                "load_adjustment_interval_seconds",
                loadAdjustmentIntervalSeconds,
                "must be shorter than throughput_adjustment_interval_seconds (" + throughputAdjustmentIntervalSeconds
                        + ") when both scaling modes are on");
        checks.throwIfAny();
    }

    /** Dynamo's defaults: the config of an empty file. */
    public static PlannerConfig defaults() {
        return ConfigLoader.parse("{}", "defaults", PlannerConfig.class);
    }

    /** Base pipeline cadence: scheduling.scale_interval_seconds, else the gcd of the enabled intervals. */
    public double scaleIntervalSeconds() {
        if (scheduling.scaleIntervalSeconds() != null) {
            return scheduling.scaleIntervalSeconds();
        }
        int load = loadAdjustmentIntervalSeconds;
        return enableThroughputScaling ? gcd(load, throughputAdjustmentIntervalSeconds) : load;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static boolean isPerfectSquare(int n) {
        int r = (int) Math.round(Math.sqrt(n));
        return r * r == n;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** {@code scheduling}: the planning pipeline's cadence. */
    public record Scheduling(Double scaleIntervalSeconds, Double tickMaxDurationSeconds) {
        public Scheduling {
            tickMaxDurationSeconds = tickMaxDurationSeconds == null ? 30.0 : tickMaxDurationSeconds;
            ConfigChecks checks =
                    new ConfigChecks().greaterThan("tick_max_duration_seconds", tickMaxDurationSeconds, 0);
            if (scaleIntervalSeconds != null) {
                checks.greaterThan("scale_interval_seconds", scaleIntervalSeconds, 0);
            }
            checks.throwIfAny();
        }
    }

    /** {@code plugin_registration}: accepted for compatibility; fleetplan runs only builtin plugins. */
    public record PluginRegistration(Transport transport) {
        public PluginRegistration {
            transport = transport == null ? new Transport(null) : transport;
        }
    }

    public record Transport(Double requestTimeoutSeconds) {
        public Transport {
            requestTimeoutSeconds = requestTimeoutSeconds == null ? 5.0 : requestTimeoutSeconds;
            new ConfigChecks()
                    .greaterThan("request_timeout_seconds", requestTimeoutSeconds, 0)
                    .throwIfAny();
        }
    }
}
