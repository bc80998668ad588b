package io.fleetplan.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.ReplayTest;
import io.fleetplan.sim.replay.RequestLog;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** All policies on one short synthetic trace (a step in load), run once and checked several ways. */
class EvaluationTest {

    static Trace trace;
    static Evaluation.Result result;

    @BeforeAll
    static void run() {
        trace = SyntheticTraces.generate("step:rate=2,rate2=7,at=150,duration=300", 11);
        result = Evaluation.run(trace, Evaluation.Options.defaults(ReplayTest.stack(), 3), Evaluation.Progress.NONE);
    }

    @Test
    void sameSeedAndInputs_byteIdenticalSummary_evenWithOtherThreadCounts() {
        Evaluation.Options one = Evaluation.Options.defaults(ReplayTest.stack(), 3);
        one = new Evaluation.Options(
                one.stack(),
                one.settings(),
                one.policies(),
                one.oracleWindowSeconds(),
                one.attainmentTarget(),
                one.oracleIterations(),
                1);
        Evaluation.Result again = Evaluation.run(
                SyntheticTraces.generate("step:rate=2,rate2=7,at=150,duration=300", 11), one, Evaluation.Progress.NONE);
        assertThat(SummaryJson.write(again)).isEqualTo(SummaryJson.write(result));
    }

    @Test
    void conservation_everyRequestCompletesOrIsCountedFailed_perPolicy() {
        assertThat(result.runs()).hasSize(Evaluation.POLICIES.size());
        for (PolicyRun run : result.runs()) {
            RequestLog log = run.requests();
            assertThat(log.size()).as(run.policy()).isEqualTo(trace.requests().size());
            assertThat(log.completedCount() + log.failedCount())
                    .as(run.policy())
                    .isEqualTo(log.size());
            for (int i = 0; i < log.size(); i++) {
                assertThat(log.completed(i) ^ log.failed(i))
                        .as(run.policy() + " request " + i)
                        .isTrue();
            }
        }
        for (PolicySummary s : result.summaries()) {
            assertThat(s.completed() + s.failed()).as(s.policy()).isEqualTo(s.requests());
            assertThat(s.failures().values().stream()
                            .mapToInt(Integer::intValue)
                            .sum())
                    .isEqualTo(s.failed());
        }
    }

    @Test
    void oracle_usesNoMoreGpuHoursThanAnyPolicyThatMeetsItsAttainment() {
        PolicySummary oracle = find("oracle");
        assertThat(oracle.sloAttainment()).isGreaterThanOrEqualTo(0.99);
        for (PolicySummary s : result.summaries()) {
            if (s.sloAttainment() >= oracle.sloAttainment()) {
                assertThat(oracle.gpuHours()).as(s.policy()).isLessThanOrEqualTo(s.gpuHours() + 1e-9);
            }
        }
        // the static baselines are sized from the oracle: never cheaper than it
        assertThat(oracle.gpuHours()).isLessThanOrEqualTo(find("static-mean").gpuHours() + 1e-9);
        assertThat(oracle.gpuHours()).isLessThanOrEqualTo(find("static-peak").gpuHours() + 1e-9);
    }

    @Test
    void arbitratedPolicies_neverExceedTheBudget() {
        int budget = ReplayTest.stack().budget().maxTotalGpus();
        for (String p : new String[] {"fleetplan", "oracle"}) {
            PolicySummary s = find(p);
            assertThat(s.peakGpus()).as(p).isLessThanOrEqualTo(budget);
            assertThat(s.budgetViolations()).as(p).isZero();
            assertThat(s.overBudgetSeconds()).as(p).isZero();
        }
    }

    @Test
    void report_isSelfContainedHtmlWithCharts() {
        String html = ReportHtml.render(result);
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains(
                        "<svg",
                        "GPUs held vs budget",
                        "Request rate",
                        "Mean TTFT",
                        "Mean ITL",
                        "SLO attainment per policy",
                        "fleetplan");
        assertThat(html).doesNotContain("<script", "<link", "src=");
        assertThat(html.replace("http://www.w3.org/2000/svg", ""))
                .as("no external resources")
                .doesNotContain("http");
    }

    /** The svg element whose title is {@code title}. */
    private static String chart(String html, String title) {
        int at = html.indexOf("<title>" + title);
        assertThat(at).as("chart " + title).isPositive();
        return html.substring(html.lastIndexOf("<svg", at), html.indexOf("</svg>", at));
    }

    @Test
    void report_givesEveryPolicyItsOwnPanel_wholeReplicaTicks_sloLines_andBarLabelsClearOfTheTitle() {
        String html = ReportHtml.render(result);
        int policies = result.runs().size();
        for (String title : List.of(
                "Ready replicas, pool ",
                "GPUs held vs budget",
                "Mean TTFT by arrival time",
                "Mean ITL by arrival time",
                "SLO attainment by arrival time")) {
            String svg = chart(html, title);
            assertThat(svg.split("data-policy=\"", -1).length - 1)
                    .as(title + ": one panel per policy")
                    .isEqualTo(policies);
        }
        for (String title : List.of("Ready replicas, pool ", "GPUs held vs budget")) {
            Matcher tick = Pattern.compile("text-anchor=\"end\">([^<]+)</text>").matcher(chart(html, title));
            int ticks = 0;
            while (tick.find()) {
                ticks++;
                assertThat(tick.group(1)).as(title + " y tick").matches("\\d+");
            }
            assertThat(ticks).isPositive();
        }
        double ttftSlo = ReplayTest.stack().slo().ttftMs();
        assertThat(chart(html, "Mean TTFT by arrival time"))
                .contains("data-series=\"SLO\"", "stroke-dasharray")
                .contains("SLO " + Svg.fmt(ttftSlo));
        assertThat(chart(html, "Mean ITL by arrival time")).contains("data-series=\"SLO\"");
        // a bar at the top of the axis: its value label sits below the title's baseline (16) with room to spare
        Matcher label = Pattern.compile(
                        "<text x=\"[0-9.]+\" y=\"([0-9.]+)\" font-size=\"10\" " + "text-anchor=\"middle\">")
                .matcher(chart(html, "SLO attainment per policy"));
        while (label.find()) {
            assertThat(Double.parseDouble(label.group(1)))
                    .as("bar value label y")
                    .isGreaterThan(30);
        }
    }

    private static PolicySummary find(String name) {
        return result.summaries().stream()
                .filter(s -> s.policy().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
