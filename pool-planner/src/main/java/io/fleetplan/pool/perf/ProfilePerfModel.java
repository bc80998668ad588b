package io.fleetplan.pool.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Dynamo's first-generation capacity model from profiled data.
 * <ul>
 *   <li>Prefill: TTFT and tokens/s/GPU versus ISL by cubic interpolation (ISL clamped to the profiled range);
 *       engine rps = thpt_per_gpu(isl) * gpus / isl.</li>
 *   <li>Decode: ITL and tokens/s/GPU over (KV usage, context length) on a 100-point KV-usage axis; the best
 *       throughput is the highest KV usage whose ITL meets the target (scanned from the top, as the
 *       interpolated ITL need not be monotonic), else the lowest cell; engine rps = thpt * gpus / osl.</li>
 * </ul>
 * Dynamo interpolates the scattered decode points with a cubic griddata; here each profiled context length is a
 * row interpolated linearly in KV usage and rows are blended linearly in context length, which needs no
 * triangulation and matches a sweep that is a grid of contexts by concurrencies.
 */
public final class ProfilePerfModel implements CapacityModel {

    static final int RESOLUTION = 100;

    // both null when the profile has no prefill sweep
    private final @Nullable CubicSpline ttft;
    private final @Nullable CubicSpline prefillThpt;
    private final TreeMap<Double, Row> rows = new TreeMap<>();
    private final int prefillGpus;
    private final int decodeGpus;
    private final long maxKvTokens;

    private record Row(double[] kv, double[] itl, double[] thpt) {}

    public ProfilePerfModel(ProfileData data, int prefillEngineGpus, int decodeEngineGpus) {
        this.ttft = data.hasPrefill() ? new CubicSpline(data.prefillIsl(), data.prefillTtft()) : null;
        this.prefillThpt = data.hasPrefill() ? new CubicSpline(data.prefillIsl(), data.prefillThptPerGpu()) : null;
        this.prefillGpus = Math.max(1, prefillEngineGpus);
        this.decodeGpus = Math.max(1, decodeEngineGpus);
        this.maxKvTokens = data.maxKvTokens();
        TreeMap<Double, List<double[]>> byContext = new TreeMap<>();
        for (int i = 0; i < data.xKvUsage().length; i++) {
            byContext
                    .computeIfAbsent(data.yContextLength()[i], k -> new ArrayList<>())
                    .add(new double[] {data.xKvUsage()[i], data.zItl()[i], data.zThptPerGpu()[i]});
        }
        byContext.forEach((ctx, points) -> {
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] kv = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] itl = points.stream().mapToDouble(p -> p[1]).toArray();
            double[] th = points.stream().mapToDouble(p -> p[2]).toArray();
            rows.put(ctx, new Row(kv, itl, th));
        });
    }

    @Override
    public boolean ready() {
        return ttft != null || !rows.isEmpty();
    }

    public double ttftMs(double isl) {
        return ttft == null ? Double.NaN : ttft.at(isl);
    }

    /** Profiled ITL at this KV usage (0..1) and context length, ms. */
    public double itlMs(double kvUsage, double contextLength) {
        return blend(contextLength, kvUsage, true);
    }

    @Override
    public @Nullable EngineCapacity prefill(double isl, double ttftTargetMs, EngineLimits limits) {
        CubicSpline thptCurve = prefillThpt;
        CubicSpline ttftCurve = ttft;
        if (thptCurve == null || ttftCurve == null || !(isl > 0)) {
            return null;
        }
        double clamped = Math.max(thptCurve.minX(), Math.min(thptCurve.maxX(), isl));
        double thpt = thptCurve.at(clamped);
        if (!(thpt > 0)) {
            return null;
        }
        return new EngineCapacity(thpt * prefillGpus / isl, ttftCurve.at(clamped));
    }

    @Override
    public @Nullable EngineCapacity decode(double isl, double osl, double itlTargetMs, EngineLimits limits) {
        if (rows.isEmpty() || !(osl > 0)) {
            return null;
        }
        double ctx = isl + osl / 2.0;
        for (int i = RESOLUTION - 1; i >= 0; i--) {
            double kv = (double) i / (RESOLUTION - 1);
            double itl = blend(ctx, kv, true);
            if (itl <= itlTargetMs) {
                return capacityAt(ctx, kv, osl, itl);
            }
        }
        return capacityAt(ctx, 0, osl, blend(ctx, 0, true));
    }

    private @Nullable EngineCapacity capacityAt(double ctx, double kv, double osl, double itl) {
        double thpt = blend(ctx, kv, false);
        return thpt > 0 ? new EngineCapacity(thpt * decodeGpus / osl, itl) : null;
    }

    public long maxKvTokens() {
        return maxKvTokens;
    }

    private double blend(double ctx, double kv, boolean itl) {
        var below = rows.floorEntry(ctx);
        var above = rows.ceilingEntry(ctx);
        if (below == null) {
            below = above;
        }
        if (above == null) {
            above = below;
        }
        double vb = rowValue(below.getValue(), kv, itl);
        double va = rowValue(above.getValue(), kv, itl);
        double span = above.getKey() - below.getKey();
        return span <= 0 ? vb : vb + (va - vb) * (ctx - below.getKey()) / span;
    }

    private static double rowValue(Row row, double kv, boolean itl) {
        double[] ys = itl ? row.itl() : row.thpt();
        double[] xs = row.kv();
        if (kv <= xs[0]) {
            return ys[0];
        }
        if (kv >= xs[xs.length - 1]) {
            return ys[ys.length - 1];
        }
        int hi = 1;
        while (xs[hi] < kv) {
            hi++;
        }
        double t = (kv - xs[hi - 1]) / (xs[hi] - xs[hi - 1]);
        return ys[hi - 1] + t * (ys[hi] - ys[hi - 1]);
    }

    @Override
    public String kind() {
        return "profile";
    }
}
