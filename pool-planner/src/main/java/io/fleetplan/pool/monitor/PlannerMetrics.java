package io.fleetplan.pool.monitor;

import io.fleetplan.pool.core.DecisionListener;
import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.ThroughputReason;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.StateSet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;

/**
 * Dynamo's {@code dynamo_planner_*} metrics, fed from decisions. Enums are StateSets whose label has the metric's
 * name, the exposition Python's prometheus_client Enum produces.
 */
public final class PlannerMetrics implements DecisionListener {

    private final Gauge prefillReplicas;
    private final Gauge decodeReplicas;
    private final Gauge observedTtft;
    private final Gauge observedItl;
    private final Gauge observedRps;
    private final Gauge observedArrivals;
    private final Gauge observedDuration;
    private final Gauge observedIsl;
    private final Gauge observedOsl;
    private final Gauge predictedRps;
    private final Gauge predictedIsl;
    private final Gauge predictedOsl;
    private final Gauge predictedPrefill;
    private final Gauge predictedDecode;
    private final Gauge gpuHours;
    private final Gauge estimatedTtft;
    private final Gauge estimatedItl;
    private final Gauge prefillCapacity;
    private final Gauge decodeCapacity;
    private final Gauge queuedPrefill;
    private final Gauge queuedDecodeKv;
    private final Gauge inflightDecodeKv;
    private final StateSet loadDecision;
    private final StateSet throughputDecision;
    private final int prefillGpus;
    private final int decodeGpus;
    private double lastAt = Double.NaN;
    private double hours;
    /** A recent window was fed: the observed gauges follow it, not the (much rarer) throughput window. */
    private boolean recentFed;

    /**
     * @param sloTtftMs the TTFT SLO (the config's ttft_ms, not the planning target), exported as a constant so a
     *     dashboard draws it as a line over the observed TTFT; NaN = not exported
     * @param sloItlMs the ITL SLO, likewise
     */
    public PlannerMetrics(PrometheusRegistry registry, int prefillGpus, int decodeGpus, double sloTtftMs,
            double sloItlMs) {
        this.prefillGpus = prefillGpus;
        this.decodeGpus = decodeGpus;
        prefillReplicas = gauge(registry, "num_prefill_replicas", "prefill replicas the pool has");
        decodeReplicas = gauge(registry, "num_decode_replicas", "decode replicas the pool has");
        observedTtft = gauge(registry, "observed_ttft_ms", "mean TTFT over the last window, ms");
        observedItl = gauge(registry, "observed_itl_ms", "mean ITL over the last window, ms");
        observedRps = gauge(registry, "observed_requests_per_second", "requests per second over the last window");
        // fleetplan additions: arrivals (under overload more arrive than finish) and the SLO itself
        observedArrivals = gauge(registry, "observed_arrivals_per_second",
                "requests arriving per second over the load loop's recent window");
        if (Double.isFinite(sloTtftMs)) {
            gauge(registry, "slo_ttft_ms", "TTFT SLO (ttft_ms), ms").set(sloTtftMs);
        }
        if (Double.isFinite(sloItlMs)) {
            gauge(registry, "slo_itl_ms", "ITL SLO (itl_ms), ms").set(sloItlMs);
        }
        observedDuration = gauge(registry, "observed_request_duration_seconds", "mean request duration, s");
        observedIsl = gauge(registry, "observed_input_sequence_tokens", "mean ISL, tokens");
        observedOsl = gauge(registry, "observed_output_sequence_tokens", "mean OSL, tokens");
        predictedRps = gauge(registry, "predicted_requests_per_second", "forecast requests per second");
        predictedIsl = gauge(registry, "predicted_input_sequence_tokens", "forecast ISL, tokens");
        predictedOsl = gauge(registry, "predicted_output_sequence_tokens", "forecast OSL, tokens");
        predictedPrefill = gauge(registry, "predicted_num_prefill_replicas", "recommended prefill replicas");
        predictedDecode = gauge(registry, "predicted_num_decode_replicas", "recommended decode replicas");
        gpuHours = gauge(registry, "gpu_hours", "cumulative GPU-hours of the replicas the pool had");
        estimatedTtft = gauge(registry, "estimated_ttft_ms", "worst engine's estimated TTFT, ms");
        estimatedItl = gauge(registry, "estimated_itl_ms", "worst engine's estimated ITL, ms");
        prefillCapacity = gauge(registry, "engine_prefill_capacity_requests_per_second", "one prefill engine's rate at the SLO");
        decodeCapacity = gauge(registry, "engine_decode_capacity_requests_per_second", "one decode engine's rate at the SLO");
        queuedPrefill = engineGauge(registry, "engine_queued_prefill_tokens", "prompt tokens waiting for prefill, per engine");
        queuedDecodeKv = engineGauge(registry, "engine_queued_decode_kv_tokens", "context tokens of waiting decodes, per engine");
        inflightDecodeKv = engineGauge(registry, "engine_inflight_decode_kv_tokens", "context tokens of running decodes, per engine");
        loadDecision = StateSet.builder().name("dynamo_planner_load_scaling_decision").help("last load-loop decision")
                .states(Arrays.stream(LoadReason.values()).map(LoadReason::label).toArray(String[]::new)).register(registry);
        throughputDecision = StateSet.builder().name("dynamo_planner_throughput_scaling_decision")
                .help("last throughput-loop decision")
                .states(Arrays.stream(ThroughputReason.values()).map(ThroughputReason::label).toArray(String[]::new))
                .register(registry);
        loadDecision.setTrue(LoadReason.UNSET.label());
        throughputDecision.setTrue(ThroughputReason.UNSET.label());
    }

    private static Gauge engineGauge(PrometheusRegistry registry, String name, String help) {
        return Gauge.builder().name("dynamo_planner_" + name).help(help).labelNames("worker_id", "dp_rank").register(registry);
    }

    /** Per-engine gauges follow the latest snapshot: engines that left the pool lose their series. */
    @Override
    public synchronized void onEngines(EngineSnapshot snapshot) {
        queuedPrefill.clear();
        queuedDecodeKv.clear();
        inflightDecodeKv.clear();
        for (var list : java.util.List.of(snapshot.prefill(), snapshot.decode())) {
            for (EngineLoad e : list) {
                String rank = Integer.toString(e.dpRank());
                queuedPrefill.labelValues(e.workerId(), rank).set(e.queuedPrefillTokens());
                queuedDecodeKv.labelValues(e.workerId(), rank).set(e.queuedKvTokens());
                inflightDecodeKv.labelValues(e.workerId(), rank).set(e.scheduledKvTokens());
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
        setIfFinite(observedArrivals, recent.arrivals() / recent.windowSeconds());
    }

    private void setObserved(TrafficSample t) {
        setIfFinite(observedTtft, t.ttftMs());
        setIfFinite(observedItl, t.itlMs());
        setIfFinite(observedRps, t.numRequests() / t.windowSeconds());
        setIfFinite(observedIsl, t.isl());
        setIfFinite(observedOsl, t.osl());
    }

    private static Gauge gauge(PrometheusRegistry registry, String name, String help) {
        return Gauge.builder().name("dynamo_planner_" + name).help(help).register(registry);
    }

    @Override
    public synchronized void onDecision(PlannerDecision d, ScalingConnector.ApplyResult r, TrafficSample traffic) {
        double at = d.at().toEpochMilli() / 1000.0;
        if (!Double.isNaN(lastAt) && at > lastAt) {
            hours += d.current().gpus(prefillGpus, decodeGpus) * (at - lastAt) / 3600.0;
        }
        lastAt = at;
        gpuHours.set(hours);
        prefillReplicas.set(r.replicas().prefill());
        decodeReplicas.set(r.replicas().decode());
        predictedPrefill.set(d.recommended().prefill());
        predictedDecode.set(d.recommended().decode());
        if (traffic != null) {
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
        setIfFinite(prefillCapacity, d.estimates().prefillEngineRps());
        setIfFinite(decodeCapacity, d.estimates().decodeEngineRps());
        if (d.throughputReason() != ThroughputReason.UNSET) {
            set(throughputDecision, ThroughputReason.values(), d.throughputReason().label());
        }
        LoadReason load = d.decodeReason() != LoadReason.UNSET && d.decodeReason() != LoadReason.DISABLED
                ? d.decodeReason() : d.prefillReason();
        if (load != LoadReason.UNSET) {
            set(loadDecision, LoadReason.values(), load.label());
        }
    }

    private static void set(StateSet set, Enum<?>[] all, String state) {
        for (Enum<?> e : all) {
            set.setFalse(e.name().toLowerCase(java.util.Locale.ROOT));
        }
        set.setTrue(state);
    }

    private static void setIfFinite(Gauge g, double v) {
        if (Double.isFinite(v)) {
            g.set(v);
        }
    }
}
