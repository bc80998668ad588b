package io.fleetplan.bench.tools;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.cli.StackDefaults;
import io.fleetplan.sim.policy.PlannerPolicy;
import io.fleetplan.sim.policy.StaticPolicy;
import io.fleetplan.sim.replay.Feasibility;
import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.Replay;
import io.fleetplan.sim.replay.RequestLog;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.replay.SimPool;
import io.fleetplan.sim.replay.TimeSeries;
import io.fleetplan.sim.report.Evaluation;
import io.fleetplan.sim.report.PolicySummary;
import io.fleetplan.sim.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Developer tool (not a test): where a policy's SLO misses come from. Runs the policy beside static-peak and the
 * oracle and prints, per window of arrivals, the misses by kind (TTFT, ITL, failed), the misses static-peak does
 * not have, and the policy's ready/target replicas per pool.
 * {@code java -cp cli/target/fleetplan.jar io.fleetplan.bench.tools.MissAnalysis TRACE SCALE [STACK] [POLICY] [WINDOW_S]}
 */
public final class MissAnalysis {

    private static PlannerPolicy dynamoAt(String spec) {
        String[] parts = spec.split("@");
        double m = Double.parseDouble(parts[1]);
        PlannerPolicy base =
                parts[0].equals("dynamo-load") ? PlannerPolicy.dynamoLoad() : PlannerPolicy.dynamoThroughput();
        return base.variant(spec, Map.of(), Map.of(), m, m);
    }

    static final String USAGE = "usage: java -cp cli/target/fleetplan.jar io.fleetplan.bench.tools.MissAnalysis"
            + " TRACE SCALE [STACK_YAML|-] [POLICY|NAME@MARGIN|static:N,M|sched:...|name:key=value;...] [WINDOW_S]";

    public static void main(String[] a) throws Exception {
        if (a.length < 2) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Trace trace = Sweep.trace(a[0], Double.parseDouble(a[1]), Long.getLong("seed", 1L));
        StackConfig stack = a.length > 2 && !a[2].equals("-")
                ? ConfigLoader.parse(Files.readString(Path.of(a[2])), a[2], StackConfig.class)
                : StackDefaults.replayStack();
        String policy = a.length > 3 ? a[3] : "fleetplan";
        double window = a.length > 4 ? Double.parseDouble(a[4]) : 30;
        Evaluation.Options o = Evaluation.Options.defaults(stack, 1);
        // NAME@M: a Dynamo baseline with its planning targets at M x the SLO (as bench replay's
        // equal-attainment search)
        boolean margin = policy.startsWith("dynamo-") && policy.contains("@");
        // name:key=value;... = a variant of fleetplan's default, as Sweep takes it
        boolean variant = policy.contains(":") && !policy.startsWith("static:") && !policy.startsWith("sched:");
        boolean custom = policy.startsWith("static:") || policy.startsWith("sched:") || margin || variant;
        o = new Evaluation.Options(
                o.stack(),
                o.settings(),
                custom ? List.of("static-peak", "oracle") : List.of(policy, "static-peak", "oracle"),
                o.oracleWindowSeconds(),
                o.attainmentTarget(),
                o.oracleIterations(),
                2);
        Evaluation.Result r = Evaluation.run(trace, o, Evaluation.Progress.NONE);
        PolicyRun p = margin || variant
                ? Replay.run(
                        trace,
                        stack,
                        variant ? PlannerPolicy.fleetplanDefault().variant(policy) : dynamoAt(policy),
                        o.settings(),
                        r.oracle().replicas()[0],
                        null)
                : policy.startsWith("sched:")
                        ? Replay.run(trace, stack, sched(policy), o.settings(), null)
                        : custom
                                ? Replay.run(
                                        trace,
                                        stack,
                                        new StaticPolicy(
                                                policy,
                                                policy,
                                                Arrays.stream(policy.substring(7)
                                                                .split(","))
                                                        .mapToInt(Integer::parseInt)
                                                        .toArray()),
                                        o.settings(),
                                        null)
                                : r.runs().stream()
                                        .filter(x -> x.policy().equals(policy))
                                        .findFirst()
                                        .orElseThrow();
        for (PolicyRun x : r.runs()) {
            line(PolicySummary.of(x, stack.slo().ttftMs(), stack.slo().itlMs()));
        }
        if (custom) {
            line(PolicySummary.of(p, stack.slo().ttftMs(), stack.slo().itlMs()));
        }
        PolicyRun s = r.runs().stream()
                .filter(x -> x.policy().equals("static-peak"))
                .findFirst()
                .orElseThrow();
        boolean[] feasible = Feasibility.feasible(trace, stack);
        double ttft = stack.slo().ttftMs();
        double itl = stack.slo().itlMs();
        int n = trace.requests().size();
        int bins = (int) Math.ceil(trace.durationSeconds() / window) + 1;
        int[] arr = new int[bins];
        int[] mt = new int[bins];
        int[] mi = new int[bins];
        int[] mf = new int[bins];
        int[] only = new int[bins];
        int[] sm = new int[bins];
        int[] inf = new int[bins];
        long[] islOnly = new long[bins];
        int totOnly = 0;
        int totStaticOnly = 0;
        int infeasible = 0;
        for (int i = 0; i < n; i++) {
            int b = (int) (p.requests().arrivalNanos(i) / 1e9 / window);
            arr[b]++;
            int kp = kind(p.requests(), i, ttft, itl);
            int ks = kind(s.requests(), i, ttft, itl);
            if (!feasible[i]) {
                infeasible++;
                if (kp != 0) {
                    inf[b]++;
                }
            }
            if (kp == 1) mt[b]++;
            if (kp == 2) mi[b]++;
            if (kp == 3) mi[b]++;
            if (kp == 4) mf[b]++;
            if (ks != 0) sm[b]++;
            if (kp != 0 && ks == 0) {
                only[b]++;
                totOnly++;
                islOnly[b] += trace.requests().get(i).inputTokens();
            }
            if (kp == 0 && ks != 0) {
                totStaticOnly++;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s: misses only %s has: %d; only static-peak has: %d; infeasible requests: %d%n",
                policy,
                policy,
                totOnly,
                totStaticOnly,
                infeasible);
        System.out.println("  t_s   arr  ttftM  itlM  fail infeasM  staticM  onlyM meanIslOnly  ready/target per pool");
        TimeSeries ts = p.series();
        for (int b = 0; b < bins; b++) {
            if (arr[b] == 0) continue;
            StringBuilder rep = new StringBuilder();
            int idx = Math.min(ts.size() - 1, (int) Math.round(b * window / 10));
            int idx2 = Math.min(ts.size() - 1, (int) Math.round((b + 1) * window / 10));
            for (int k = 0; k < ts.pools().size(); k++) {
                rep.append(' ')
                        .append(ts.pools().get(k))
                        .append('=')
                        .append(ts.ready(idx, k))
                        .append('/')
                        .append(ts.target(idx, k))
                        .append("->")
                        .append(ts.ready(idx2, k))
                        .append('/')
                        .append(ts.target(idx2, k))
                        .append(" if=")
                        .append(ts.inFlight(idx, k));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%5.0f %5d %6d %5d %5d %6d %8d %6d %8.0f %s%n",
                    b * window,
                    arr[b],
                    mt[b],
                    mi[b],
                    mf[b],
                    inf[b],
                    sm[b],
                    only[b],
                    only[b] == 0 ? 0.0 : (double) islOnly[b] / only[b],
                    rep);
        }
    }

    /** sched:P0,D0;t=p,d;t=p,d... scripted targets (issued at t, ready after the start-up delay). */
    static ScalingPolicy sched(String spec) {
        String[] parts = spec.substring(6).split(";");
        int[] init =
                Arrays.stream(parts[0].split(",")).mapToInt(Integer::parseInt).toArray();
        return new ScalingPolicy() {
            @Override
            public String name() {
                return spec;
            }

            @Override
            public String description() {
                return spec;
            }

            @Override
            public int[] initialReplicas(List<SimPool> pools) {
                return init.clone();
            }

            @Override
            public void start(PolicyContext ctx) {
                for (int i = 1; i < parts.length; i++) {
                    String[] tv = parts[i].split("=");
                    int[] v = Arrays.stream(tv[1].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                    ctx.scheduler().schedule(Duration.ofSeconds(Long.parseLong(tv[0])), () -> {
                        for (int k = 0; k < v.length; k++)
                            ctx.scaleTo(ctx.pools().get(k), v[k]);
                    });
                }
            }
        };
    }

    static void line(PolicySummary s) {
        System.out.printf(
                Locale.ROOT,
                "%-14s %7.3f%% %7.4f GPU-h avg %.2f peak %d%n",
                s.policy(),
                s.sloAttainment() * 100,
                s.gpuHours(),
                s.avgGpus(),
                s.peakGpus());
    }

    /** 0 met, 1 TTFT miss, 2 ITL miss, 3 both, 4 failed. */
    static int kind(RequestLog log, int i, double ttft, double itl) {
        if (!log.completed(i)) return 4;
        boolean t = log.ttftMs(i) > ttft;
        boolean l = log.itlMs(i) > itl;
        return (t ? 1 : 0) + (l ? 2 : 0);
    }
}
