package io.fleetplan.pool.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.core.Action;
import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.pool.scaling.GpuBudget;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitoringTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static PlannerDecision decision(long seq, Instant at) {
        return new PlannerDecision(
                seq,
                at,
                new Replicas(1, 2),
                new Replicas(2, 3),
                new Replicas(2, 3),
                Action.SCALE_UP,
                ThroughputReason.SET_LOWER_BOUND,
                LoadReason.SCALE_UP,
                LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION,
                GpuBudget.Outcome.WITHIN_BUDGET,
                new PlannerDecision.Prediction(900, 3000, 150, 5),
                new PlannerDecision.Estimates(450, 38, 400, 35, 2.5, 1.5));
    }

    static final ScalingConnector.ApplyResult APPLIED =
            new ScalingConnector.ApplyResult(ScalingConnector.Status.PARTIAL, new Replicas(2, 2), "partial");
    static final TrafficSample TRAFFIC = new TrafficSample(T0, 180, 720, 2900, 140, 410, 33, 4);
    /** The load loop's recent window under overload: 12 arrived and 8 finished in 10 s, the oldest waiting 1.5 s. */
    static final TrafficSample RECENT = new TrafficSample(T0, 10, 8, 3000, 150, 900, 20, Double.NaN, 12, 1500);

    @Test
    void exportsDynamosPlannerMetrics() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        PlannerMetrics m = new PlannerMetrics(registry, "", PoolMode.DISAGG, 1, 2, Double.NaN, Double.NaN);
        m.onDecision(decision(1, T0), APPLIED, TRAFFIC);
        m.onDecision(decision(2, T0.plusSeconds(3600)), APPLIED, TRAFFIC);
        var limits = EngineLimits.UNKNOWN;
        m.onEngines(new EngineSnapshot(T0, List.of(), List.of(new EngineLoad("gone", 0, 1, 2, 3, limits))));
        m.onEngines(new EngineSnapshot(
                T0,
                List.of(new EngineLoad("p1", 0, 4096, 0, 0, limits)),
                List.of(new EngineLoad("d1", 1, 0, 30000, 512, limits))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains(
                        "dynamo_planner_num_prefill_replicas{dynamo_namespace=\"\"} 2.0",
                        "dynamo_planner_num_decode_replicas{dynamo_namespace=\"\"} 2.0",
                        "dynamo_planner_predicted_num_prefill_replicas{dynamo_namespace=\"\"} 2.0",
                        "dynamo_planner_predicted_num_decode_replicas{dynamo_namespace=\"\"} 3.0",
                        "dynamo_planner_observed_requests_per_second{dynamo_namespace=\"\"} 4.0",
                        "dynamo_planner_predicted_requests_per_second{dynamo_namespace=\"\"} 5.0",
                        "dynamo_planner_estimated_ttft_ms{dynamo_namespace=\"\"} 450.0",
                        "dynamo_planner_estimated_itl_ms{dynamo_namespace=\"\"} 38.0",
                        "dynamo_planner_engine_prefill_capacity_requests_per_second{dynamo_namespace=\"\"} 2.5",
                        // one hour at 1 prefill x 1 GPU + 2 decode x 2 GPUs = 5 GPU-hours
                        "dynamo_planner_gpu_hours{dynamo_namespace=\"\"} 5.0",
                        "dynamo_planner_throughput_scaling_decision{dynamo_namespace=\"\",dynamo_planner_throughput_scaling_decision=\"set_lower_bound\"} 1",
                        "dynamo_planner_load_scaling_decision{dynamo_namespace=\"\",dynamo_planner_load_scaling_decision=\"scale_down_refused_consolidation\"} 1",
                        "dynamo_planner_load_scaling_decision{dynamo_namespace=\"\",dynamo_planner_load_scaling_decision=\"scale_up\"} 0",
                        "dynamo_planner_engine_queued_prefill_tokens{dp_rank=\"0\",dynamo_namespace=\"\",worker_id=\"p1\"} 4096.0",
                        "dynamo_planner_engine_inflight_decode_kv_tokens{dp_rank=\"1\",dynamo_namespace=\"\",worker_id=\"d1\"} 30000.0",
                        "dynamo_planner_engine_queued_decode_kv_tokens{dp_rank=\"1\",dynamo_namespace=\"\",worker_id=\"d1\"} 512.0");
        assertThat(text).doesNotContain("worker_id=\"gone\"", "dynamo_planner_slo_ttft_ms{");
    }

    @Test
    void observedGaugesFollowTheRecentWindowAndTheSloIsAConstant() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        PlannerMetrics m = new PlannerMetrics(registry, "", PoolMode.DISAGG, 1, 1, 500, 50);
        m.onRecent(RECENT);
        assertThat(scrape(registry))
                .contains(
                        "dynamo_planner_observed_requests_per_second{dynamo_namespace=\"\"} 0.8",
                        "dynamo_planner_observed_arrivals_per_second{dynamo_namespace=\"\"} 1.2",
                        "dynamo_planner_observed_ttft_ms{dynamo_namespace=\"\"} 900.0",
                        "dynamo_planner_observed_itl_ms{dynamo_namespace=\"\"} 20.0",
                        "dynamo_planner_slo_ttft_ms{dynamo_namespace=\"\"} 500.0",
                        "dynamo_planner_slo_itl_ms{dynamo_namespace=\"\"} 50.0");
        // a throughput window (once a minute, say) does not pull the gauges to another window length
        m.onDecision(decision(1, T0), APPLIED, TRAFFIC);
        assertThat(scrape(registry))
                .contains(
                        "dynamo_planner_observed_ttft_ms{dynamo_namespace=\"\"} 900.0",
                        "dynamo_planner_observed_requests_per_second{dynamo_namespace=\"\"} 0.8",
                        "dynamo_planner_observed_request_duration_seconds{dynamo_namespace=\"\"} 4.0");
        // an idle window reads as zero, not as the last busy window's latency
        m.onRecent(new TrafficSample(
                T0.plusSeconds(5), 10, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN));
        assertThat(scrape(registry))
                .contains(
                        "dynamo_planner_observed_ttft_ms{dynamo_namespace=\"\"} 0.0",
                        "dynamo_planner_observed_requests_per_second{dynamo_namespace=\"\"} 0.0",
                        "dynamo_planner_observed_arrivals_per_second{dynamo_namespace=\"\"} 0.0",
                        "dynamo_planner_slo_ttft_ms{dynamo_namespace=\"\"} 500.0");
    }

    @Test
    void aPoolPlannerExportsItsOwnComponentsLabelledWithThePoolAndAtZeroFromTheStart() throws Exception {
        PrometheusRegistry decode = new PrometheusRegistry();
        new PlannerMetrics(decode, "fleetplan-decode", PoolMode.DECODE, 1, 1, 500, 50);
        String text = scrape(decode);
        assertThat(text)
                .contains(
                        "dynamo_planner_num_decode_replicas{dynamo_namespace=\"fleetplan_decode\"} 0.0",
                        "dynamo_planner_predicted_num_decode_replicas{dynamo_namespace=\"fleetplan_decode\"} 0.0",
                        "dynamo_planner_observed_ttft_ms{dynamo_namespace=\"fleetplan_decode\"} 0.0",
                        "dynamo_planner_estimated_itl_ms{dynamo_namespace=\"fleetplan_decode\"} 0.0",
                        "dynamo_planner_observed_kv_hit_rate{dynamo_namespace=\"fleetplan_decode\"} 0.0",
                        "dynamo_planner_gpu_hours{dynamo_namespace=\"fleetplan_decode\"} 0.0",
                        "dynamo_planner_slo_itl_ms{dynamo_namespace=\"fleetplan_decode\"} 50.0");
        assertThat(text)
                .as("a decode pool has no prefill replicas to report")
                .doesNotContain("num_prefill_replicas", "engine_prefill_capacity");
        PrometheusRegistry prefill = new PrometheusRegistry();
        PlannerMetrics m = new PlannerMetrics(prefill, "fleetplan-prefill", PoolMode.PREFILL, 1, 1, 500, 50);
        m.onDecision(decision(1, T0), APPLIED, TRAFFIC.withKvHitRate(0.4));
        assertThat(scrape(prefill))
                .contains(
                        "dynamo_planner_num_prefill_replicas{dynamo_namespace=\"fleetplan_prefill\"} 2.0",
                        "dynamo_planner_observed_kv_hit_rate{dynamo_namespace=\"fleetplan_prefill\"} 0.4")
                .doesNotContain("num_decode_replicas", "engine_decode_capacity");
    }

    private static String scrape(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void recorderChartsTheRecentWindowEveryTickAndTheSloAsALine() {
        DiagnosticsRecorder recorder = new DiagnosticsRecorder(10, 500, 50);
        recorder.onRecent(RECENT);
        recorder.onDecision(decision(1, T0), APPLIED, null);
        // the next decision had no recent window: its throughput window is charted, as without observed_slo_scaling
        recorder.onDecision(decision(2, T0.plusSeconds(5)), APPLIED, TRAFFIC);
        String json = recorder.json();
        assertThat(json.split("\n")[0])
                .contains(
                        "\"obsRps\":0.8000",
                        "\"arrRps\":1.2000",
                        "\"obsTtft\":900.0000",
                        "\"obsItl\":20.0000",
                        "\"waitMs\":1500.0000",
                        "\"sloTtft\":500.0000",
                        "\"sloItl\":50.0000");
        assertThat(json.split("\n")[1])
                .contains(
                        "\"obsRps\":4.0000",
                        "\"arrRps\":null",
                        "\"obsTtft\":410.0000",
                        "\"waitMs\":null",
                        "\"sloTtft\":500.0000");
        assertThat(recorder.html("pool a", true))
                .contains(
                        "['sloTtft', '#d62728', 'SLO', 'dash']",
                        "['sloItl', '#d62728', 'SLO', 'dash']",
                        "['arrRps', '#1f77b4', 'arrived']",
                        "'stroke-dasharray'");
        assertThat(new DiagnosticsRecorder(10).json()).isEqualTo("[]");
    }

    @Test
    void reportIsSelfContained(@TempDir Path dir) throws Exception {
        DiagnosticsRecorder recorder = new DiagnosticsRecorder(100);
        recorder.onDecision(decision(1, T0), APPLIED, TRAFFIC);
        Path file = new ReportWriter(recorder, dir, "pool a").write(T0);
        String html = Files.readString(file);
        assertThat(html)
                .contains(
                        "window.PLANNER_DATA = [",
                        "\"recP\":2",
                        "scale_down_refused_consolidation",
                        "createElementNS(NS, 'svg')",
                        "createElementNS");
        assertThat(html).doesNotContain("src=\"http", "href=\"http", "cdn", "plotly");
    }

    @Test
    void recorderKeepsTheLastSnapshots() {
        DiagnosticsRecorder recorder = new DiagnosticsRecorder(3);
        for (int i = 0; i < 5; i++) {
            recorder.onDecision(decision(i, T0.plusSeconds(i)), APPLIED, null);
        }
        assertThat(recorder.size()).isEqualTo(3);
        assertThat(recorder.json())
                .startsWith("[{\"t\":")
                .contains("\"obsRps\":null")
                .doesNotContain("\"seq\":1,");
    }
}
