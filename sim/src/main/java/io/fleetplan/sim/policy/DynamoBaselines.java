package io.fleetplan.sim.policy;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.sim.profile.EngineProfiler;
import io.fleetplan.sim.replay.SimPool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Dynamo planner baselines as a careful Dynamo operator deploys them, all settings in one place.
 *
 * <ul>
 *   <li>Dynamo's {@code PlannerConfig} defaults (docs/sim.md, reference dynamo-pool-planner.md 1.1):
 *       {@code optimization_target: sla}, throughput loop every 180 s with the ARIMA predictor, load loop every
 *       5 s with scale-down sensitivity 80% and 5 observations before acting, correction factors on, the SLO as
 *       the planning target (no margin), the pool's own replica range and the stack's budget.</li>
 *   <li>A pre-deployment profile of the engine the pool runs: what {@code fleetplan profile} writes for that
 *       engine configuration (its {@code speedup_ratio}, KV cache and batch limits included), as Dynamo's planner
 *       guide asks for throughput-based scaling ({@code pre_deployment_sweeping_mode} other than {@code none}).
 *       The throughput loop sizes from it while the FPM regression is not ready, and the profile's FPMs bootstrap
 *       that regression, so the first decision is not taken on a handful of light live iterations.</li>
 * </ul>
 * Engine limits ({@code max_kv_tokens}, {@code max_num_batched_tokens}, {@code max_num_seqs}) and GPUs per engine
 * come from the pool's engine in {@link PlannerPolicy#config}, as a Dynamo planner reads them from the workers.
 */
public final class DynamoBaselines {

    /** Prefill ISL grid: {@code fleetplan profile}'s default, extended to the long prompts of Mooncake-like traces. */
    static final int[] PROFILE_ISL = {128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072};
    /** Decode context grid and output length: {@code fleetplan profile}'s defaults, plus the long contexts. */
    static final int[] PROFILE_CONTEXT = {512, 1024, 2048, 4096, 8192, 16384};

    static final int PROFILE_OSL = 128;
    static final double[] PROFILE_KV_FRACTIONS = {0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9};
    /** FPMs kept from the sweep to bootstrap the regression ({@code fleetplan profile}'s 512). */
    static final int PROFILE_FPMS = 512;

    /** A profile depends only on the engine and its GPUs; replays of many policies and cases share it. */
    private record EngineKey(EngineConfig engine, int gpus) {}

    private static final Map<EngineKey, ProfileData> PROFILES = new ConcurrentHashMap<>();

    private DynamoBaselines() {}

    /** Dynamo's SLA planner, throughput (predictive) loop only. */
    public static PlannerPolicy throughput() {
        return policy(
                "dynamo-throughput",
                "Dynamo SLA planner, throughput loop only (ARIMA, 180 s),"
                        + " pre-deployment profile of the pool's engine, per pool, no GlobalPlanner",
                true,
                false);
    }

    /** Dynamo's SLA planner, load (reactive) loop only. */
    public static PlannerPolicy load() {
        return policy(
                "dynamo-load",
                "Dynamo SLA planner, load loop only (FPM regression, +-1 every 5 s,"
                        + " sensitivity 80%), pre-deployment profile of the pool's engine, per pool, no GlobalPlanner",
                false,
                true);
    }

    /** Dynamo's SLA planner with both loops (the throughput result a floor under the load loop). */
    public static PlannerPolicy hybrid() {
        return policy(
                "dynamo-hybrid",
                "Dynamo SLA planner, both loops (ARIMA throughput floor every 180 s under"
                        + " the 5 s load loop), pre-deployment profile of the pool's engine, per pool, no GlobalPlanner",
                true,
                true);
    }

    private static PlannerPolicy policy(String name, String description, boolean throughput, boolean load) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimization_target", "sla");
        m.put("enable_throughput_scaling", throughput);
        m.put("enable_load_scaling", load);
        m.put("throughput_adjustment_interval_seconds", 180);
        m.put("load_adjustment_interval_seconds", 5);
        m.put("load_predictor", "arima");
        m.put("load_scaling_down_sensitivity", 80);
        m.put("load_min_observations", 5);
        m.put("no_correction", false);
        m.put("pre_deployment_sweeping_mode", "thorough"); // the profile below: a sweep of the real engine
        if (throughput && !load) {
            // Dynamo's throughput loop first decides one full interval after start, on that interval's traffic.
            // Ticking at the load cadence (fleetplan's default for refreshing the regression) would run it at
            // the first 5 s tick on 5 s of traffic: on Azure x2.5 that cut prefill 3 -> 1 at t=5 s for 180 s.
            m.put("scheduling", Map.of("scale_interval_seconds", 180));
        }
        return new PlannerPolicy(name, description, m, Map.of(), false, 1.0, 1.0, DynamoBaselines::profile);
    }

    /** The profile {@code fleetplan profile} gives the pool's engine (computed once per engine configuration). */
    static ProfileData profile(SimPool pool) {
        return profile(pool.engineConfig(), Math.max(1, pool.gpusPerReplica()));
    }

    static ProfileData profile(EngineConfig engine, int gpus) {
        return PROFILES.computeIfAbsent(
                new EngineKey(engine, gpus),
                k -> new EngineProfiler(k.engine(), k.gpus(), PROFILE_OSL, PROFILE_FPMS)
                        .run(PROFILE_ISL, PROFILE_CONTEXT, PROFILE_KV_FRACTIONS));
    }
}
