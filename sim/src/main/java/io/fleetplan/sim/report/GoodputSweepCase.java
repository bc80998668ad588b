package io.fleetplan.sim.report;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.policy.DynamoBaselines;
import io.fleetplan.sim.policy.PlannerPolicy;
import io.fleetplan.sim.policy.StaticPolicy;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.trace.Trace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The setting of Dynamo's planner goodput-per-GPU sweep as one case: a single aggregated pool capped at N
 * replicas, a loose SLO (TTFT 2000 ms, ITL 50 ms), static at the cap as the baseline, beside Dynamo's default
 * planner (both loops), Dynamo's load loop alone and fleetplan. The figure is goodput per GPU-hour: requests
 * that met the SLO per GPU-hour held. Every policy starts from the stack's {@code initial_replicas} (no oracle:
 * the sweep compares planners with static provisioning, not with hindsight).
 */
public final class GoodputSweepCase {

    /** Policy names in report order; the first is the baseline the others are compared with. */
    public static final List<String> POLICIES = List.of("static-cap", "dynamo-hybrid", "dynamo-load", "fleetplan");

    /**
     * One policy's figures.
     *
     * @param goodputPerGpuHour requests meeting the SLO per GPU-hour held
     * @param vsStatic goodput per GPU-hour over static-at-the-cap's
     */
    public record Figures(
            String policy,
            double attainment,
            double gpuHours,
            double avgGpus,
            int peakGpus,
            long scaleEvents,
            double goodputPerGpuHour,
            double vsStatic,
            List<RequestClasses.Figures> classes) {}

    public record Result(Trace trace, StackConfig stack, List<Figures> policies) {}

    private GoodputSweepCase() {}

    /** Replays the four policies on {@code trace} with {@code stack} (one agg pool). */
    public static Result run(Trace trace, StackConfig stack, long seed, int threads) {
        if (stack.pools().size() != 1 || !stack.pools().get(0).mode().equals("agg")) {
            throw new IllegalArgumentException(
                    "goodput sweep case: the stack must have exactly one pool of mode agg," + " got "
                            + stack.pools().stream()
                                    .map(p -> p.name() + "(" + p.mode() + ")")
                                    .toList());
        }
        int cap = stack.pools().get(0).maxReplicas();
        List<ScalingPolicy> policies = List.of(
                new StaticPolicy("static-cap", "static at the cap (" + cap + " replicas)", new int[] {cap}),
                DynamoBaselines.hybrid(),
                DynamoBaselines.load(),
                PlannerPolicy.fleetplanDefault());
        Evaluation.Options d = Evaluation.Options.defaults(stack, seed);
        Evaluation.Options o = new Evaluation.Options(
                stack,
                d.settings(),
                d.policies(),
                d.oracleWindowSeconds(),
                d.attainmentTarget(),
                d.oracleIterations(),
                threads);
        List<PolicyRun> runs = Evaluation.runAll(trace, o, policies, null, Evaluation.Progress.NONE);
        double ttft = stack.slo().ttftMs();
        double itl = stack.slo().itlMs();
        List<Figures> out = new ArrayList<>();
        double base = Double.NaN;
        for (int i = 0; i < runs.size(); i++) {
            PolicyRun run = runs.get(i);
            PolicySummary s = PolicySummary.of(run, ttft, itl);
            double perGpuHour = s.gpuHours() > 0 ? s.sloAttainment() * s.requests() / s.gpuHours() : 0;
            base = i == 0 ? perGpuHour : base;
            out.add(new Figures(
                    POLICIES.get(i),
                    s.sloAttainment(),
                    s.gpuHours(),
                    s.avgGpus(),
                    s.peakGpus(),
                    s.scaleEvents(),
                    perGpuHour,
                    base > 0 ? perGpuHour / base : Double.NaN,
                    RequestClasses.of(trace, run.requests(), ttft, itl)));
        }
        return new Result(trace, stack, List.copyOf(out));
    }

    /** The case as a JSON object (names and units in docs/sim.md). */
    public static Map<String, Object> json(Result r, String traceLabel) {
        Map<String, Object> m = new LinkedHashMap<>();
        StackConfig.Pool pool = r.stack().pools().get(0);
        m.put("trace", traceLabel);
        m.put("requests", r.trace().requests().size());
        m.put("rate_rps", ReplaySuite.round(r.trace().meanRate()));
        m.put("duration_seconds", ReplaySuite.round(r.trace().durationSeconds()));
        m.put("mode", pool.mode());
        m.put("max_replicas", pool.maxReplicas());
        m.put("initial_replicas", pool.initialReplicas());
        m.put("ttft_ms", r.stack().slo().ttftMs());
        m.put("itl_ms", r.stack().slo().itlMs());
        Map<String, Object> policies = new LinkedHashMap<>();
        for (Figures f : r.policies()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("attainment", ReplaySuite.round(f.attainment()));
            e.put("gpu_hours", ReplaySuite.round(f.gpuHours()));
            e.put("avg_gpus", ReplaySuite.round(f.avgGpus()));
            e.put("peak_gpus", f.peakGpus());
            e.put("scale_events", f.scaleEvents());
            e.put("goodput_requests_per_gpu_hour", ReplaySuite.round(f.goodputPerGpuHour()));
            e.put("goodput_vs_static", ReplaySuite.round(f.vsStatic()));
            e.put("classes", ReplaySuite.classesJson(f.classes()));
            policies.put(f.policy(), e);
        }
        m.put("policies", policies);
        return m;
    }

    /** The table lines. */
    public static List<String> table(Result r) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "%-14s %8s %8s %7s %5s %6s %14s %9s",
                "policy",
                "attain%",
                "GPU-h",
                "avgGPU",
                "peak",
                "scale",
                "good req/GPU-h",
                "vs static"));
        for (Figures f : r.policies()) {
            lines.add(String.format(
                    Locale.ROOT,
                    "%-14s %8.2f %8.3f %7.2f %5d %6d %14.1f %8.2fx",
                    f.policy(),
                    f.attainment() * 100,
                    f.gpuHours(),
                    f.avgGpus(),
                    f.peakGpus(),
                    f.scaleEvents(),
                    f.goodputPerGpuHour(),
                    f.vsStatic()));
        }
        return lines;
    }
}
