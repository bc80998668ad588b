package io.fleetplan.pool.monitor;

import io.fleetplan.common.metrics.DynamoNamespace;
import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.core.DecisionListener;
import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.ThroughputReason;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.datapoints.StateSetDataPoint;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.StateSet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Dynamo's {@code dynamo_planner_*} metrics, fed from decisions. Enums are StateSets whose label has the metric's
 * name, the exposition Python's prometheus_client Enum produces. fleetplan adds the pool as a
 * {@code dynamo_namespace} label (spelled as the router and worker series spell it) so one Prometheus holding
 * several pool planners tells them apart and a dashboard filters every panel by the same pool variable. A pool
 * planner exports the replica and capacity gauges of the components it scales only (a decode pool has no prefill
 * replicas to report), and every series exists from the start, at 0 until the first decision sets it.
 */
public final class PlannerMetrics implements DecisionListener {

    private static final String NS = "dynamo_namespace";

    private final PrometheusRegistry registry;
    private final String ns;
    private final GaugeDataPoint prefillReplicas;
    private final GaugeDataPoint decodeReplicas;
    private final GaugeDataPoint observedTtft;
    private final GaugeDataPoint observedItl;
    private final GaugeDataPoint observedRps;
    private final GaugeDataPoint observedArrivals;
    private final GaugeDataPoint observedDuration;
    private final GaugeDataPoint observedIsl;
    private final GaugeDataPoint observedOsl;
    private final GaugeDataPoint observedKvHitRate;
    private final GaugeDataPoint predictedRps;
    private final GaugeDataPoint predictedIsl;
    private final GaugeDataPoint predictedOsl;
    private final GaugeDataPoint predictedPrefill;
    private final GaugeDataPoint predictedDecode;
    private final GaugeDataPoint gpuHours;
    private final GaugeDataPoint estimatedTtft;
    private final GaugeDataPoint estimatedItl;
    private final GaugeDataPoint prefillCapacity;
    private final GaugeDataPoint decodeCapacity;
    private final Gauge queuedPrefill;
    private final Gauge queuedDecodeKv;
    private final Gauge inflightDecodeKv;
    private final StateSetDataPoint loadDecision;
    private final StateSetDataPoint throughputDecision;
    private final int prefillGpus;
    private final int decodeGpus;
    private double lastAt = Double.NaN;
    private double hours;
    /** A recent window was fed: the observed gauges follow it, not the (much rarer) throughput window. */
    private boolean recentFed;

    /**
     * @param namespace the pool's Dynamo namespace (the {@code dynamo_namespace} label; null = empty)
     * @param mode which components the planner scales: only their replica and capacity gauges are exported
     * @param sloTtftMs the TTFT SLO (the config's ttft_ms, not the planning target), exported as a constant so a
     *     dashboard draws it as a line over the observed TTFT; NaN = not exported
     * @param sloItlMs the ITL SLO, likewise
     */
    public PlannerMetrics(
            PrometheusRegistry registry,
            String namespace,
            PoolMode mode,
            int prefillGpus,
            int decodeGpus,
            double sloTtftMs,
            double sloItlMs) {
        this.registry = registry;
        this.ns = DynamoNamespace.label(namespace);
        this.prefillGpus = prefillGpus;
        this.decodeGpus = decodeGpus;
        boolean prefill = mode.scalesPrefill();
        boolean decode = mode.scalesDecode();
        prefillReplicas = prefill ? gauge("num_prefill_replicas", "prefill replicas the pool has") : null;
        decodeReplicas = decode ? gauge("num_decode_replicas", "decode replicas the pool has") : null;
        observedTtft = gauge("observed_ttft_ms", "mean TTFT over the last window, ms");
        observedItl = gauge("observed_itl_ms", "mean ITL over the last window, ms");
        observedRps = gauge("observed_requests_per_second", "requests per second over the last window");
        // fleetplan additions: arrivals (under overload more arrive than finish), the router's KV hit rate the
        // prefill sizing discounts by, and the SLO itself
        observedArrivals = gauge(
                "observed_arrivals_per_second", "requests arriving per second over the load loop's recent window");
        observedKvHitRate = gauge(
                "observed_kv_hit_rate",
                "router's KV prefix hit rate the prefill sizing discounts the ISL by, 0..1 (latest valid window)");
        if (Double.isFinite(sloTtftMs)) {
            gauge("slo_ttft_ms", "TTFT SLO (ttft_ms), ms").set(sloTtftMs);
        }
        if (Double.isFinite(sloItlMs)) {
            gauge("slo_itl_ms", "ITL SLO (itl_ms), ms").set(sloItlMs);
        }
        observedDuration = gauge("observed_request_duration_seconds", "mean request duration, s");
        observedIsl = gauge("observed_input_sequence_tokens", "mean ISL, tokens");
        observedOsl = gauge("observed_output_sequence_tokens", "mean OSL, tokens");
        predictedRps = gauge("predicted_requests_per_second", "forecast requests per second");
        predictedIsl = gauge("predicted_input_sequence_tokens", "forecast ISL, tokens");
        predictedOsl = gauge("predicted_output_sequence_tokens", "forecast OSL, tokens");
        predictedPrefill = prefill ? gauge("predicted_num_prefill_replicas", "recommended prefill replicas") : null;
        predictedDecode = decode ? gauge("predicted_num_decode_replicas", "recommended decode replicas") : null;
        gpuHours = gauge("gpu_hours", "cumulative GPU-hours of the replicas the pool had");
        estimatedTtft = gauge("estimated_ttft_ms", "worst engine's estimated TTFT, ms");
        estimatedItl = gauge("estimated_itl_ms", "worst engine's estimated ITL, ms");
        // an aggregated engine's capacity counts both halves of a request, so agg reports both
        prefillCapacity = prefill || mode == PoolMode.AGG
                ? gauge("engine_prefill_capacity_requests_per_second", "one prefill engine's rate at the SLO")
                : null;
        decodeCapacity = decode
                ? gauge("engine_decode_capacity_requests_per_second", "one decode engine's rate at the SLO")
                : null;
        queuedPrefill = engineGauge("engine_queued_prefill_tokens", "prompt tokens waiting for prefill, per engine");
        queuedDecodeKv = engineGauge("engine_queued_decode_kv_tokens", "context tokens of waiting decodes, per engine");
        inflightDecodeKv =
                engineGauge("engine_inflight_decode_kv_tokens", "context tokens of running decodes, per engine");
        loadDecision = StateSet.builder()
                .name("dynamo_planner_load_scaling_decision")
                .help("last load-loop decision")
                .states(Arrays.stream(LoadReason.values())
                        .map(LoadReason::label)
                        .toArray(String[]::new))
                .labelNames(NS)
                .register(registry)
                .labelValues(ns);
        throughputDecision = StateSet.builder()
                .name("dynamo_planner_throughput_scaling_decision")
                .help("last throughput-loop decision")
                .states(Arrays.stream(ThroughputReason.values())
                        .map(ThroughputReason::label)
                        .toArray(String[]::new))
                .labelNames(NS)
                .register(registry)
                .labelValues(ns);
        loadDecision.setTrue(LoadReason.UNSET.label());
        throughputDecision.setTrue(ThroughputReason.UNSET.label());
    }

    /** One unlabelled-in-Dynamo gauge with the pool label, at 0 until set. */
    private GaugeDataPoint gauge(String name, String help) {
        GaugeDataPoint g = Gauge.builder()
                .name("dynamo_planner_" + name)
                .help(help)
                .labelNames(NS)
                .register(registry)
                .labelValues(ns);
        g.set(0);
        return g;
    }

    private Gauge engineGauge(String name, String help) {
        return Gauge.builder()
                .name("dynamo_planner_" + name)
                .help(help)
                .labelNames(NS, "worker_id", "dp_rank")
                .register(registry);
    }

    /** Per-engine gauges follow the latest snapshot: engines that left the pool lose their series. */
    @Override
    public synchronized void onEngines(EngineSnapshot snapshot) {
        queuedPrefill.clear();
        queuedDecodeKv.clear();
        inflightDecodeKv.clear();
        for (var list : List.of(snapshot.prefill(), snapshot.decode())) {
            for (EngineLoad e : list) {
                String rank = Integer.toString(e.dpRank());
                queuedPrefill.labelValues(ns, e.workerId(), rank).set(e.queuedPrefillTokens());
                queuedDecodeKv.labelValues(ns, e.workerId(), rank).set(e.queuedKvTokens());
                inflightDecodeKv.labelValues(ns, e.workerId(), rank).set(e.scheduledKvTokens());
            }
        }
    }

    /**
     * The load loop's recent window, every load tick: observed load and latency at that pace. An idle window reads
     * as zero (Dynamo's normalize_idle_nans), not as the last busy window's latency.
     */
    @Override
    public synchronized void onRecent(TrafficSample recent) {
        recentFed = true;
        setObserved(recent.normalizeIdle());
        keepHitRate(recent);
        setIfFinite(observedArrivals, recent.arrivals() / recent.windowSeconds());
    }

    private void setObserved(TrafficSample t) {
        setIfFinite(observedTtft, t.ttftMs());
        setIfFinite(observedItl, t.itlMs());
        setIfFinite(observedRps, t.numRequests() / t.windowSeconds());
        setIfFinite(observedIsl, t.isl());
        setIfFinite(observedOsl, t.osl());
    }

    @Override
    public synchronized void onDecision(PlannerDecision d, ScalingConnector.ApplyResult r, TrafficSample traffic) {
        double at = d.at().toEpochMilli() / 1000.0;
        if (!Double.isNaN(lastAt) && at > lastAt) {
            hours += d.current().gpus(prefillGpus, decodeGpus) * (at - lastAt) / 3600.0;
        }
        lastAt = at;
        gpuHours.set(hours);
        setIfPresent(prefillReplicas, r.replicas().prefill());
        setIfPresent(decodeReplicas, r.replicas().decode());
        setIfPresent(predictedPrefill, d.recommended().prefill());
        setIfPresent(predictedDecode, d.recommended().decode());
        if (traffic != null) {
            keepHitRate(traffic);
            // with recent windows fed, the observed gauges follow them; a throughput window (a minute, say) in
            // between would make them jump between two window lengths
            if (!recentFed) {
                setObserved(traffic);
            }
            setIfFinite(observedDuration, traffic.requestDurationSeconds());
        }
        setIfFinite(predictedRps, d.prediction().requestsPerSecond());
        setIfFinite(predictedIsl, d.prediction().isl());
        setIfFinite(predictedOsl, d.prediction().osl());
        setIfFinite(estimatedTtft, d.estimates().estimatedTtftMs());
        setIfFinite(estimatedItl, d.estimates().estimatedItlMs());
        if (prefillCapacity != null) {
            setIfFinite(prefillCapacity, d.estimates().prefillEngineRps());
        }
        if (decodeCapacity != null) {
            setIfFinite(decodeCapacity, d.estimates().decodeEngineRps());
        }
        if (d.throughputReason() != ThroughputReason.UNSET) {
            set(
                    throughputDecision,
                    ThroughputReason.values(),
                    d.throughputReason().label());
        }
        LoadReason load = d.decodeReason() != LoadReason.UNSET && d.decodeReason() != LoadReason.DISABLED
                ? d.decodeReason()
                : d.prefillReason();
        if (load != LoadReason.UNSET) {
            set(loadDecision, LoadReason.values(), load.label());
        }
    }

    /** As the planner does: a window without a hit rate keeps the last one. */
    private void keepHitRate(TrafficSample t) {
        if (t.kvHitRate() >= 0 && t.kvHitRate() <= 1) {
            observedKvHitRate.set(t.kvHitRate());
        }
    }

    private static void setIfPresent(GaugeDataPoint g, double v) {
        if (g != null) {
            g.set(v);
        }
    }

    private static void set(StateSetDataPoint set, Enum<?>[] all, String state) {
        for (Enum<?> e : all) {
            set.setFalse(e.name().toLowerCase(Locale.ROOT));
        }
        set.setTrue(state);
    }

    private static void setIfFinite(GaugeDataPoint g, double v) {
        if (Double.isFinite(v)) {
            g.set(v);
        }
    }
}
