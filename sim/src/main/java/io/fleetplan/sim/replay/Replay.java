package io.fleetplan.sim.replay;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.mocker.engine.BlockHashes;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.router.global.DecodeStrategy;
import io.fleetplan.router.global.GlobalRouterConfig;
import io.fleetplan.router.global.PoolSelector;
import io.fleetplan.router.global.PrefillStrategy;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One replay: a trace through Frontend/GlobalRouter, LocalRouters and mocker engines, with one
 * {@link ScalingPolicy} sizing the pools, all on one {@link VirtualScheduler}. Deterministic: the same trace,
 * stack, seed and policy give the same {@link PolicyRun}.
 */
public final class Replay {

    /**
     * @param sampleSeconds time-series resolution of the report
     * @param tailSeconds after the last arrival, requests still unresolved this long are counted as timed out
     */
    public record Settings(long seed, double sampleSeconds, double tailSeconds) {
        public static final Settings DEFAULTS = new Settings(1, 10, 1800);
    }

    private Replay() {}

    /**
     * Runs {@code policy} over {@code trace}.
     *
     * @param progress receives virtual nanoseconds done (0..last arrival) now and then; may be null
     */
    public static PolicyRun run(
            Trace trace, StackConfig stack, ScalingPolicy policy, Settings settings, LongConsumer progress) {
        return run(trace, stack, policy, settings, null, progress);
    }

    /**
     * Runs {@code policy} over {@code trace}, starting from {@code initial} replicas per pool (stack order) unless
     * the policy sets its own; null = the stack's {@code initial_replicas}.
     */
    public static PolicyRun run(
            Trace trace,
            StackConfig stack,
            ScalingPolicy policy,
            Settings settings,
            int[] initialReplicas,
            LongConsumer progress) {
        VirtualScheduler scheduler = new VirtualScheduler();
        Duration startup = seconds(policy.startupSeconds(stack.workerStartupSeconds()));
        Cluster cluster = cluster(stack, scheduler, startup, trace.hasHashIds(), settings.seed());
        cluster.prestart(policy.prestartSeconds(stack.workerStartupSeconds()));
        List<TraceRequest> requests = trace.requests();
        RequestLog log = new RequestLog(requests.size());
        long[][] blockHashes = expandHashes(trace, stack);
        Frontend frontend = new Frontend(
                scheduler, cluster, new PoolSelector(globalRouterConfig(stack)), requests, blockHashes, log);
        cluster.frontend(frontend);
        int[] own = policy.initialReplicas(cluster.pools());
        int[] initial = own != null ? own : initialReplicas;
        for (int k = 0; k < cluster.pools().size(); k++) {
            SimPool p = cluster.pools().get(k);
            p.startInitial(
                    initial == null
                            ? p.spec().initialReplicas()
                            : Math.max(p.spec().minReplicas(), Math.min(p.spec().maxReplicas(), initial[k])));
        }
        cluster.restoreArbiter();
        TimeSeries series =
                new TimeSeries(cluster.pools().stream().map(SimPool::name).toList());
        long sampleNanos = Math.round(settings.sampleSeconds() * 1e9);
        scheduler.scheduleAtFixedRate(
                Duration.ZERO, Duration.ofNanos(sampleNanos), () -> series.sample(scheduler, cluster));
        Duration beat =
                Duration.ofMillis(cluster.pools().get(0).router().config().heartbeatIntervalMs());
        scheduler.scheduleAtFixedRate(beat, beat, () -> cluster.pools().forEach(SimPool::heartbeat));
        policy.start(new PolicyContext(scheduler, cluster, policy.arbitrated()));
        frontend.start();

        long lastArrival =
                requests.isEmpty() ? 0 : requests.get(requests.size() - 1).arrivalNanos();
        long deadline = lastArrival + Math.round(settings.tailSeconds() * 1e9);
        long step = 10_000_000_000L;
        long t = 0;
        while (log.resolved() < log.size() && t < deadline) {
            t = Math.min(deadline, t + step);
            scheduler.runUntilNanos(t);
            if (progress != null) {
                progress.accept(Math.min(t, lastArrival));
            }
        }
        // stop at the moment the last request resolved (or the deadline), whichever the loop reached
        long end = Math.max(lastArrival, lastResolution(log, scheduler.nanoTime()));
        log.timeOutPending(scheduler.nanoTime());
        double gpuSeconds = cluster.gpuSecondsUntil(end);
        cluster.pools().forEach(SimPool::shutdown);
        long scaleEvents =
                cluster.pools().stream().mapToLong(SimPool::scaleEvents).sum();
        return new PolicyRun(
                policy.name(),
                policy.description(),
                log,
                series,
                gpuSeconds,
                cluster.peakGpus(),
                cluster.budgetViolations(),
                cluster.overBudgetSeconds(),
                scaleEvents,
                end / 1e9,
                scheduler.executedEvents(),
                cluster.prestartGpuSeconds());
    }

    /**
     * The stack's pools, each with its engine and router, on {@code scheduler}; no worker yet.
     *
     * @param hashes whether the trace carries block hash ids (the prefill and agg pools' engines use them)
     */
    static Cluster cluster(StackConfig stack, VirtualScheduler scheduler, Duration startup, boolean hashes, long seed) {
        Cluster cluster = new Cluster(stack, scheduler, startup);
        for (int k = 0; k < stack.pools().size(); k++) {
            StackConfig.Pool p = stack.pools().get(k);
            cluster.add(new SimPool(
                    p, engineConfig(p), scheduler, cluster, hashes && !p.mode().equals("decode"), seed * 31 + k));
        }
        return cluster;
    }

    private static long lastResolution(RequestLog log, long fallback) {
        long last = 0;
        for (int i = 0; i < log.size(); i++) {
            if (log.completed(i) || log.failed(i)) {
                last = Math.max(last, log.finishNanos(i));
            } else {
                return fallback;
            }
        }
        return last;
    }

    /** The engine of a pool: the stack's mocker knobs, the pool's role, no idle heartbeat (virtual time). */
    public static EngineConfig engineConfig(StackConfig.Pool p) {
        StackConfig.Engine e = p.engine();
        return EngineConfig.builder()
                .numGpuBlocks(e.numGpuBlocks())
                .blockSize(e.blockSize())
                .maxNumSeqs(e.maxNumSeqs())
                .maxNumBatchedTokens(e.maxNumBatchedTokens())
                .speedupRatio(e.speedupRatio())
                .kvTransferBandwidth(e.kvTransferBandwidth())
                .disaggregationMode(p.mode())
                .heartbeatIntervalMs(0)
                .build();
    }

    /**
     * Trace block ids (e.g. Mooncake's 512-token blocks) as engine block hashes: each trace block becomes
     * {@code traceBlock / engineBlock} engine blocks {@code mix(id * k + j + 1)}, which keeps "same prefix, same hash";
     * only the prompt's full engine blocks get one.
     */
    static long[][] expandHashes(Trace trace, StackConfig stack) {
        List<TraceRequest> requests = trace.requests();
        long[][] out = new long[requests.size()][];
        if (!trace.hasHashIds() || trace.blockSize() <= 0) {
            return out;
        }
        int engineBlock = stack.pools().get(0).engine().blockSize();
        int k = Math.max(1, trace.blockSize() / engineBlock);
        for (int i = 0; i < out.length; i++) {
            TraceRequest r = requests.get(i);
            if (r.hashIds() == null) {
                continue;
            }
            int full = Math.min(r.hashIds().length * k, r.inputTokens() / engineBlock);
            long[] h = new long[full];
            for (int b = 0; b < full; b++) {
                // mixed (SplitMix64, the engine's own finaliser): trace ids are small consecutive integers, which the
                // open-addressing tables of the engine and the router's prefix index cluster badly; a bijection, so
                // equal prefixes keep equal hashes
                h[b] = BlockHashes.mix(r.hashIds()[b / k] * k + (b % k) + 1);
            }
            out[i] = h;
        }
        return out;
    }

    /**
     * The GlobalRouter config of a stack: disaggregated when it has prefill and decode pools (prefill pools
     * chosen on ISL by their {@code max_isl}), otherwise aggregated over its agg pools. Disaggregation is enforced:
     * the replay's decode engines take a prompt's KV as handed over and never prefill, so a decode-only fallback
     * would serve prompts for free.
     */
    public static GlobalRouterConfig globalRouterConfig(StackConfig stack) {
        List<StackConfig.Pool> prefill =
                stack.pools().stream().filter(p -> p.mode().equals("prefill")).toList();
        List<StackConfig.Pool> decode =
                stack.pools().stream().filter(p -> p.mode().equals("decode")).toList();
        List<StackConfig.Pool> agg =
                stack.pools().stream().filter(p -> p.mode().equals("agg")).toList();
        if (!prefill.isEmpty() && !agg.isEmpty()) {
            throw new IllegalArgumentException(
                    "pools: replay routes either agg pools or prefill+decode pools, not both; agg pools "
                            + agg.stream().map(StackConfig.Pool::name).toList());
        }
        if (prefill.isEmpty()) {
            return GlobalRouterConfig.aggPools(
                    agg.stream().map(StackConfig.Pool::name).toList(),
                    agg.stream().map(p -> -p.priority()).toList());
        }
        int rows = 64;
        double maxIsl = Math.max(
                1, prefill.stream().mapToInt(StackConfig.Pool::maxIsl).max().orElse(0));
        List<List<Integer>> grid = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            double upper = maxIsl * (row + 1) / rows;
            int chosen = prefill.size() - 1;
            for (int k = 0; k < prefill.size(); k++) {
                int cap = prefill.get(k).maxIsl();
                if (cap == 0 || cap >= upper) {
                    chosen = k;
                    break;
                }
            }
            grid.add(List.of(chosen));
        }
        return GlobalRouterConfig.disagg(
                prefill.stream().map(StackConfig.Pool::name).toList(),
                decode.stream().map(StackConfig.Pool::name).toList(),
                prefill.stream().map(p -> -p.priority()).toList(),
                decode.stream().map(p -> -p.priority()).toList(),
                new PrefillStrategy(0.0, maxIsl, rows, 0.0, 1.0, 1, grid, null),
                new DecodeStrategy(0.0, 1.0, 1, 0.0, 1.0, 1, Collections.nCopies(1, List.of(0)), null),
                true);
    }

    static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
