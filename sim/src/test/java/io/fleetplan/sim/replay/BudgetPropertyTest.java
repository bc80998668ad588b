package io.fleetplan.sim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.sim.policy.PlannerPolicy;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/** Seeded random load shapes: fleetplan's planners through the GlobalPlanner never hold more GPUs than the budget. */
class BudgetPropertyTest {

    @RepeatedTest(3)
    void fleetplan_neverExceedsBudget(RepetitionInfo info) {
        long seed = 4242L + info.getCurrentRepetition();
        SplittableRandom r = new SplittableRandom(seed);
        String[] shapes = {
            "bursts:rate=2,burst_rate=14,burst_seconds=40,every=90",
            "step:rate=1,rate2=12,at=60",
            "diurnal:rate=6,amplitude=0.9,period=120"
        };
        String spec = shapes[r.nextInt(shapes.length)] + ",duration=240";
        Trace t = SyntheticTraces.generate(spec, seed);
        PolicyRun run = Replay.run(
                t,
                ReplayTest.stack(),
                PlannerPolicy.fleetplanDefault(),
                Replay.Settings.DEFAULTS,
                new int[] {1 + r.nextInt(3), 1 + r.nextInt(2)},
                null);
        int budget = ReplayTest.stack().budget().maxTotalGpus();
        assertThat(run.peakGpus()).as("seed %d spec %s", seed, spec).isLessThanOrEqualTo(budget);
        assertThat(run.budgetViolations()).as("seed %d", seed).isZero();
        assertThat(run.requests().completedCount() + run.requests().failedCount())
                .as("seed %d", seed)
                .isEqualTo(run.requests().size());
    }
}
