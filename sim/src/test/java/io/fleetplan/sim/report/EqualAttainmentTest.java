package io.fleetplan.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.sim.policy.PlannerPolicy;
import io.fleetplan.sim.replay.ReplayTest;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
import org.junit.jupiter.api.Test;

class EqualAttainmentTest {

    static final Trace TRACE = SyntheticTraces.generate("step:rate=2,rate2=7,at=150,duration=300", 11);
    static final Evaluation.Options OPTIONS = Evaluation.Options.defaults(ReplayTest.stack(), 3);

    @Test
    void reached_isTheCheapestMarginThatGetsTheAttainment() {
        EqualAttainment.Outcome o =
                EqualAttainment.search(TRACE, OPTIONS, new int[] {1, 1}, PlannerPolicy.dynamoLoad(), 0);
        assertThat(o.steps())
                .extracting(EqualAttainment.Step::margin)
                .containsExactlyElementsOf(EqualAttainment.MARGINS);
        double cheapest = o.steps().stream()
                .mapToDouble(EqualAttainment.Step::gpuHours)
                .min()
                .orElseThrow();
        assertThat(o.reached().gpuHours()).isEqualTo(cheapest);
        assertThat(o.fewerThanBaseline(cheapest)).isFalse();
        assertThat(o.fewerThanBaseline(cheapest / 2)).isTrue();
    }

    @Test
    void unreachableAttainment_reportsTheClosestStepAndCountsAsFewer() {
        EqualAttainment.Outcome o =
                EqualAttainment.search(TRACE, OPTIONS, new int[] {1, 1}, PlannerPolicy.dynamoLoad(), 1.01);
        assertThat(o.reached()).isNull();
        assertThat(o.fewerThanBaseline(1e9)).isTrue();
        double best = o.steps().stream()
                .mapToDouble(EqualAttainment.Step::attainment)
                .max()
                .orElseThrow();
        assertThat(o.best().attainment()).isEqualTo(best);
    }

    @Test
    void tightestTargets_spendAtLeastWhatTheLoosestDo() {
        // a tighter target plans more engines: the GPU-hours of the tightest step are at least the loosest's
        EqualAttainment.Outcome o =
                EqualAttainment.search(TRACE, OPTIONS, new int[] {1, 1}, PlannerPolicy.dynamoLoad(), 0);
        assertThat(o.steps().get(o.steps().size() - 1).gpuHours())
                .isGreaterThanOrEqualTo(o.steps().get(0).gpuHours());
    }
}
