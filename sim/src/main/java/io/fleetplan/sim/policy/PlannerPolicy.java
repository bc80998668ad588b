package io.fleetplan.sim.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.PlanningSettings;
import io.fleetplan.pool.core.PoolPlanner;
import io.fleetplan.pool.core.ReplicaState;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.replay.SimPool;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The pool planner ({@link PoolPlanner}, the class the live {@code fleetplan pool-planner} runs), one per pool,
 * fed what the live metric sources would give it: the pool's traffic over the throughput window, every engine
 * iteration's FPM, and the engines' load. Its decisions go to the cluster through a connector: for fleetplan
 * through the GlobalPlanner budget arbiter, for the Dynamo-semantics baselines straight to the pool.
 */
public final class PlannerPolicy implements ScalingPolicy {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String description;
    private final Map<String, Object> settings;
    private final Map<String, Object> prefillSettings;
    private final boolean arbitrated;
    private final double ttftMargin;
    private final double itlMargin;
    /** The pre-deployment profile each pool's planner starts from (null: none, it learns from live FPMs). */
    private final Function<SimPool, ProfileData> profiles;

    /**
     * @param settings PlannerConfig fields (Dynamo names) applied to every pool; the pool's mode, the stack's
     *     SLOs and GPU sizes, and the pool's own {@code planner} section (for fleetplan) are filled in
     */
    public PlannerPolicy(String name, String description, Map<String, Object> settings, boolean arbitrated) {
        this(name, description, settings, arbitrated, 1.0, 1.0);
    }

    /**
     * @param ttftMargin the planner's TTFT target is the stack's times this (<= 1)
     * @param itlMargin the planner's ITL target is the stack's times this (<= 1)
     */
    public PlannerPolicy(String name, String description, Map<String, Object> settings, boolean arbitrated,
            double ttftMargin, double itlMargin) {
        this(name, description, settings, Map.of(), arbitrated, ttftMargin, itlMargin);
    }

    /**
     * @param prefillSettings PlannerConfig fields applied on top of {@code settings} to the planners of pools that
     *     prefill (prefill and agg pools)
     */
    public PlannerPolicy(String name, String description, Map<String, Object> settings,
            Map<String, Object> prefillSettings, boolean arbitrated, double ttftMargin, double itlMargin) {
        this(name, description, settings, prefillSettings, arbitrated, ttftMargin, itlMargin, pool -> null);
    }

    /**
     * @param profiles the pre-deployment profile (Dynamo's profiler output) each pool's planner starts from: its
     *     throughput loop sizes from it until the FPM regression is ready, and its FPMs bootstrap that regression;
     *     null for a pool means no profile
     */
    public PlannerPolicy(String name, String description, Map<String, Object> settings,
            Map<String, Object> prefillSettings, boolean arbitrated, double ttftMargin, double itlMargin,
            Function<SimPool, ProfileData> profiles) {
        this.profiles = profiles;
        this.prefillSettings = Map.copyOf(prefillSettings);
        this.ttftMargin = ttftMargin;
        this.itlMargin = itlMargin;
        this.name = name;
        this.description = description;
        this.settings = Map.copyOf(settings);
        this.arbitrated = arbitrated;
    }

    /** Dynamo's SLA planner with only the throughput (predictive) loop, as {@link DynamoBaselines} configures it. */
    public static PlannerPolicy dynamoThroughput() {
        return DynamoBaselines.throughput();
    }

    /** Dynamo's SLA planner with only the load (reactive) loop, as {@link DynamoBaselines} configures it. */
    public static PlannerPolicy dynamoLoad() {
        return DynamoBaselines.load();
    }

    /**
     * fleetplan's default: both loops (a Kalman-predicted throughput floor under the 5 s load loop), planning targets
     * below the SLO (TTFT x 0.4, ITL x 0.94: the planners estimate means while the SLO must hold for ~every request),
     * a cautious load-loop scale-down (sensitivity 30%) and a 30 s scale-down stabilization. Prefill (and agg) pools
     * get predictive headroom: their throughput loop runs every 30 s and plans engines at half their capacity
     * ({@code throughput_target_utilization: 0.5}). Why: a prefill engine's TTFT is queueing, and a worker takes a
     * minute to start, so an engine planned at full capacity (Dynamo's sizing) misses the SLO on the bursts of the
     * next minute; the load loop alone reacts to a 5 s queue snapshot, which on bursty traffic either vetoes every
     * scale-down (a burst in the stabilization window) or, with a short window, scales down into the next burst.
     * The floor follows the predicted rate both ways (up ahead of a ramp, down after it), so the stabilization can
     * be short. Decode ITL barely varies with load: decode keeps Dynamo's full-capacity sizing and 60 s interval.
     * Measured on Azure conv x2..x3 (docs/sim.md): higher attainment than the 120 s-stabilized, full-capacity
     * default at every rate, for 2-9% more GPU-hours. Proposals are arbitrated by the GlobalPlanner against the
     * shared budget.
     */
    public static PlannerPolicy fleetplanDefault() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimization_target", "sla");
        m.put("enable_throughput_scaling", true);
        m.put("enable_load_scaling", true);
        m.put("throughput_adjustment_interval_seconds", 60);
        m.put("load_adjustment_interval_seconds", 5);
        m.put("load_predictor", "kalman");
        m.put("scale_down_stabilization_seconds", 30.0);
        m.put("load_scaling_down_sensitivity", 30);
        Map<String, Object> prefill = new LinkedHashMap<>();
        prefill.put("throughput_adjustment_interval_seconds", 30);
        prefill.put("throughput_target_utilization", 0.5);
        return new PlannerPolicy("fleetplan", "fleetplan default: per-pool planner (Kalman throughput floor + 5 s load"
                + " loop, planning at TTFT x 0.4 and ITL x 0.94 of the SLO, 30 s scale-down stabilization; prefill"
                + " floor every 30 s at 50% of engine capacity) through the GlobalPlanner budget arbiter", m, prefill,
                true, 0.4, 0.94);
    }

    /**
     * This policy with {@code all} put over its settings for every pool and {@code prefill} over those of prefill
     * (and agg) pools, and other planning margins (a developer's sweep compares variants of a default).
     */
    public PlannerPolicy variant(String variantName, Map<String, Object> all, Map<String, Object> prefill,
            double variantTtftMargin, double variantItlMargin) {
        Map<String, Object> m = new LinkedHashMap<>(settings);
        m.putAll(all);
        Map<String, Object> p = new LinkedHashMap<>(prefillSettings);
        p.putAll(prefill);
        return new PlannerPolicy(variantName, description, m, p, arbitrated, variantTtftMargin, variantItlMargin,
                profiles);
    }

    public double ttftMargin() {
        return ttftMargin;
    }

    public double itlMargin() {
        return itlMargin;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean arbitrated() {
        return arbitrated;
    }

    /** The PlannerConfig this policy gives {@code pool}. */
    public PlannerConfig config(SimPool pool, PolicyContext ctx) {
        Map<String, Object> m = new LinkedHashMap<>(settings);
        if (!pool.mode().equals("decode")) {
            m.putAll(prefillSettings);
        }
        if (arbitrated) {
            pool.spec().planner().forEach(m::put); // the stack's per-pool section tunes fleetplan's own planner
        }
        m.put("mode", pool.mode());
        m.put("backend", "mocker");
        m.put("environment", "virtual");
        // planners size for their targets' means; a policy that must hold the SLO for ~all requests plans lower
        m.putIfAbsent("ttft_ms", ctx.stack().slo().ttftMs() * ttftMargin);
        m.putIfAbsent("itl_ms", ctx.stack().slo().itlMs() * itlMargin);
        m.put("min_endpoint", pool.spec().minReplicas());
        int budget = ctx.stack().budget().maxTotalGpus();
        int poolMax = pool.spec().maxReplicas() * Math.max(1, pool.gpusPerReplica());
        m.putIfAbsent("max_gpu_budget", arbitrated || budget < 0 ? poolMax : Math.min(poolMax, budget));
        m.put("prefill_engine_num_gpu", Math.max(1, pool.gpusPerReplica()));
        m.put("decode_engine_num_gpu", Math.max(1, pool.gpusPerReplica()));
        m.put("max_kv_tokens", (long) pool.engineConfig().numGpuBlocks() * pool.engineConfig().blockSize());
        m.put("max_num_batched_tokens", (long) pool.engineConfig().maxNumBatchedTokens());
        m.put("max_num_seqs", pool.engineConfig().maxNumSeqs());
        m.put("report_interval_hours", null);
        JsonNode node = JSON.valueToTree(m);
        return ConfigLoader.convert(node, name + " planner for pool " + pool.name(), PlannerConfig.class);
    }

    @Override
    public void start(PolicyContext ctx) {
        for (SimPool pool : ctx.pools()) {
            PoolPlanner planner = new PoolPlanner(PlanningSettings.from(config(pool, ctx)), profiles.apply(pool));
            Driver d = new Driver(pool, planner);
            pool.fpmSink(d::onFpm);
            Duration every = planner.scaleInterval();
            ctx.scheduler().scheduleAtFixedRate(every, every, () -> d.tick(ctx));
        }
    }

    /** Feeds one planner and carries out its decisions (the planner loop of one pool). */
    private final class Driver implements ScalingConnector {
        final SimPool pool;
        final PoolPlanner planner;
        final boolean prefillSlot;
        PolicyContext ctx;
        double windowStart;
        long arrivals;
        long sumIsl;
        long sumOsl;
        long completions;
        double sumTtft;
        double sumItl;

        Driver(SimPool pool, PoolPlanner planner) {
            this.pool = pool;
            this.planner = planner;
            this.prefillSlot = pool.mode().equals("prefill");
        }

        void onFpm(String worker, ForwardPass f) {
            var s = f.scheduled();
            var q = f.queued();
            planner.observeFpm(new Fpm(worker, f.dpRank(), f.wallTime(), s.numPrefillRequests(), s.sumPrefillTokens(),
                    s.numDecodeRequests(), s.sumDecodeKvTokens(), q.numPrefillRequests(), q.sumPrefillTokens(),
                    q.numDecodeRequests(), q.sumDecodeKvTokens()));
        }

        void tick(PolicyContext c) {
            this.ctx = c;
            double now = c.nowSeconds();
            Instant at = c.scheduler().now();
            double n = pool.arrivals() - arrivals;
            double done = pool.completions() - completions;
            planner.observeTraffic(new TrafficSample(at, now - windowStart, n,
                    n > 0 ? (pool.sumIsl() - sumIsl) / n : Double.NaN, n > 0 ? (pool.sumOsl() - sumOsl) / n : Double.NaN,
                    done > 0 ? (pool.sumTtftMs() - sumTtft) / done : Double.NaN,
                    done > 0 ? (pool.sumItlMs() - sumItl) / done : Double.NaN, Double.NaN));
            List<io.fleetplan.pool.scaling.EngineLoad> loads = pool.engineLoads();
            planner.observeEngines(prefillSlot ? new EngineSnapshot(at, loads, List.of())
                    : new EngineSnapshot(at, List.of(), loads));
            PlannerDecision decision = planner.tick(at, state()).orElse(null);
            if (decision == null) {
                return;
            }
            if (decision.throughputReason() != ThroughputReason.UNSET) {
                windowStart = now; // the throughput loop consumed this window
                arrivals = pool.arrivals();
                sumIsl = pool.sumIsl();
                sumOsl = pool.sumOsl();
                completions = pool.completions();
                sumTtft = pool.sumTtftMs();
                sumItl = pool.sumItlMs();
            }
            if (decision.changes()) {
                apply(decision);
            }
        }

        private Replicas replicas(int n) {
            return prefillSlot ? new Replicas(n, 0) : new Replicas(0, n);
        }

        @Override
        public ReplicaState state() {
            return new ReplicaState(replicas(pool.target()), pool.target() != pool.ready());
        }

        @Override
        public ApplyResult apply(PlannerDecision decision) {
            int wanted = prefillSlot ? decision.recommended().prefill() : decision.recommended().decode();
            int granted = ctx.scaleTo(pool, wanted);
            Status s = granted == wanted ? Status.APPLIED : granted == decision.current().prefill()
                    + decision.current().decode() ? Status.REJECTED : Status.PARTIAL;
            return new ApplyResult(s, replicas(granted), "granted " + granted + " of " + wanted);
        }

        @Override
        public String name() {
            return "replay";
        }
    }
}
