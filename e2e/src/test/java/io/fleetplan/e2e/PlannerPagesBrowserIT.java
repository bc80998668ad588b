package io.fleetplan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.e2e.support.Artifacts;
import io.fleetplan.e2e.support.Chromium;
import io.fleetplan.pool.core.Action;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.monitor.DiagnosticsRecorder;
import io.fleetplan.pool.scaling.GpuBudget;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import io.fleetplan.sim.report.Evaluation;
import io.fleetplan.sim.report.ReportHtml;
import io.fleetplan.sim.trace.SyntheticTraces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The two offline pages in headless Chromium, each saved with a screenshot under target/e2e-artifacts/pages/:
 * sim's replay report (report.png) and a decode pool planner's dashboard (planner-decode.png). Both render with
 * no network: every chart is inline SVG.
 */
class PlannerPagesBrowserIT {

    static final StackConfig STACK = ConfigLoader.parse("""
            budget: {max_total_gpus: 8}
            slo: {ttft_ms: 500, itl_ms: 50}
            worker_startup_seconds: 30
            pools:
              - {name: prefill, mode: prefill, min_replicas: 1, max_replicas: 4}
              - {name: decode, mode: decode, min_replicas: 1, max_replicas: 4}
            """, "pages stack", StackConfig.class);

    @Test
    void replayReportShowsAPanelPerPolicyWithSloLinesAndWholeReplicaTicks() throws Exception {
        Path dir = Artifacts.dir("pages");
        Chromium chromium = Chromium.require(dir);
        Evaluation.Result result = Evaluation.run(
                SyntheticTraces.generate("step:rate=2,rate2=6,at=120,duration=240", 5),
                Evaluation.Options.defaults(STACK, 1),
                Evaluation.Progress.NONE);
        Path html = dir.resolve("report.html");
        Files.writeString(html, ReportHtml.render(result));

        String dom = chromium.dom(html.toUri().toString());
        Files.writeString(dir.resolve("report-dom.html"), dom);
        int policies = result.runs().size();
        // replicas for 2 pools, GPUs, TTFT, ITL, attainment: a panel per policy in each
        assertThat(count(dom, "data-policy=\"")).isEqualTo(6 * policies);
        assertThat(count(dom, "data-series=\"SLO\""))
                .as("an SLO line in every TTFT and ITL panel")
                .isEqualTo(2 * policies);
        Path png = chromium.screenshot(html.toUri().toString(), dir.resolve("report.png"), 1000, 4200);
        assertThat(Files.size(png)).as("a rendered page, not a blank one").isGreaterThan(50_000);
        System.out.println("report page: " + policies + " policies, screenshot " + png);
    }

    @Test
    void decodePlannerDashboardChartsOnlyDecodeWithHumanLegendsSloLinesAndTimeTicks() throws Exception {
        Path dir = Artifacts.dir("pages");
        Chromium chromium = Chromium.require(dir);
        DiagnosticsRecorder recorder = new DiagnosticsRecorder(100, 500, 50, PoolMode.DECODE);
        Instant t0 = Instant.parse("2026-01-01T12:00:00Z");
        for (int i = 0; i < 40; i++) {
            Instant at = t0.plusSeconds(5L * i);
            int d = 1 + i / 12;
            double rps = 2 + i * 0.2;
            recorder.onRecent(new TrafficSample(
                    at, 10, rps * 10, 2000, 150, 300 + 10 * i, 20 + i % 7, Double.NaN, rps * 11, 100));
            recorder.onDecision(
                    new PlannerDecision(
                            i,
                            at,
                            new Replicas(0, d),
                            new Replicas(0, d + (i % 12 == 11 ? 1 : 0)),
                            new Replicas(0, 1),
                            i % 12 == 11 ? Action.SCALE_UP : Action.HOLD,
                            ThroughputReason.SET_LOWER_BOUND,
                            LoadReason.DISABLED,
                            i % 12 == 11 ? LoadReason.SCALE_UP : LoadReason.NO_CHANGE,
                            GpuBudget.Outcome.WITHIN_BUDGET,
                            new PlannerDecision.Prediction(rps * 10, 2000, 150, rps),
                            new PlannerDecision.Estimates(280 + 8 * i, 18 + i % 5, 0, 0, 0, 4)),
                    new ScalingConnector.ApplyResult(ScalingConnector.Status.APPLIED, new Replicas(0, d), "ok"),
                    null);
        }
        Path html = dir.resolve("planner-decode.html");
        Files.writeString(html, recorder.html("fleetplan pool planner decode", true));

        String dom = chromium.dom(html.toUri().toString());
        Files.writeString(dir.resolve("planner-decode-dom.html"), dom);
        // what was drawn (the page's script, which names every chart, follows it)
        dom = dom.substring(dom.indexOf("<div id=\"charts\">"), dom.indexOf("<h2>Recent decisions"));
        assertThat(dom)
                .as("a decode pool has no prefill replicas")
                .doesNotContain("Prefill replicas", "data-series=\"recP\"")
                .contains("Decode replicas", "data-series=\"recD\"");
        // legends name the series for people, the keys stay in data attributes only
        Matcher legend = Pattern.compile("<div class=\"legend\">(.*?)</div>").matcher(dom);
        int legends = 0;
        while (legend.find()) {
            legends++;
            assertThat(legend.group(1)).doesNotContainPattern("obsRps|recP|recD|actD|estTtft|sloTtft|arrRps");
        }
        assertThat(legends).isEqualTo(4);
        assertThat(dom).contains("data-series=\"sloTtft\"", "data-series=\"sloItl\"", "SLO 500 ms", "SLO 50 ms");
        // one chart's time axis: several round-time ticks, not just the two ends
        Matcher ticks =
                Pattern.compile("class=\"xtick\">(\\d\\d:\\d\\d:\\d\\d)<").matcher(dom);
        int n = 0;
        while (ticks.find()) {
            n++;
        }
        assertThat(n / 4).as("time ticks per chart").isGreaterThanOrEqualTo(4);
        Matcher replicaTicks =
                Pattern.compile("Decode replicas.*?</svg>", Pattern.DOTALL).matcher(dom);
        assertThat(replicaTicks.find()).isTrue();
        Matcher ytick = Pattern.compile("class=\"ytick\">([^<]+)<").matcher(replicaTicks.group());
        while (ytick.find()) {
            assertThat(ytick.group(1)).as("replica ticks are whole numbers").matches("\\d+");
        }
        Path png = chromium.screenshot(html.toUri().toString(), dir.resolve("planner-decode.png"), 1000, 1400);
        assertThat(Files.size(png)).as("a rendered page, not a blank one").isGreaterThan(20_000);
        System.out.println("planner page: " + legends + " charts, " + n + " time ticks, screenshot " + png);
    }

    private static int count(String s, String part) {
        return s.split(Pattern.quote(part), -1).length - 1;
    }
}
