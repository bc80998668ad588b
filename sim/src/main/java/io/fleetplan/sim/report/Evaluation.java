package io.fleetplan.sim.report;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.policy.HpaPolicy;
import io.fleetplan.sim.policy.Oracle;
import io.fleetplan.sim.policy.OraclePolicy;
import io.fleetplan.sim.policy.PlannerPolicy;
import io.fleetplan.sim.policy.StaticPolicy;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.Replay;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.replay.TimeSeries;
import io.fleetplan.sim.trace.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Runs every policy on the same arrivals, as Caffeine's simulator puts the production policy beside its
 * baselines and an optimal one. The oracle runs first: its schedule sizes the two static baselines (its peak
 * and its mean) and its replay calibrates the HPA/KEDA targets (the load per replica at which the oracle met
 * the SLO), so the baselines are tuned in hindsight, not strawmen. The other policies are independent replays
 * and run in parallel; each is deterministic, so the result does not depend on the thread count.
 */
public final class Evaluation {

    /** Every policy, in report order. */
    public static final List<String> POLICIES = List.of(
            "static-peak",
            "static-mean",
            "hpa",
            "keda",
            "dynamo-throughput",
            "dynamo-load",
            "fleetplan",
            "oracle",
            "oracle-reactive");

    /**
     * @param oracleWindowSeconds length of an oracle schedule step
     * @param attainmentTarget the SLO attainment the oracle must reach (0.99)
     */
    public record Options(
            StackConfig stack,
            Replay.Settings settings,
            List<String> policies,
            double oracleWindowSeconds,
            double attainmentTarget,
            int oracleIterations,
            int threads) {

        public Options {
            for (String p : policies) {
                if (!POLICIES.contains(p)) {
                    throw new IllegalArgumentException(
                            "--policies: '" + p + "' is not a policy; allowed: " + String.join(", ", POLICIES));
                }
            }
            policies = POLICIES.stream().filter(policies::contains).toList();
        }

        public static Options defaults(StackConfig stack, long seed) {
            return new Options(
                    stack,
                    new Replay.Settings(seed, 10, 1800),
                    POLICIES,
                    60,
                    0.99,
                    12,
                    Math.max(1, Runtime.getRuntime().availableProcessors()));
        }
    }

    /** All runs, in report order, and the oracle's schedule. */
    public record Result(
            Trace trace,
            Options options,
            List<PolicyRun> runs,
            List<PolicySummary> summaries,
            Oracle.Schedule oracle) {}

    /** Reports progress as simulated nanoseconds done; {@code total} may grow (oracle iterations). */
    public interface Progress {
        void total(long nanos);

        void advance(long nanos);

        Progress NONE = new Progress() {
            @Override
            public void total(long nanos) {}

            @Override
            public void advance(long nanos) {}
        };
    }

    private Evaluation() {}

    public static Result run(Trace trace, Options o, Progress progress) {
        StackConfig stack = o.stack();
        long span = Math.max(1, Math.round(trace.durationSeconds() * 1e9));
        List<String> wanted = o.policies();
        boolean needOracle = true; // sizes static baselines, calibrates HPA/KEDA, gives every policy its start
        long others = wanted.stream().filter(p -> !p.equals("oracle")).count();
        progress.total(span * (others + (needOracle ? 2 : 0)));
        Oracle.Schedule schedule = null;
        if (needOracle) {
            schedule = Oracle.plan(
                    trace, stack, o.settings(), o.oracleWindowSeconds(), o.attainmentTarget(), o.oracleIterations());
            progress.total(span * (others + schedule.iterations()));
            progress.advance(span * schedule.iterations());
        }
        List<ScalingPolicy> policies = new ArrayList<>();
        for (String name : wanted) {
            if (!name.equals("oracle")) {
                policies.add(create(name, schedule, stack, trace.durationSeconds()));
            }
        }
        // every policy starts from the deployment the oracle has at time 0: the trace begins mid-day, on a warm
        // deployment sized for the traffic of the moment, not on a cold minimum that start-up delay then punishes
        int[] initial = schedule == null ? null : schedule.replicas()[0];
        List<PolicyRun> runs = runAll(trace, o, policies, initial, progress);
        List<PolicyRun> ordered = new ArrayList<>();
        for (String name : wanted) {
            if (name.equals("oracle")) {
                ordered.add(schedule.lastRun());
            } else {
                ordered.add(runs.stream()
                        .filter(r -> r.policy().equals(name))
                        .findFirst()
                        .orElseThrow());
            }
        }
        List<PolicySummary> summaries = ordered.stream()
                .map(r -> PolicySummary.of(r, stack.slo().ttftMs(), stack.slo().itlMs()))
                .toList();
        return new Result(trace, o, ordered, summaries, schedule);
    }

    /** Replays each policy from {@code initial}, in parallel ({@code o.threads()}); runs in the policies' order. */
    static List<PolicyRun> runAll(
            Trace trace, Options o, List<ScalingPolicy> policies, int[] initial, Progress progress) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(o.threads(), policies.size())));
        try {
            List<Future<PolicyRun>> futures = new ArrayList<>();
            for (ScalingPolicy p : policies) {
                futures.add(
                        pool.submit(() -> Replay.run(trace, o.stack(), p, o.settings(), initial, tracker(progress))));
            }
            List<PolicyRun> out = new ArrayList<>();
            for (Future<PolicyRun> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static LongConsumer tracker(Progress progress) {
        long[] last = {0};
        return done -> {
            progress.advance(done - last[0]);
            last[0] = done;
        };
    }

    /** Builds a policy by name; static and HPA/KEDA ones need the oracle's schedule. */
    static ScalingPolicy create(String name, Oracle.Schedule schedule, StackConfig stack, double traceSeconds) {
        return switch (name) {
            case "static-peak" ->
                new StaticPolicy(
                        name,
                        "static, sized for the peak (max of the oracle's replicas per pool: "
                                + Arrays.toString(schedule.peak()) + ")",
                        schedule.peak());
            case "static-mean" ->
                new StaticPolicy(
                        name,
                        "static, sized for the mean (time-mean of the oracle's replicas," + " rounded up: "
                                + Arrays.toString(schedule.mean()) + ")",
                        schedule.mean());
            case "hpa" ->
                HpaPolicy.hpa(
                        HpaPolicy.Metric.IN_FLIGHT, calibrate(schedule.lastRun().series(), false, traceSeconds));
            case "keda" -> HpaPolicy.keda(calibrate(schedule.lastRun().series(), true, traceSeconds));
            case "dynamo-throughput" -> PlannerPolicy.dynamoThroughput();
            case "dynamo-load" -> PlannerPolicy.dynamoLoad();
            case "fleetplan" -> PlannerPolicy.fleetplanDefault();
            case "oracle" -> new OraclePolicy(schedule);
            case "oracle-reactive" -> OraclePolicy.reactive(schedule);
            default -> throw new IllegalArgumentException("unknown policy " + name.toLowerCase(Locale.ROOT));
        };
    }

    /**
     * Per pool, the mean load per ready replica in the oracle's replay (in-flight requests, or arrivals per second
     * for {@code rate}): the target an operator would set after watching a well-sized deployment.
     */
    static double[] calibrate(TimeSeries s, boolean rate, double untilSeconds) {
        int pools = s.pools().size();
        double[] out = new double[pools];
        for (int k = 0; k < pools; k++) {
            double sum = 0;
            int n = 0;
            for (int i = 1; i < s.size(); i++) {
                int ready = s.ready(i, k);
                if (ready <= 0 || s.time(i) > untilSeconds) {
                    continue;
                }
                double value = rate
                        ? (s.arrivals(i, k) - s.arrivals(i - 1, k)) / (s.time(i) - s.time(i - 1))
                        : s.inFlight(i, k);
                sum += value / ready;
                n++;
            }
            out[k] = n == 0 ? 1 : Math.max(0.1, sum / n);
        }
        return out;
    }
}
