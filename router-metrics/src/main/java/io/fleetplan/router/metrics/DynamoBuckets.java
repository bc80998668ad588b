package io.fleetplan.router.metrics;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Histogram buckets exactly as Dynamo generates them ({@code generate_log_buckets(min, max, n)}): 0, then
 * n - 1 log-spaced values from min*(max/min)^(1/(n-1)) up to max, rounded to 2 significant figures. Planner
 * PromQL divides _sum by _count, so only the boundaries of dashboards depend on these, but they match anyway.
 */
public final class DynamoBuckets {

    /** TTFT seconds: 0.001..480, 18 buckets. */
    public static final double[] TTFT = log(0.001, 480, 18);
    /** Inter-token latency seconds: 0.001..2, 13 buckets. */
    public static final double[] ITL = log(0.001, 2, 13);
    /** Input sequence tokens: 50..128000, 12 buckets. */
    public static final double[] ISL = log(50, 128_000, 12);
    /** Output sequence tokens: 50..32000, 10 buckets. */
    public static final double[] OSL = log(50, 32_000, 10);
    /** Request duration seconds: 1..512, 10 buckets. */
    public static final double[] DURATION = log(1, 512, 10);
    /** Router KV transfer latency seconds: 0.001..10, 15 buckets. */
    public static final double[] KV_TRANSFER = log(0.001, 10, 15);
    /** router_kv_hit_rate: linear 0, 0.05, ..., 1.0 (21). */
    public static final double[] HIT_RATE = linear(0, 0.05, 21);

    private DynamoBuckets() {}

    public static double[] log(double min, double max, int n) {
        double[] out = new double[n];
        out[0] = 0;
        for (int i = 1; i < n; i++) {
            double v = min * Math.pow(max / min, i / (double) (n - 1));
            out[i] = new BigDecimal(v).round(new MathContext(2)).doubleValue();
        }
        return out;
    }

    public static double[] linear(double start, double step, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = new BigDecimal(start + i * step).round(new MathContext(4)).doubleValue();
        }
        return out;
    }
}
