package io.fleetplan.sim.policy;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.mocker.engine.PolynomialTimingModel;
import io.fleetplan.sim.replay.Feasibility;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.Replay;
import io.fleetplan.sim.replay.RequestLog;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceRequest;
import java.util.List;

/**
 * The hindsight oracle: the fewest replicas per pool and time window that still meet the SLO, found knowing
 * the whole trace. How:
 *
 * <ol>
 *   <li>A lean first guess per window from the window's future demand and the engine's timing model: prefill
 *       tokens per second over one engine's full-batch prefill rate, and decode KV tokens over the KV an engine
 *       can hold while its decode step stays under the ITL target (see {@link #estimate}).</li>
 *   <li>Replay that schedule (workers ready the moment the window starts, no start-up delay). In every window
 *       whose requests reach less than the target attainment, add replicas (in proportion to the misses) to the
 *       pools behind the misses: prefill-side for TTFT misses, decode-side for ITL misses (agg pools both),
 *       within the budget. Repeat until the whole trace reaches the target attainment or the iteration limit.
 *       Requests whose prompt cannot be prefilled within the TTFT target even on an idle engine
 *       ({@link Feasibility}) are left out of the counts: buying replicas cannot help them.</li>
 *   <li>Fill short dips: where a pool drops for no longer than the worker start-up delay and comes back, keep
 *       the replicas. Each worker the oracle adds is charged its start-up time (it was started that long ahead),
 *       so such a dip costs at least what it saves, and can only lose requests.</li>
 * </ol>
 * Because it starts from below and only adds where requests missed, it stops at (close to) the cheapest
 * schedule that meets the SLO; without start-up delay, and paying for start-up only the GPU time every policy
 * pays, it is a lower bound for any policy that reaches the same attainment.
 */
public final class Oracle {

    /**
     * @param windowSeconds length of one schedule step
     * @param replicas {@code [window][pool]} replicas, pools in stack order
     * @param iterations replays it took
     * @param lastRun the replay of the final schedule
     */
    public record Schedule(double windowSeconds, int[][] replicas, int iterations, PolicyRun lastRun) {

        /** Per pool, the most replicas any window uses (static sized for the peak). */
        public int[] peak() {
            int[] p = new int[replicas[0].length];
            for (int[] w : replicas) {
                for (int k = 0; k < p.length; k++) {
                    p[k] = Math.max(p[k], w[k]);
                }
            }
            return p;
        }

        /** Per pool, the mean over windows, rounded up (static sized for the mean). */
        public int[] mean() {
            int[] m = new int[replicas[0].length];
            for (int k = 0; k < m.length; k++) {
                double sum = 0;
                for (int[] w : replicas) {
                    sum += w[k];
                }
                m[k] = (int) Math.ceil(sum / replicas.length - 1e-9);
            }
            return m;
        }
    }

    private Oracle() {}

    /**
     * Finds the schedule.
     *
     * @param attainmentTarget share of requests that must meet the SLO, e.g. 0.99
     */
    public static Schedule plan(
            Trace trace,
            StackConfig stack,
            Replay.Settings settings,
            double windowSeconds,
            double attainmentTarget,
            int maxIterations) {
        int windows = Math.max(1, (int) Math.ceil((trace.durationSeconds() + 1e-9) / windowSeconds));
        List<StackConfig.Pool> pools = stack.pools();
        int[][] replicas = estimate(trace, stack, windowSeconds, windows);
        // prompts too long to prefill within the TTFT target even alone: no replica count helps them
        boolean[] feasible = Feasibility.feasible(trace, stack);
        PolicyRun run = null;
        int it = 0;
        while (it < maxIterations) {
            it++;
            run = Replay.run(
                    trace, stack, new OraclePolicy(new Schedule(windowSeconds, replicas, it, null)), settings, null);
            RequestLog log = run.requests();
            int[] n = new int[windows];
            int[] ttftMiss = new int[windows];
            int[] itlMiss = new int[windows];
            int misses = 0;
            int counted = 0;
            for (int i = 0; i < log.size(); i++) {
                if (!feasible[i]) {
                    continue;
                }
                counted++;
                int w = Math.min(windows - 1, (int) (log.arrivalNanos(i) / 1e9 / windowSeconds));
                n[w]++;
                boolean ttftOk =
                        log.completed(i) && log.ttftMs(i) <= stack.slo().ttftMs();
                boolean itlOk = log.completed(i) && log.itlMs(i) <= stack.slo().itlMs();
                ttftMiss[w] += ttftOk ? 0 : 1;
                itlMiss[w] += itlOk || !ttftOk ? 0 : 1;
                misses += ttftOk && itlOk ? 0 : 1;
            }
            if (counted == 0 || 1.0 - (double) misses / counted >= attainmentTarget) {
                break;
            }
            boolean changed = false;
            for (int w = 0; w < windows; w++) {
                if (n[w] == 0 || 1.0 - (double) (ttftMiss[w] + itlMiss[w]) / n[w] >= attainmentTarget) {
                    continue;
                }
                for (int k = 0; k < pools.size(); k++) {
                    String mode = pools.get(k).mode();
                    int miss = (mode.equals("decode") ? 0 : ttftMiss[w]) + (mode.equals("prefill") ? 0 : itlMiss[w]);
                    if (miss == 0) {
                        continue;
                    }
                    int add = Math.max(1, (int) Math.ceil(replicas[w][k] * (double) miss / n[w]));
                    changed |= grow(stack, replicas[w], k, add);
                }
            }
            if (!changed) {
                break; // the budget or max_replicas bind everywhere it misses: nothing more to buy
            }
        }
        if (fillShortDips(stack, replicas, windowSeconds) || run == null) {
            it++;
            run = Replay.run(
                    trace, stack, new OraclePolicy(new Schedule(windowSeconds, replicas, it, null)), settings, null);
        }
        return new Schedule(windowSeconds, replicas, it, run);
    }

    /**
     * Raises each pool, in each window, to the lower of the highest counts within one start-up delay before and
     * after it (within the budget). @return whether anything changed
     */
    static boolean fillShortDips(StackConfig stack, int[][] replicas, double windowSeconds) {
        int reach = (int) Math.floor(stack.workerStartupSeconds() / windowSeconds + 1e-9);
        if (reach < 1) {
            return false;
        }
        int[][] before = new int[replicas.length][];
        for (int w = 0; w < replicas.length; w++) {
            before[w] = replicas[w].clone();
        }
        int budget = stack.budget().maxTotalGpus();
        boolean changed = false;
        for (int w = 1; w < replicas.length - 1; w++) {
            for (int k = 0; k < replicas[w].length; k++) {
                int left = 0;
                int right = 0;
                for (int d = 1; d <= reach; d++) {
                    left = Math.max(left, before[Math.max(0, w - d)][k]);
                    right = Math.max(right, before[Math.min(replicas.length - 1, w + d)][k]);
                }
                int gpus = stack.pools().get(k).gpusPerReplica();
                while (replicas[w][k] < Math.min(left, right)
                        && (budget < 0 || gpus(stack, replicas[w]) + gpus <= budget)) {
                    replicas[w][k]++;
                    changed = true;
                }
            }
        }
        return changed;
    }

    private static boolean grow(StackConfig stack, int[] window, int k, int add) {
        StackConfig.Pool p = stack.pools().get(k);
        int budget = stack.budget().maxTotalGpus();
        int before = window[k];
        for (int a = 0; a < add && window[k] < p.maxReplicas(); a++) {
            if (budget >= 0 && gpus(stack, window) + p.gpusPerReplica() > budget) {
                break;
            }
            window[k]++;
        }
        return window[k] != before;
    }

    private static int gpus(StackConfig stack, int[] window) {
        int g = 0;
        for (int k = 0; k < window.length; k++) {
            g += window[k] * stack.pools().get(k).gpusPerReplica();
        }
        return g;
    }

    /** The lean first guess from each window's demand and the engine timing model (see the class comment). */
    static int[][] estimate(Trace trace, StackConfig stack, double windowSeconds, int windows) {
        double[] prefillTokens = new double[windows];
        double[] kvTokenSeconds = new double[windows];
        double itlTarget = stack.slo().itlMs();
        for (TraceRequest r : trace.requests()) {
            int w = Math.min(windows - 1, (int) (r.arrivalSeconds() / windowSeconds));
            prefillTokens[w] += r.inputTokens();
            // a request holds ~isl + osl/2 KV tokens for osl decode steps of (at most) the ITL target
            kvTokenSeconds[w] += (r.inputTokens() + r.outputTokens() / 2.0) * r.outputTokens() * itlTarget / 1000 * 0.5;
        }
        List<StackConfig.Pool> pools = stack.pools();
        int[][] out = new int[windows][pools.size()];
        for (int k = 0; k < pools.size(); k++) {
            StackConfig.Pool p = pools.get(k);
            StackConfig.Engine e = p.engine();
            double batch = e.maxNumBatchedTokens();
            double prefillRate = batch / (PolynomialTimingModel.prefillFormula(batch) / e.speedupRatio() / 1000);
            double pMax = 0;
            while (pMax < 1 && PolynomialTimingModel.decodeFormula(pMax + 0.01) / e.speedupRatio() < 0.8 * itlTarget) {
                pMax += 0.01;
            }
            double kvCapacity = Math.max(0.01, pMax) * e.numGpuBlocks() * (double) e.blockSize();
            long sameKind =
                    pools.stream().filter(q -> q.mode().equals(p.mode())).count();
            for (int w = 0; w < windows; w++) {
                double prefill = prefillTokens[w] / windowSeconds / prefillRate;
                double decode = kvTokenSeconds[w] / windowSeconds / kvCapacity;
                double need = switch (p.mode()) {
                            case "prefill" -> prefill;
                            case "decode" -> decode;
                            default -> prefill + decode;
                        }
                        / sameKind;
                out[w][k] = Math.max(p.minReplicas(), Math.min(p.maxReplicas(), (int) Math.ceil(need)));
            }
        }
        int budget = stack.budget().maxTotalGpus();
        for (int[] w : out) {
            while (budget >= 0 && gpus(stack, w) > budget && shrinkLargest(stack, w)) {
                // trimmed to the budget
            }
        }
        return out;
    }

    private static boolean shrinkLargest(StackConfig stack, int[] w) {
        int best = -1;
        for (int k = 0; k < w.length; k++) {
            if (w[k] > stack.pools().get(k).minReplicas() && (best < 0 || w[k] > w[best])) {
                best = k;
            }
        }
        if (best < 0) {
            return false;
        }
        w[best]--;
        return true;
    }
}
