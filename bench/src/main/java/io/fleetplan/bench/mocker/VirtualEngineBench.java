package io.fleetplan.bench.mocker;

import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.mocker.engine.Completion;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.EngineListener;
import io.fleetplan.mocker.engine.EngineRequest;
import io.fleetplan.mocker.engine.KvEvent;
import io.fleetplan.mocker.engine.MockEngine;
import io.fleetplan.mocker.profile.TimingModels;
import java.lang.management.ManagementFactory;

/**
 * Virtual-time throughput of the engine: {@code workers} engines on one {@link VirtualScheduler}, each kept
 * at a full batch (a finished request is replaced at once), run for a wall-time budget.
 */
public final class VirtualEngineBench {

    /**
     * @param workers engines
     * @param concurrency requests kept in flight per engine
     * @param isl prompt tokens per request
     * @param osl output tokens per request
     * @param kvEvents whether the listener asks for KV events
     * @param wallSeconds how long to run
     */
    public record Setup(int workers, int concurrency, int isl, int osl, boolean kvEvents, double wallSeconds) {}

    /**
     * @param iterations engine iterations run (all workers)
     * @param outputTokens output tokens produced
     * @param prefillTokens prompt tokens prefilled
     * @param requests requests finished
     * @param wallSeconds wall time spent
     * @param cpuSeconds CPU time of the benchmarking thread
     * @param virtualSeconds simulated time covered
     */
    public record Result(
            long iterations,
            long outputTokens,
            long prefillTokens,
            long requests,
            double wallSeconds,
            double cpuSeconds,
            double virtualSeconds) {

        public double iterationsPerWallSecond() {
            return iterations / wallSeconds;
        }

        /** Request tokens (prompt tokens prefilled plus output tokens) per wall second. */
        public double requestTokensPerWallSecond() {
            return (outputTokens + prefillTokens) / wallSeconds;
        }

        public double outputTokensPerWallSecond() {
            return outputTokens / wallSeconds;
        }

        public double speedup() {
            return virtualSeconds / wallSeconds;
        }
    }

    private VirtualEngineBench() {}

    public static Result run(Setup setup) {
        VirtualScheduler clock = new VirtualScheduler();
        EngineConfig config = EngineConfig.builder().heartbeatIntervalMs(0).build();
        MockEngine[] engines = new MockEngine[setup.workers()];
        long[] finished = new long[1];
        long[] ids = new long[1];
        for (int w = 0; w < engines.length; w++) {
            int worker = w;
            engines[w] = new MockEngine(config, TimingModels.of(config), clock, new EngineListener() {
                @Override
                public void onFinished(EngineRequest request, Completion completion) {
                    finished[0]++;
                    engines[worker].submit(EngineRequest.synthetic("r" + ids[0]++, setup.isl(), setup.osl()));
                }

                @Override
                public void onKvEvent(KvEvent event, long timeNanos) {}

                @Override
                public boolean wantsKvEvents() {
                    return setup.kvEvents();
                }
            });
            for (int i = 0; i < setup.concurrency(); i++) {
                engines[w].submit(EngineRequest.synthetic("r" + ids[0]++, setup.isl(), setup.osl()));
            }
        }
        var bean = ManagementFactory.getThreadMXBean();
        long cpu0 = bean.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (setup.wallSeconds() * 1e9);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 10_000; i++) {
                clock.runNext();
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (bean.getCurrentThreadCpuTime() - cpu0) / 1e9;
        long iterations = 0;
        long out = 0;
        long prefill = 0;
        for (MockEngine e : engines) {
            iterations += e.iterations();
            out += e.outputTokens();
            prefill += e.prefillTokens();
        }
        return new Result(iterations, out, prefill, finished[0], wall, cpu, clock.nanoTime() / 1e9);
    }
}
