package io.fleetplan.sim.report;

import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.RequestLog;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one policy's replay.
 *
 * @param sloAttainment share of all requests (failed ones count as misses) with TTFT <= ttft_ms and mean ITL
 *     <= itl_ms
 * @param goodputRps requests per second meeting the SLO, over the accounting horizon
 * @param goodputTokensPerSecond output tokens per second of requests meeting the SLO
 * @param goodputTokensPerGpuSecond the same per time-averaged GPU
 * @param gpuHours GPU-hours held (starting, ready and draining workers) until the last request resolved
 */
public record PolicySummary(
        String policy,
        String description,
        int requests,
        int completed,
        int failed,
        Map<String, Integer> failures,
        double sloAttainment,
        double goodputRps,
        double goodputTokensPerSecond,
        double goodputTokensPerGpuSecond,
        double gpuHours,
        double avgGpus,
        int peakGpus,
        long budgetViolations,
        double overBudgetSeconds,
        double ttftP50,
        double ttftP99,
        double ttftMean,
        double itlP50,
        double itlP99,
        double itlMean,
        long scaleEvents,
        double horizonSeconds,
        long events) {

    /** Computes the figures of {@code run} against the SLO. */
    public static PolicySummary of(PolicyRun run, double ttftMs, double itlMs) {
        RequestLog log = run.requests();
        int n = log.size();
        double[] ttft = new double[n];
        double[] itl = new double[n];
        int done = 0;
        int good = 0;
        long goodTokens = 0;
        for (int i = 0; i < n; i++) {
            if (!log.completed(i)) {
                continue;
            }
            ttft[done] = log.ttftMs(i);
            itl[done] = log.itlMs(i);
            done++;
            if (log.ttftMs(i) <= ttftMs && log.itlMs(i) <= itlMs) {
                good++;
                goodTokens += log.outputTokens(i);
            }
        }
        double[] t = Arrays.copyOf(ttft, done);
        double[] l = Arrays.copyOf(itl, done);
        Arrays.sort(t);
        Arrays.sort(l);
        double horizon = Math.max(1e-9, run.endSeconds());
        double avgGpus = run.gpuSeconds() / horizon;
        Map<String, Integer> failures = new TreeMap<>();
        log.failures().forEach((k, v) -> failures.put(k.name().toLowerCase(Locale.ROOT), v));
        return new PolicySummary(
                run.policy(),
                run.description(),
                n,
                done,
                log.failedCount(),
                failures,
                n == 0 ? 1.0 : (double) good / n,
                good / horizon,
                goodTokens / horizon,
                avgGpus > 0 ? goodTokens / horizon / avgGpus : 0,
                run.gpuSeconds() / 3600,
                avgGpus,
                run.peakGpus(),
                run.budgetViolations(),
                run.overBudgetSeconds(),
                pct(t, 50),
                pct(t, 99),
                mean(t),
                pct(l, 50),
                pct(l, 99),
                mean(l),
                run.scaleEvents(),
                run.endSeconds(),
                run.events());
    }

    /** Nearest-rank percentile of sorted values; NaN when empty. */
    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).sum() / v.length;
    }
}
