package io.fleetplan.mocker.engine;

import java.util.Arrays;

/**
 * Iteration times interpolated from a measured profile, as Dynamo mocker's {@code --planner-profile-data} model:
 * <ul>
 *   <li>Prefill: piecewise-linear in the iteration's new tokens ({@code batch x mean new tokens}) over the
 *       profiled {@code (prefill_isl, prefill_ttft_ms)} points.</li>
 *   <li>Decode: bilinear over the grid {@code decode_itl[i][j]} measured at {@code decode_active_kv_tokens[i]}
 *       (the sum of the decoding sequences' context lengths) and {@code decode_context_length[j]} (their mean
 *       context length). Unlike the polynomial default, the step time grows with the batch.</li>
 * </ul>
 * Outside the profiled range both extrapolate linearly from the nearest segment, as Dynamo's interpolators do; a
 * negative extrapolation is floored at 0. Immutable and allocation-free per call.
 */
public final class ProfiledTimingModel implements TimingModel {

    private final double[] prefillTokens;
    private final double[] prefillMs;
    private final double[] decodeKvTokens;
    private final double[] decodeContext;
    private final double[][] decodeItlMs;

    /**
     * @param prefillTokens new tokens of each prefill point, strictly increasing, at least 1 point
     * @param prefillMs prefill time at each point, ms
     * @param decodeKvTokens active KV tokens (sum of context lengths) of each grid row, strictly increasing
     * @param decodeContext mean context length of each grid column, strictly increasing
     * @param decodeItlMs {@code [rows = decodeKvTokens.length][cols = decodeContext.length]} step times, ms
     * @throws IllegalArgumentException naming the array that does not fit
     */
    public ProfiledTimingModel(
            double[] prefillTokens,
            double[] prefillMs,
            double[] decodeKvTokens,
            double[] decodeContext,
            double[][] decodeItlMs) {
        requireAxis("prefill_isl", prefillTokens);
        requireLength("prefill_ttft_ms", prefillMs, prefillTokens.length, "prefill_isl");
        requireAxis("decode_active_kv_tokens", decodeKvTokens);
        requireAxis("decode_context_length", decodeContext);
        if (decodeItlMs.length != decodeKvTokens.length) {
            throw new IllegalArgumentException("decode_itl has " + decodeItlMs.length
                    + " rows; it needs one per decode_active_kv_tokens value (" + decodeKvTokens.length + ")");
        }
        double[][] grid = new double[decodeItlMs.length][];
        for (int i = 0; i < grid.length; i++) {
            requireLength("decode_itl[" + i + "]", decodeItlMs[i], decodeContext.length, "decode_context_length");
            grid[i] = decodeItlMs[i].clone();
        }
        this.prefillTokens = prefillTokens.clone();
        this.prefillMs = prefillMs.clone();
        this.decodeKvTokens = decodeKvTokens.clone();
        this.decodeContext = decodeContext.clone();
        this.decodeItlMs = grid;
    }

    @Override
    public double prefillMs(int numRequests, long newTokens, long kvReadTokens) {
        if (newTokens <= 0) {
            return 0;
        }
        return Math.max(0, interpolate(prefillTokens, prefillMs, newTokens));
    }

    @Override
    public double decodeMs(int numSequences, long activeKvTokens, long totalKvTokens, long sumContextTokens) {
        double meanContext = numSequences <= 0 ? 0 : (double) sumContextTokens / numSequences;
        int i = segment(decodeKvTokens, sumContextTokens);
        int j = segment(decodeContext, meanContext);
        double tx = fraction(decodeKvTokens, i, sumContextTokens);
        double ty = fraction(decodeContext, j, meanContext);
        int i1 = Math.min(i + 1, decodeKvTokens.length - 1);
        int j1 = Math.min(j + 1, decodeContext.length - 1);
        double low = lerp(decodeItlMs[i][j], decodeItlMs[i1][j], tx);
        double high = lerp(decodeItlMs[i][j1], decodeItlMs[i1][j1], tx);
        return Math.max(0, lerp(low, high, ty));
    }

    /** Prefill points and grid axes, for docs and tests. */
    @Override
    public String toString() {
        return "ProfiledTimingModel{prefill points=" + prefillTokens.length + " over "
                + Arrays.toString(range(prefillTokens)) + " tokens, decode grid " + decodeKvTokens.length + "x"
                + decodeContext.length + "}";
    }

    private static double interpolate(double[] xs, double[] ys, double x) {
        if (xs.length == 1) {
            return ys[0];
        }
        int i = segment(xs, x);
        return lerp(ys[i], ys[i + 1], fraction(xs, i, x));
    }

    /** Index of the segment [xs[i], xs[i+1]] used for x; the end segments also serve extrapolation. */
    private static int segment(double[] xs, double x) {
        if (xs.length == 1) {
            return 0;
        }
        int pos = Arrays.binarySearch(xs, x);
        int i = pos >= 0 ? pos : -pos - 2;
        return Math.max(0, Math.min(xs.length - 2, i));
    }

    /** Position of x in segment i, unbounded (below 0 or above 1 extrapolates); 0 on a one-point axis. */
    private static double fraction(double[] xs, int i, double x) {
        if (xs.length == 1) {
            return 0;
        }
        return (x - xs[i]) / (xs[i + 1] - xs[i]);
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }

    private static double[] range(double[] xs) {
        return new double[] {xs[0], xs[xs.length - 1]};
    }

    private static void requireAxis(String name, double[] xs) {
        if (xs == null || xs.length == 0) {
            throw new IllegalArgumentException(name + " is missing or empty; it needs at least one value");
        }
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(xs[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + xs[i] + "; values must be finite");
            }
            if (i > 0 && xs[i] <= xs[i - 1]) {
                throw new IllegalArgumentException(name + " must be strictly increasing; " + name + "[" + i + "] = "
                        + xs[i] + " follows " + xs[i - 1]);
            }
        }
    }

    private static void requireLength(String name, double[] ys, int expected, String axis) {
        if (ys == null || ys.length != expected) {
            throw new IllegalArgumentException(name + " has " + (ys == null ? 0 : ys.length)
                    + " values; it needs one per " + axis + " value (" + expected + ")");
        }
        for (int i = 0; i < ys.length; i++) {
            if (!Double.isFinite(ys[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] is " + ys[i] + "; values must be finite");
            }
        }
    }
}
