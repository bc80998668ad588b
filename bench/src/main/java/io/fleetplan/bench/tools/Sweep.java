package io.fleetplan.bench.tools;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.cli.StackDefaults;
import io.fleetplan.sim.policy.Oracle;
import io.fleetplan.sim.policy.PlannerPolicy;
import io.fleetplan.sim.policy.StaticPolicy;
import io.fleetplan.sim.replay.Feasibility;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.Replay;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.report.Evaluation;
import io.fleetplan.sim.report.PolicySummary;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceOptions;
import io.fleetplan.sim.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Developer tool (not a test): fleetplan's default and variants of it on one trace at several rate scales, each
 * beside the oracle (computed once per scale; it also gives every run its starting deployment) and static-peak.
 * Prints per scale and policy the attainment (also among the feasible requests, see {@link Feasibility}),
 * GPU-hours, the ratio to the oracle's GPU-hours and the scale events.
 * <pre>
 * java -cp cli/target/fleetplan.jar io.fleetplan.bench.tools.Sweep TRACE STACK|- SCALE[,SCALE...] [VARIANT ...]
 *   VARIANT = name:key=value;key=value  keys: a.FIELD (every pool), p.FIELD (prefill/agg pools), ttft_margin,
 *   itl_margin; FIELD a PlannerConfig field (snake_case); "default" = fleetplan's default unchanged
 * </pre>
 */
public final class Sweep {

    static final String USAGE = "usage: java -cp cli/target/fleetplan.jar io.fleetplan.bench.tools.Sweep"
            + " TRACE|SYNTHETIC_SPEC STACK_YAML|/stacks/NAME.yaml|- SCALE[,SCALE...] [name:key=value;key=value ...]"
            + " (-Dseed=N for a synthetic spec such as diurnal:rate=10,duration=1200; default 1)";

    public static void main(String[] a) throws Exception {
        if (a.length < 3) {
            System.err.println(USAGE);
            System.exit(2);
        }
        String traceArg = a[0];
        StackConfig stack = a[1].equals("-")
                ? StackDefaults.replayStack()
                : a[1].startsWith("/stacks/")
                        ? StackDefaults.load(a[1])
                        : ConfigLoader.parse(Files.readString(Path.of(a[1])), a[1], StackConfig.class);
        List<PlannerPolicy> variants = new ArrayList<>();
        PlannerPolicy base = PlannerPolicy.fleetplanDefault();
        variants.add(base.variant("default", Map.of(), Map.of(), base.ttftMargin(), base.itlMargin()));
        for (int i = 3; i < a.length; i++) {
            variants.add(base.variant(a[i]));
        }
        Evaluation.Options o = Evaluation.Options.defaults(stack, 1);
        int threads = Integer.getInteger("threads", 2);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            run(a, traceArg, stack, variants, o, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A trace file, or a synthetic spec (as `fleetplan replay --trace` takes) generated with {@code seed}. */
    static Trace trace(String traceArg, double rateScale, long seed) {
        TraceOptions options = TraceOptions.DEFAULTS.withRateScale(rateScale);
        Path file = Path.of(traceArg);
        return !Files.exists(file) && SyntheticTraces.isSpec(traceArg)
                ? options.apply(SyntheticTraces.generate(traceArg, seed))
                : TraceReader.read(file, null, options);
    }

    private static void run(
            String[] a,
            String traceArg,
            StackConfig stack,
            List<PlannerPolicy> variants,
            Evaluation.Options o,
            ExecutorService pool)
            throws Exception {
        for (String sc : a[2].split(",")) {
            double scale = Double.parseDouble(sc);
            Trace trace = trace(traceArg, scale, Long.getLong("seed", 1L));
            Oracle.Schedule oracle = Oracle.plan(
                    trace, stack, o.settings(), o.oracleWindowSeconds(), o.attainmentTarget(), o.oracleIterations());
            boolean[] feasible = Feasibility.feasible(trace, stack);
            PolicySummary os = PolicySummary.of(
                    oracle.lastRun(), stack.slo().ttftMs(), stack.slo().itlMs());
            List<ScalingPolicy> policies = new ArrayList<>(variants);
            policies.add(new StaticPolicy("static-peak", "static-peak", oracle.peak()));
            List<Future<PolicyRun>> runs = new ArrayList<>();
            for (ScalingPolicy v : policies) {
                runs.add(pool.submit(() -> Replay.run(trace, stack, v, o.settings(), oracle.replicas()[0], null)));
            }
            System.out.printf(
                    Locale.ROOT,
                    "x%s (%.2f req/s, ceiling %.2f%%)%n",
                    sc,
                    trace.meanRate(),
                    Feasibility.ttftCeiling(trace, stack) * 100);
            line(sc, "oracle", oracle.lastRun(), os, os, feasible, stack);
            for (int i = 0; i < policies.size(); i++) {
                PolicyRun run = runs.get(i).get();
                line(
                        sc,
                        policies.get(i).name(),
                        run,
                        PolicySummary.of(run, stack.slo().ttftMs(), stack.slo().itlMs()),
                        os,
                        feasible,
                        stack);
            }
        }
    }

    private static void line(
            String scale,
            String name,
            PolicyRun run,
            PolicySummary s,
            PolicySummary oracle,
            boolean[] feasible,
            StackConfig stack) {
        double f = Feasibility.attainmentOfFeasible(
                run.requests(), feasible, stack.slo().ttftMs(), stack.slo().itlMs());
        System.out.printf(
                Locale.ROOT,
                "x%s %-24s %7.3f%% (feasible %7.3f%%) %7.4f GPU-h %.4fx scale %d%n",
                scale,
                name,
                s.sloAttainment() * 100,
                f * 100,
                s.gpuHours(),
                s.gpuHours() / oracle.gpuHours(),
                s.scaleEvents());
    }
}
