package io.fleetplan.sim.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.config.PlannerPresets;
import io.fleetplan.pool.core.MetricsSource;
import io.fleetplan.pool.core.PlannerLoop;
import io.fleetplan.pool.core.PlanningSettings;
import io.fleetplan.pool.core.PoolPlanner;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.sim.replay.Cluster;
import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.replay.SimPool;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The pool planner as the live {@code fleetplan pool-planner} runs it, one per pool: the production
 * {@link PlannerLoop} and {@link PoolPlanner} on the replay's scheduler, reading the pool through a
 * {@link PoolMetricsSource} (what the live metric sources would give it: the traffic window, the engines' load,
 * every engine iteration's FPM). Its decisions go through a connector: for fleetplan to the replay's GlobalPlanner
 * ({@link GlobalPlannerLink}), for the Dynamo-semantics baselines straight to the pool ({@link DirectScaling}).
 */
public final class PlannerPolicy implements ScalingPolicy {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The loop logs every change for a live operator; replays make thousands of them a second and report them in
     * their own terms (a developer who wants the decisions sets {@code -Dfleetplan.replay.planner-log=INFO}, or {@code FINE} for every
     * decision whole with its traffic window). Held
     * here: a logger nobody references may be collected, and its level with it.
     */
    private static final Logger LOOP_LOG = Logger.getLogger(PlannerLoop.class.getName());

    static {
        Level level = Level.parse(System.getProperty("fleetplan.replay.planner-log", "WARNING"));
        LOOP_LOG.setLevel(level);
        if (level.intValue() < Level.INFO.intValue()) {
            // FINE logs every decision whole; the root console handler passes INFO and above only
            ConsoleHandler all = new ConsoleHandler();
            all.setLevel(level);
            LOOP_LOG.addHandler(all);
            LOOP_LOG.setUseParentHandlers(false);
        }
    }

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
    public PlannerPolicy(
            String name,
            String description,
            Map<String, Object> settings,
            boolean arbitrated,
            double ttftMargin,
            double itlMargin) {
        this(name, description, settings, Map.of(), arbitrated, ttftMargin, itlMargin);
    }

    /**
     * @param prefillSettings PlannerConfig fields applied on top of {@code settings} to the planners of pools that
     *     prefill (prefill and agg pools)
     */
    public PlannerPolicy(
            String name,
            String description,
            Map<String, Object> settings,
            Map<String, Object> prefillSettings,
            boolean arbitrated,
            double ttftMargin,
            double itlMargin) {
        this(name, description, settings, prefillSettings, arbitrated, ttftMargin, itlMargin, pool -> null);
    }

    /**
     * @param profiles the pre-deployment profile (Dynamo's profiler output) each pool's planner starts from: its
     *     throughput loop sizes from it until the FPM regression is ready, and its FPMs bootstrap that regression;
     *     null for a pool means no profile
     */
    public PlannerPolicy(
            String name,
            String description,
            Map<String, Object> settings,
            Map<String, Object> prefillSettings,
            boolean arbitrated,
            double ttftMargin,
            double itlMargin,
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
     * fleetplan's default: the shipped recommended configuration ({@code preset: fleetplan}, the file
     * pool-planner/src/main/resources/io/fleetplan/pool/config/presets/fleetplan.yaml that {@code fleetplan up}, the
     * Helm chart and a bare {@code fleetplan pool-planner} load), with only what the stack says filled in (mode, SLO,
     * GPU sizes, engine limits); proposals are arbitrated by the GlobalPlanner against the shared budget. No
     * replay-only tuning: why the preset is what it is, docs/pool-planner.md.
     */
    public static PlannerPolicy fleetplanDefault() {
        return new PlannerPolicy(
                "fleetplan",
                "fleetplan default: the shipped planner configuration (preset"
                        + " fleetplan: Kalman throughput floor + 5 s load loop with observed-SLO scaling) per pool, through the"
                        + " GlobalPlanner budget arbiter",
                Map.of("preset", PlannerPresets.FLEETPLAN),
                true);
    }

    /**
     * This policy with {@code all} put over its settings for every pool and {@code prefill} over those of prefill
     * (and agg) pools, and other planning margins (a developer's sweep compares variants of a default).
     */
    public PlannerPolicy variant(
            String variantName,
            Map<String, Object> all,
            Map<String, Object> prefill,
            double variantTtftMargin,
            double variantItlMargin) {
        Map<String, Object> m = new LinkedHashMap<>(settings);
        m.putAll(all);
        Map<String, Object> p = new LinkedHashMap<>(prefillSettings);
        p.putAll(prefill);
        return new PlannerPolicy(
                variantName, description, m, p, arbitrated, variantTtftMargin, variantItlMargin, profiles);
    }

    /**
     * This policy varied by a developer's spec {@code name:key=value;key=value}: {@code a.FIELD} for every pool,
     * {@code p.FIELD} for prefill (and agg) pools (FIELD a PlannerConfig field, snake_case), {@code ttft_margin} and
     * {@code itl_margin}; a bare {@code name} is this policy renamed. The developer tools' variant syntax
     * ({@code Sweep}, {@code SuiteSweep}, {@code MissAnalysis}).
     *
     * @throws IllegalArgumentException naming the part of the spec that is not {@code key=value} with a known key
     */
    public PlannerPolicy variant(String spec) {
        int colon = spec.indexOf(':');
        String variantName = colon < 0 ? spec : spec.substring(0, colon);
        Map<String, Object> all = new LinkedHashMap<>();
        Map<String, Object> prefill = new LinkedHashMap<>();
        double ttft = ttftMargin;
        double itl = itlMargin;
        if (colon >= 0) {
            for (String kv : spec.substring(colon + 1).split(";")) {
                String[] p = kv.split("=", 2);
                if (p.length != 2 || p[0].isBlank()) {
                    throw new IllegalArgumentException("variant '" + spec + "': '" + kv
                            + "' is not key=value (keys: a.FIELD, p.FIELD, ttft_margin," + " itl_margin)");
                }
                switch (p[0]) {
                    case "ttft_margin" -> ttft = Double.parseDouble(p[1]);
                    case "itl_margin" -> itl = Double.parseDouble(p[1]);
                    default -> {
                        if (!p[0].startsWith("a.") && !p[0].startsWith("p.")) {
                            throw new IllegalArgumentException("variant '" + spec + "': key '" + p[0]
                                    + "' is not one of a.FIELD, p.FIELD, ttft_margin, itl_margin");
                        }
                        (p[0].startsWith("p.") ? prefill : all).put(p[0].substring(2), value(p[1]));
                    }
                }
            }
        }
        return variant(variantName, all, prefill, ttft, itl);
    }

    private static Object value(String s) {
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        try {
            return s.matches("-?\\d+") ? (Object) Long.parseLong(s) : (Object) Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return s;
        }
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
        m.put(
                "max_kv_tokens",
                (long) pool.engineConfig().numGpuBlocks() * pool.engineConfig().blockSize());
        m.put("max_num_batched_tokens", (long) pool.engineConfig().maxNumBatchedTokens());
        m.put("max_num_seqs", pool.engineConfig().maxNumSeqs());
        m.put("report_interval_hours", null);
        JsonNode node = JSON.valueToTree(m);
        return PlannerPresets.convert(node, name + " planner for pool " + pool.name());
    }

    @Override
    public void start(PolicyContext ctx) {
        Instant origin = ctx.scheduler().now();
        for (SimPool pool : ctx.pools()) {
            loop(pool, ctx, new PoolMetricsSource(pool, origin)).start();
        }
    }

    /**
     * The planner of {@code pool} as {@code fleetplan pool-planner} runs it: the production {@link PlannerLoop}
     * around a {@link PoolPlanner} with this policy's config, ticking on the replay's scheduler, reading
     * {@code source} and acting through the GlobalPlanner (arbitrated) or straight on the pool (baselines).
     * Not started.
     */
    PlannerLoop loop(SimPool pool, PolicyContext ctx, MetricsSource source) {
        PoolPlanner planner = new PoolPlanner(PlanningSettings.from(config(pool, ctx)), profiles.apply(pool));
        return new PlannerLoop(planner, source, connector(pool, ctx), ctx.scheduler());
    }

    /** How {@code pool}'s planner acts: through the replay's GlobalPlanner (arbitrated) or on the pool itself. */
    ScalingConnector connector(SimPool pool, PolicyContext ctx) {
        if (!arbitrated) {
            return new DirectScaling(ctx, pool);
        }
        Cluster c = ctx.cluster();
        TargetKey target = c.target(pool);
        int n = pool.target();
        Replicas initial = pool.subType().prefillSlot() ? new Replicas(n, 0) : new Replicas(0, n);
        return new GlobalPlannerLink(
                c.globalPlanner(),
                c.poolId(pool),
                target.k8sNamespace(),
                target.graphDeploymentName(),
                target.componentName(),
                pool.poolMode(),
                pool.spec().priority(),
                pool.spec().minReplicas(),
                initial,
                ctx.scheduler().clock());
    }
}
