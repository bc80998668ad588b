package io.fleetplan.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.ReplayTest;
import io.fleetplan.sim.replay.RequestLog;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
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
        one = new Evaluation.Options(one.stack(), one.settings(), one.policies(), one.oracleWindowSeconds(),
                one.attainmentTarget(), one.oracleIterations(), 1);
        Evaluation.Result again = Evaluation.run(SyntheticTraces.generate("step:rate=2,rate2=7,at=150,duration=300", 11),
                one, Evaluation.Progress.NONE);
        assertThat(SummaryJson.write(again)).isEqualTo(SummaryJson.write(result));
    }

    @Test
    void conservation_everyRequestCompletesOrIsCountedFailed_perPolicy() {
        assertThat(result.runs()).hasSize(Evaluation.POLICIES.size());
        for (PolicyRun run : result.runs()) {
            RequestLog log = run.requests();
            assertThat(log.size()).as(run.policy()).isEqualTo(trace.requests().size());
            assertThat(log.completedCount() + log.failedCount()).as(run.policy()).isEqualTo(log.size());
            for (int i = 0; i < log.size(); i++) {
                assertThat(log.completed(i) ^ log.failed(i)).as(run.policy() + " request " + i).isTrue();
            }
        }
        for (PolicySummary s : result.summaries()) {
            assertThat(s.completed() + s.failed()).as(s.policy()).isEqualTo(s.requests());
            assertThat(s.failures().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(s.failed());
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
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "GPUs held vs budget", "Request rate",
                "Mean TTFT", "Mean ITL", "SLO attainment per policy", "fleetplan");
        assertThat(html).doesNotContain("<script", "<link", "src=");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).as("no external resources").doesNotContain("http");
    }

    private static PolicySummary find(String name) {
        return result.summaries().stream().filter(s -> s.policy().equals(name)).findFirst().orElseThrow();
    }
}
