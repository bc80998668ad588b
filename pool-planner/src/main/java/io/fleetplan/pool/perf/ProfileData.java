package io.fleetplan.pool.perf;

import java.util.List;

/**
 * Pre-deployment profile of one engine configuration, with the array names of Dynamo's
 * {@code prefill_raw_data.json} / {@code decode_raw_data.json} so Dynamo's files load unchanged.
 *
 * @param prefillIsl prompt lengths swept, tokens
 * @param prefillTtft TTFT at each length, ms
 * @param prefillThptPerGpu prefill tokens per second per GPU at each length
 * @param xKvUsage decode KV-cache usage of each point, 0..1
 * @param yContextLength decode context length of each point, tokens
 * @param zItl ITL at each point, ms
 * @param zThptPerGpu decode tokens per second per GPU at each point
 * @param maxKvTokens KV cache size of the profiled engine, tokens
 * @param fpm iterations recorded during the sweep (bootstrap for the FPM regression); may be empty
 */
public record ProfileData(
        double[] prefillIsl,
        double[] prefillTtft,
        double[] prefillThptPerGpu,
        double[] xKvUsage,
        double[] yContextLength,
        double[] zItl,
        double[] zThptPerGpu,
        long maxKvTokens,
        List<Fpm> fpm) {

    public ProfileData {
        prefillIsl = orEmpty(prefillIsl);
        prefillTtft = orEmpty(prefillTtft);
        prefillThptPerGpu = orEmpty(prefillThptPerGpu);
        xKvUsage = orEmpty(xKvUsage);
        yContextLength = orEmpty(yContextLength);
        zItl = orEmpty(zItl);
        zThptPerGpu = orEmpty(zThptPerGpu);
        fpm = fpm == null ? List.of() : List.copyOf(fpm);
        if (prefillIsl.length != prefillTtft.length || prefillIsl.length != prefillThptPerGpu.length) {
            throw new IllegalArgumentException(
                    "prefill_isl, prefill_ttft and prefill_thpt_per_gpu must have equal lengths (" + prefillIsl.length
                            + ", " + prefillTtft.length + ", " + prefillThptPerGpu.length + ")");
        }
        int n = xKvUsage.length;
        if (yContextLength.length != n || zItl.length != n || zThptPerGpu.length != n) {
            throw new IllegalArgumentException(
                    "x_kv_usage, y_context_length, z_itl and z_thpt_per_gpu must have equal lengths");
        }
    }

    public boolean hasPrefill() {
        return prefillIsl.length > 0;
    }

    public boolean hasDecode() {
        return xKvUsage.length > 0;
    }

    private static double[] orEmpty(double[] a) {
        return a == null ? new double[0] : a;
    }
}
