package io.fleetplan.sim.report;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.replay.Feasibility;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.trace.Trace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every policy on a set of cases (trace shape x rate scale x GPU budget), each case an {@link Evaluation} with
 * its own oracle, and per case whether fleetplan meets its target against the oracle: attainment at least the
 * oracle's minus one point, and GPU-hours at most 1.15x the oracle's unless its attainment is a point or more
 * above the oracle's (more attainment may cost more).
 */
public final class ReplaySuite {

    /** Attainment fleetplan may give up against the oracle, and what counts as clearly above it (one point). */
    static final double ATTAINMENT_TOLERANCE = 0.01;
    /** GPU-hours fleetplan may spend against the oracle at about its attainment. */
    static final double COST_TOLERANCE = 1.15;

    /** One case: a trace (already rate-scaled) and the stack with the case's budget. */
    public record Case(String name, String shape, double rateScale, Trace trace, StackConfig stack) {
        public int maxGpus() {
            return stack.budget().maxTotalGpus();
        }
    }

    /** One policy's figures in one case. */
    public record PolicyFigures(
            String policy,
            double attainment,
            double gpuHours,
            double avgGpus,
            int peakGpus,
            int failed,
            List<RequestClasses.Figures> classes) {}

    /** One case's outcome: the policies in {@link Evaluation#POLICIES} order. */
    public record CaseResult(Case c, List<PolicyFigures> policies, double attainmentCeiling, boolean meetsTarget) {

        public PolicyFigures policy(String name) {
            return policies.stream()
                    .filter(p -> p.policy().equals(name))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private ReplaySuite() {}

    /** Whether fleetplan's figures meet the target against the oracle's (class comment). */
    public static boolean meetsTarget(
            double attainment, double gpuHours, double oracleAttainment, double oracleGpuHours) {
        boolean attained = attainment >= oracleAttainment - ATTAINMENT_TOLERANCE;
        boolean cost =
                gpuHours <= COST_TOLERANCE * oracleGpuHours || attainment >= oracleAttainment + ATTAINMENT_TOLERANCE;
        return attained && cost;
    }

    /**
     * {@code stack} with {@code maxGpus} as its budget and each pool's {@code max_replicas} set to what the budget
     * leaves it beside the other pools' minimums, so a loose budget is not capped by a tight stack's pool limits.
     */
    public static StackConfig withBudget(StackConfig stack, int maxGpus) {
        int minFootprint = stack.pools().stream()
                .mapToInt(p -> p.minReplicas() * Math.max(1, p.gpusPerReplica()))
                .sum();
        List<StackConfig.Pool> pools = new ArrayList<>();
        for (StackConfig.Pool p : stack.pools()) {
            int gpus = Math.max(1, p.gpusPerReplica());
            int others = minFootprint - p.minReplicas() * gpus;
            int max = Math.max(p.minReplicas(), Math.max(1, (maxGpus - others) / gpus));
            pools.add(new StackConfig.Pool(
                    p.name(),
                    p.mode(),
                    p.gpusPerReplica(),
                    p.minReplicas(),
                    max,
                    Math.min(max, p.initialReplicas()),
                    p.priority(),
                    p.maxIsl(),
                    p.engine(),
                    p.planner()));
        }
        return new StackConfig(
                stack.model(),
                stack.namespace(),
                new StackConfig.Budget(maxGpus, stack.budget().minTotalGpus()),
                stack.slo(),
                stack.workerStartupSeconds(),
                stack.drainGraceSeconds(),
                pools,
                stack.ports());
    }

    /** Runs every policy on {@code c} (the oracle first, as {@link Evaluation} does). */
    public static CaseResult run(Case c, long seed, int threads) {
        Evaluation.Options d = Evaluation.Options.defaults(c.stack(), seed);
        Evaluation.Options o = new Evaluation.Options(
                d.stack(),
                d.settings(),
                d.policies(),
                d.oracleWindowSeconds(),
                d.attainmentTarget(),
                d.oracleIterations(),
                threads);
        Evaluation.Result r = Evaluation.run(c.trace(), o, Evaluation.Progress.NONE);
        double ttft = c.stack().slo().ttftMs();
        double itl = c.stack().slo().itlMs();
        List<PolicyFigures> figures = new ArrayList<>();
        for (int i = 0; i < r.runs().size(); i++) {
            PolicyRun run = r.runs().get(i);
            PolicySummary s = r.summaries().get(i);
            figures.add(new PolicyFigures(
                    s.policy(),
                    s.sloAttainment(),
                    s.gpuHours(),
                    s.avgGpus(),
                    s.peakGpus(),
                    s.failed(),
                    RequestClasses.of(c.trace(), run.requests(), ttft, itl)));
        }
        PolicyFigures fp = find(figures, "fleetplan");
        PolicyFigures oracle = find(figures, "oracle");
        boolean meets = meetsTarget(fp.attainment(), fp.gpuHours(), oracle.attainment(), oracle.gpuHours());
        return new CaseResult(c, List.copyOf(figures), Feasibility.ttftCeiling(c.trace(), c.stack()), meets);
    }

    private static PolicyFigures find(List<PolicyFigures> figures, String name) {
        return figures.stream().filter(p -> p.policy().equals(name)).findFirst().orElseThrow();
    }

    /** The case as a JSON object (names and units in docs/sim.md). */
    public static Map<String, Object> json(CaseResult r) {
        Case c = r.c();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("case", c.name());
        m.put("shape", c.shape());
        m.put("trace", SummaryJson.fileName(c.trace().source()));
        m.put("rate_scale", c.rateScale());
        m.put("max_gpus", c.maxGpus());
        m.put("requests", c.trace().requests().size());
        m.put("rate_rps", round(c.trace().meanRate()));
        m.put("duration_seconds", round(c.trace().durationSeconds()));
        m.put("ttft_ms", c.stack().slo().ttftMs());
        m.put("itl_ms", c.stack().slo().itlMs());
        m.put("attainment_ceiling", round(r.attainmentCeiling()));
        PolicyFigures fp = r.policy("fleetplan");
        PolicyFigures oracle = r.policy("oracle");
        m.put("meets_target", r.meetsTarget());
        m.put("fleetplan_attainment_vs_oracle", round(fp.attainment() - oracle.attainment()));
        m.put("fleetplan_gpu_hours_vs_oracle", round(fp.gpuHours() / oracle.gpuHours()));
        // the reactive oracle (the oracle's replicas, each window's applied when it begins, with the real start-up
        // delay): where it misses the oracle's attainment by more than a point, so does any causal planner
        PolicyFigures reactive = r.policy("oracle-reactive");
        m.put("reactive_oracle_reaches_oracle", reactive.attainment() >= oracle.attainment() - 0.01);
        m.put("fleetplan_attainment_vs_reactive_oracle", round(fp.attainment() - reactive.attainment()));
        Map<String, Object> policies = new LinkedHashMap<>();
        for (PolicyFigures p : r.policies()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("attainment", round(p.attainment()));
            e.put("gpu_hours", round(p.gpuHours()));
            e.put("avg_gpus", round(p.avgGpus()));
            e.put("peak_gpus", p.peakGpus());
            e.put("failed", p.failed());
            e.put("classes", classesJson(p.classes()));
            policies.put(p.policy(), e);
        }
        m.put("policies", policies);
        return m;
    }

    /** Per request class: requests, attainment and the misses by kind. */
    static Map<String, Object> classesJson(List<RequestClasses.Figures> figures) {
        Map<String, Object> classes = new LinkedHashMap<>();
        for (RequestClasses.Figures f : figures) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("requests", f.requests());
            k.put("attainment", round(f.attainment()));
            k.put("ttft_misses", f.ttftMisses());
            k.put("itl_misses", f.itlMisses());
            k.put("failed", f.failed());
            classes.put(f.name(), k);
        }
        return classes;
    }

    /** Table header for {@link #row}: attainment % @ GPU-hours per policy. */
    public static String header() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-24s %4s", "case", "GPUs"));
        for (String p : Evaluation.POLICIES) {
            b.append(String.format(Locale.ROOT, " %15s", p));
        }
        return b.append("  meets").toString();
    }

    /** One table line: per policy {@code attainment%@GPU-h}, then fleetplan's verdict. */
    public static String row(CaseResult r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-24s %4d", r.c().name(), r.c().maxGpus()));
        for (PolicyFigures p : r.policies()) {
            b.append(String.format(
                    Locale.ROOT, " %15s", String.format(Locale.ROOT, "%.2f@%.3f", p.attainment() * 100, p.gpuHours())));
        }
        return b.append(r.meetsTarget() ? "  yes" : "  NO").toString();
    }

    static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
