package io.fleetplan.sim.profile;

import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.mocker.engine.Completion;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.EngineListener;
import io.fleetplan.mocker.engine.EngineRequest;
import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.mocker.engine.MockEngine;
import io.fleetplan.mocker.profile.TimingModels;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.sim.replay.ForwardPasses;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Sweeps one mocker engine configuration in virtual time and produces a {@link ProfileData}, the pre-deployment
 * profile Dynamo's profiler writes, so the throughput loop can size a pool before any live FPM exists.
 * <ul>
 *   <li>Prefill: one request at a time per ISL (max_tokens 1): TTFT, and tokens/s/GPU = ISL / TTFT / GPUs.</li>
 *   <li>Decode: for each context length, batches of n requests filling 5..90% of the KV cache; ITL = mean wall
 *       time of the iterations that decode the whole batch with no prefill; tokens/s/GPU = n / ITL / GPUs;
 *       KV usage and context length as measured in those iterations.</li>
 *   <li>FPM: every timed iteration of the sweep (thinned to at most {@code maxFpms}) to bootstrap the regression.</li>
 * </ul>
 */
public final class EngineProfiler {

    private final EngineConfig config;
    private final int gpus;
    private final int decodeOsl;
    private final int maxFpms;

    public EngineProfiler(EngineConfig config, int gpus, int decodeOsl, int maxFpms) {
        this.config = config.toBuilder().heartbeatIntervalMs(0).build();
        this.gpus = Math.max(1, gpus);
        this.decodeOsl = decodeOsl;
        this.maxFpms = maxFpms;
    }

    public long maxKvTokens() {
        return (long) config.numGpuBlocks() * config.blockSize();
    }

    public ProfileData run(int[] islGrid, int[] contextGrid, double[] kvFractions) {
        List<Fpm> fpms = new ArrayList<>();
        List<double[]> prefill = new ArrayList<>();
        for (int isl : islGrid) {
            if (isl + 1 > maxKvTokens() * 0.9) {
                continue;
            }
            Run r = new Run();
            r.engine.submit(EngineRequest.synthetic("p" + isl, isl, 1));
            r.clock.runUntilIdle(1_000_000);
            Completion c = r.completions.get(0);
            double ttftMs = (c.firstTokenNanos() - c.arrivalNanos()) / 1e6;
            prefill.add(new double[] {isl, ttftMs, isl / (ttftMs / 1000.0) / gpus});
            fpms.addAll(r.fpms);
        }
        List<double[]> decode = new ArrayList<>();
        for (int ctx : contextGrid) {
            TreeSet<Integer> batches = new TreeSet<>();
            for (double f : kvFractions) {
                int n = (int) Math.round(f * maxKvTokens() / (ctx + decodeOsl));
                if (n >= 1) {
                    batches.add(Math.min(n, config.maxNumSeqs()));
                }
            }
            for (int n : batches) {
                Run r = new Run();
                for (int i = 0; i < n; i++) {
                    r.engine.submit(EngineRequest.synthetic("d" + ctx + "-" + i, ctx, decodeOsl));
                }
                r.clock.runUntilIdle(10_000_000);
                double wall = 0;
                double kv = 0;
                int k = 0;
                for (Fpm f : r.fpms) {
                    if (f.numPrefillRequests() == 0 && f.numDecodeRequests() == n && f.wallTimeSeconds() > 0) {
                        wall += f.wallTimeSeconds();
                        kv += f.sumDecodeKvTokens();
                        k++;
                    }
                }
                if (k > 0) {
                    double itlMs = 1000 * wall / k;
                    double meanKv = kv / k;
                    decode.add(new double[] {meanKv / maxKvTokens(), meanKv / n, itlMs, n / (itlMs / 1000.0) / gpus});
                }
                fpms.addAll(r.fpms);
            }
        }
        return new ProfileData(
                column(prefill, 0),
                column(prefill, 1),
                column(prefill, 2),
                column(decode, 0),
                column(decode, 1),
                column(decode, 2),
                column(decode, 3),
                maxKvTokens(),
                thin(fpms));
    }

    private List<Fpm> thin(List<Fpm> all) {
        if (all.size() <= maxFpms) {
            return all;
        }
        List<Fpm> out = new ArrayList<>(maxFpms);
        double step = (double) all.size() / maxFpms;
        for (int i = 0; i < maxFpms; i++) {
            out.add(all.get((int) (i * step)));
        }
        return out;
    }

    private static double[] column(List<double[]> rows, int i) {
        return rows.stream().mapToDouble(r -> r[i]).toArray();
    }

    /** One fresh engine on its own virtual clock. */
    private final class Run implements EngineListener {
        final VirtualScheduler clock = new VirtualScheduler();
        final List<Fpm> fpms = new ArrayList<>();
        final List<Completion> completions = new ArrayList<>();
        final MockEngine engine = new MockEngine(config, TimingModels.of(config), clock, this);

        @Override
        public void onForwardPass(ForwardPass f) {
            if (f.wallTime() > 0) {
                fpms.add(ForwardPasses.fpm("profile", f));
            }
        }

        @Override
        public void onFinished(EngineRequest r, Completion c) {
            completions.add(c);
        }
    }
}
