package io.fleetplan.sim.report;

import io.fleetplan.sim.policy.PlannerPolicy;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A planner baseline at fleetplan's attainment. A baseline that spends fewer GPU-hours by missing the SLO is not
 * cheaper at equal attainment; the question is what it spends once it reaches fleetplan's attainment. A user of
 * Dynamo's planner gets more attainment by planning below the SLO (its {@code ttft_ms}/{@code itl_ms} set lower),
 * so the baseline is replayed with both targets times each of {@link #MARGINS}, and the cheapest replay that
 * reaches the wanted attainment is its figure at equal attainment. When none reaches it within the budget, the
 * baseline cannot match fleetplan's attainment at any of these settings.
 */
public final class EqualAttainment {

    /** Planning targets as a share of the SLO: Dynamo's default (1.0) down to well below fleetplan's own. */
    public static final List<Double> MARGINS = List.of(1.0, 0.7, 0.5, 0.35, 0.25, 0.15);

    /** One replay of the baseline with its targets at {@code margin} x the SLO. */
    public record Step(double margin, double attainment, double gpuHours) {}

    /**
     * @param steps every margin tried, loosest first
     * @param reached the cheapest step with attainment >= {@code wanted}; null if none reached it
     */
    public record Outcome(String baseline, double wanted, List<Step> steps, Step reached) {

        /** Whether {@code gpuHours} (fleetplan's, at attainment {@code wanted}) is below the baseline's there. */
        public boolean fewerThanBaseline(double gpuHours) {
            return reached == null || gpuHours < reached.gpuHours();
        }

        /** The step with the highest attainment (what the baseline gets closest with). */
        public Step best() {
            Step b = steps.get(0);
            for (Step s : steps) {
                b = s.attainment() > b.attainment() ? s : b;
            }
            return b;
        }
    }

    private EqualAttainment() {}

    /**
     * Replays {@code baseline} at every margin (in parallel, {@code o.threads()}), each from the {@code initial}
     * deployment the evaluation gave every policy.
     */
    public static Outcome search(
            Trace trace, Evaluation.Options o, int[] initial, PlannerPolicy baseline, double wanted) {
        List<ScalingPolicy> variants = new ArrayList<>();
        for (double m : MARGINS) {
            variants.add(baseline.variant(baseline.name(), Map.of(), Map.of(), m, m));
        }
        List<PolicyRun> runs = Evaluation.runAll(trace, o, variants, initial, Evaluation.Progress.NONE);
        List<Step> steps = new ArrayList<>();
        Step reached = null;
        for (int i = 0; i < MARGINS.size(); i++) {
            PolicySummary s = PolicySummary.of(
                    runs.get(i), o.stack().slo().ttftMs(), o.stack().slo().itlMs());
            Step step = new Step(MARGINS.get(i), s.sloAttainment(), s.gpuHours());
            steps.add(step);
            if (step.attainment() >= wanted && (reached == null || step.gpuHours() < reached.gpuHours())) {
                reached = step;
            }
        }
        return new Outcome(baseline.name(), wanted, List.copyOf(steps), reached);
    }
}
