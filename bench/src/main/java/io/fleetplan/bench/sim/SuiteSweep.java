package io.fleetplan.bench.sim;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.cli.StackDefaults;
import io.fleetplan.sim.policy.Oracle;
import io.fleetplan.sim.policy.PlannerPolicy;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.Replay;
import io.fleetplan.sim.report.Evaluation;
import io.fleetplan.sim.report.PolicySummary;
import io.fleetplan.sim.report.ReplaySuite;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.TimeWindow;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Developer tool (not a test): fleetplan's default and variants of it on every case of the replay suite (and, with
 * {@code -Dextra=true}, on the extra shapes of docs/sim.md that the suite does not hold), each against the case's
 * oracle (planned once per case). Prints each case's figures per variant and, per variant, how many cases meet the
 * suite's target. Variants as {@code Sweep} takes them ({@link PlannerPolicy#variant(String)}).
 * <pre>
 * java -cp cli/target/fleetplan.jar io.fleetplan.bench.sim.SuiteSweep [-Dseed=N] [-Dshapes=a,b] [-Dextra=true|only]
 *   [-Dcases=NAME_PART,...] [name:key=value;key=value ...]
 * </pre>
 */
public final class SuiteSweep {

    /** Shapes the suite does not hold: checks that a change generalises (docs/sim.md, "Extra traces"). */
    static final Map<String, String[]> EXTRA = Map.of(
            "xdiurnal",
            new String[] {
                "diurnal:rate=6,amplitude=0.8,period=900,duration=1200,isl=2000,osl=300", StackDefaults.RESOURCE
            },
            "xphased",
            new String[] {
                "phased:rate=3,period=150,isl=6000,osl=300,isl2=800,osl2=3000,duration=900",
                "/stacks/bench-mooncake.yaml"
            },
            "xlong",
            new String[] {"poisson:rate=3,isl=9000,osl=150,duration=900", "/stacks/bench-mooncake.yaml"},
            "xramp",
            new String[] {"step:rate=12,rate2=4,at=500,duration=1000,isl=1500,osl=400", StackDefaults.RESOURCE});

    private SuiteSweep() {}

    public static void main(String[] a) throws Exception {
        long seed = Long.getLong("seed", 1L);
        String extra = System.getProperty("extra", "false");
        List<ReplaySuite.Case> cases = new ArrayList<>();
        if (!extra.equals("only")) {
            List<String> shapes = SuiteCases.parseShapes(System.getProperty("shapes"));
            BenchReplayCommand traces = new BenchReplayCommand();
            Map<String, Trace> recorded = new LinkedHashMap<>();
            if (shapes.contains("azure")) {
                recorded.put(
                        "azure",
                        traces.azure(TraceOptions.DEFAULTS.withWindow(
                                new TimeWindow(0, BenchReplayCommand.SUITE_AZURE_SECONDS))));
            }
            if (shapes.contains("mooncake")) {
                recorded.put(
                        "mooncake",
                        traces.mooncake(TraceOptions.DEFAULTS.withWindow(
                                new TimeWindow(0, BenchReplayCommand.SUITE_MOONCAKE_SECONDS))));
            }
            cases.addAll(SuiteCases.cases(recorded, shapes, seed, 0));
        }
        if (!extra.equals("false")) {
            for (Map.Entry<String, String[]> e : new java.util.TreeMap<>(EXTRA).entrySet()) {
                Trace t = SyntheticTraces.generate(e.getValue()[0], seed);
                StackConfig stack = StackDefaults.load(e.getValue()[1]);
                for (int gpus : List.of(SuiteCases.BINDING_GPUS, SuiteCases.LOOSE_GPUS)) {
                    cases.add(new ReplaySuite.Case(
                            e.getKey() + " " + gpus + "g", e.getKey(), 1, t, ReplaySuite.withBudget(stack, gpus)));
                }
            }
        }
        String only = System.getProperty("cases");
        if (only != null) { // e.g. -Dcases='x1.0 24g' to trace one case's planner log alone
            cases.removeIf(c -> java.util.Arrays.stream(only.split(",")).noneMatch(c.name()::contains));
        }
        PlannerPolicy base = PlannerPolicy.fleetplanDefault();
        List<PlannerPolicy> variants = new ArrayList<>();
        variants.add(base.variant("default", Map.of(), Map.of(), base.ttftMargin(), base.itlMargin()));
        for (String v : a) {
            variants.add(base.variant(v));
        }
        int[] meets = new int[variants.size()];
        ExecutorService pool = Executors.newFixedThreadPool(Integer.getInteger("threads", 2));
        try {
            for (ReplaySuite.Case c : cases) {
                StackConfig stack = c.stack();
                Evaluation.Options o = Evaluation.Options.defaults(stack, seed);
                Oracle.Schedule oracle = Oracle.plan(
                        c.trace(),
                        stack,
                        o.settings(),
                        o.oracleWindowSeconds(),
                        o.attainmentTarget(),
                        o.oracleIterations());
                PolicySummary os = PolicySummary.of(
                        oracle.lastRun(), stack.slo().ttftMs(), stack.slo().itlMs());
                List<Future<PolicyRun>> runs = new ArrayList<>();
                for (PlannerPolicy v : variants) {
                    runs.add(pool.submit(
                            () -> Replay.run(c.trace(), stack, v, o.settings(), oracle.replicas()[0], null)));
                }
                StringBuilder line = new StringBuilder(String.format(
                        Locale.ROOT, "%-18s oracle %6.2f @ %.3f |", c.name(), os.sloAttainment() * 100, os.gpuHours()));
                for (int i = 0; i < variants.size(); i++) {
                    PolicySummary s = PolicySummary.of(
                            runs.get(i).get(), stack.slo().ttftMs(), stack.slo().itlMs());
                    boolean ok =
                            ReplaySuite.meetsTarget(s.sloAttainment(), s.gpuHours(), os.sloAttainment(), os.gpuHours());
                    meets[i] += ok ? 1 : 0;
                    line.append(String.format(
                            Locale.ROOT,
                            " %s %6.2f @ %.3f %+.2f %.2fx%s |",
                            variants.get(i).name(),
                            s.sloAttainment() * 100,
                            s.gpuHours(),
                            (s.sloAttainment() - os.sloAttainment()) * 100,
                            s.gpuHours() / os.gpuHours(),
                            ok ? " MEET" : ""));
                }
                System.out.println(line);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < variants.size(); i++) {
            System.out.printf(
                    Locale.ROOT,
                    "%s: meets %d of %d (seed %d)%n",
                    variants.get(i).name(),
                    meets[i],
                    cases.size(),
                    seed);
        }
    }
}
