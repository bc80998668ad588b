package io.fleetplan.cli.load;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Collects outcomes (thread-safe) and summarizes them: TTFT / ITL / end-to-end percentiles and errors. The
 * latencies go into HdrHistograms in microseconds with 3 significant digits (quantiles within 0.1%), so a long
 * run's millions of inter-token gaps take constant memory and no sort.
 */
public final class LoadStats {

    private final int total;
    private long sent;
    private long ok;
    private long failed;
    private long outputTokens;
    private final Histogram ttftMicros = histogram();
    private final Histogram itlMicros = histogram();
    private final Histogram e2eMicros = histogram();
    private long maxLateNanos;
    private final Map<String, Long> errors = new TreeMap<>();

    public LoadStats(int total) {
        this.total = total;
    }

    public synchronized void sent() {
        sent++;
    }

    public synchronized void record(Outcome o) {
        maxLateNanos = Math.max(maxLateNanos, o.lateNanos());
        if (!o.ok()) {
            failed++;
            errors.merge(o.error(), 1L, Long::sum);
            return;
        }
        ok++;
        outputTokens += o.outputTokens();
        if (o.ttftNanos() >= 0) {
            record(ttftMicros, o.ttftNanos());
        }
        record(e2eMicros, o.e2eNanos());
        for (long gap : o.itlNanos()) {
            record(itlMicros, gap);
        }
    }

    private static Histogram histogram() {
        Histogram h = new Histogram(3);
        h.setAutoResize(true);
        return h;
    }

    private static void record(Histogram h, long nanos) {
        h.recordValue(Math.max(0, Math.round(nanos / 1e3)));
    }

    public synchronized long sentCount() {
        return sent;
    }

    public synchronized long okCount() {
        return ok;
    }

    public synchronized long failedCount() {
        return failed;
    }

    public synchronized Map<String, Long> errors() {
        return Map.copyOf(errors);
    }

    public int total() {
        return total;
    }

    /** The {@code q} quantile (0..1, nearest rank) in ms; NaN when empty. */
    static double quantileMs(Histogram h, double q) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(q * 100) / 1e3;
    }

    /** The figures of the run, with stable names and units (ms, req/s, tok/s). */
    public synchronized Map<String, Object> figures(double elapsedSeconds) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("requests", total);
        f.put("sent", sent);
        f.put("ok", ok);
        f.put("errors", failed);
        f.put("elapsed_s", round(elapsedSeconds));
        f.put("achieved_rps", round(elapsedSeconds > 0 ? ok / elapsedSeconds : 0));
        f.put("output_tokens_per_s", round(elapsedSeconds > 0 ? outputTokens / elapsedSeconds : 0));
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            String p = "p" + (int) Math.round(q * 100);
            f.put("ttft_" + p + "_ms", round(quantileMs(ttftMicros, q)));
            f.put("itl_" + p + "_ms", round(quantileMs(itlMicros, q)));
            f.put("e2e_" + p + "_ms", round(quantileMs(e2eMicros, q)));
        }
        f.put("max_send_lag_ms", round(maxLateNanos / 1e6));
        return f;
    }

    /** Two decimals; null for "no data" (JSON has no NaN). */
    private static Double round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 100) / 100.0;
    }

    private static double num(Object v) {
        return v == null ? Double.NaN : (Double) v;
    }

    /** A readable table of {@link #figures}. */
    public synchronized String table(double elapsedSeconds) {
        Map<String, Object> f = figures(elapsedSeconds);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "requests %d sent, %d ok, %d failed in %.1f s (%.2f req/s, %.0f output tok/s)%n",
                sent,
                ok,
                failed,
                elapsedSeconds,
                num(f.get("achieved_rps")),
                num(f.get("output_tokens_per_s"))));
        sb.append(String.format(Locale.ROOT, "%-12s %10s %10s %10s%n", "latency ms", "p50", "p90", "p99"));
        for (String k : new String[] {"ttft", "itl", "e2e"}) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-12s %10.2f %10.2f %10.2f%n",
                    k.toUpperCase(Locale.ROOT),
                    num(f.get(k + "_p50_ms")),
                    num(f.get(k + "_p90_ms")),
                    num(f.get(k + "_p99_ms"))));
        }
        errors.forEach((e, n) -> sb.append(String.format(Locale.ROOT, "error x%d: %s%n", n, e)));
        return sb.toString();
    }
}
