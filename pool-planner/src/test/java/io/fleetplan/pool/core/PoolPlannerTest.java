package io.fleetplan.pool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.pool.predict.TraceBuckets.IntervalLoad;
import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.pool.scaling.GpuBudget;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class PoolPlannerTest {

    static final EngineLimits LIMITS = new EngineLimits(100_000, 2048, 256);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static PlannerConfig config(String yaml) {
        return ConfigLoader.parse(yaml.isBlank() ? "{}" : yaml, "test", PlannerConfig.class);
    }

    /** A profile where one prefill engine serves 10000 tok/s and one decode engine 300 tok/s at ITL <= 50. */
    static ProfileData profile() {
        return new ProfileData(
                new double[] {1000, 3000, 5000},
                new double[] {100, 300, 500},
                new double[] {10000, 10000, 10000},
                new double[] {0.0, 1.0, 0.0, 1.0},
                new double[] {1000, 1000, 10000, 10000},
                new double[] {40, 40, 40, 40},
                new double[] {300, 300, 300, 300},
                100_000,
                List.of());
    }

    static PoolPlanner planner(String yaml) {
        return new PoolPlanner(PlanningSettings.from(config(yaml)), profile());
    }

    static TrafficSample traffic(Instant at, double requests) {
        return new TrafficSample(at, 180, requests, 3000, 150, 200, 20, 5);
    }

    static EngineSnapshot idle(Instant at, int p, int d) {
        List<EngineLoad> pl = new ArrayList<>();
        List<EngineLoad> dl = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            pl.add(new EngineLoad("p" + i, 0, 0, 0, 0, LIMITS));
        }
        for (int i = 0; i < d; i++) {
            dl.add(new EngineLoad("d" + i, 0, 0, 0, 0, LIMITS));
        }
        return new EngineSnapshot(at, pl, dl);
    }

    private static final String SLA_THROUGHPUT = "optimization_target: sla\nload_predictor: constant\n";

    @Test
    void throughputOnlyHandWorked() {
        // 1800 req / 180 s = 10 req/s x 3000 tokens = 30000 tok/s / 10000 per engine -> 3 prefill;
        // decode 10 req/s x 150 tokens = 1500 tok/s / 300 -> 5 decode; 8 GPUs fit the default budget
        PoolPlanner p = planner(SLA_THROUGHPUT);
        p.observeTraffic(traffic(T0, 1800));
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(1, 1), false)).orElseThrow();
        assertThat(d.throughputReason()).isEqualTo(ThroughputReason.SCALE);
        assertThat(d.recommended()).isEqualTo(new Replicas(3, 5));
        assertThat(d.action()).isEqualTo(Action.SCALE_UP);
        assertThat(d.prediction().requestsPerSecond()).isEqualTo(10.0);
        assertThat(d.prefillReason()).isEqualTo(LoadReason.DISABLED);
    }

    @Test
    void prefillIsDiscountedByTheRoutersKvHitRateAsDynamoDoes() {
        // 60% prefix hits: 10 req/s x 1200 computed tokens = 12000 tok/s / 10000 -> 2 prefill; decode keeps 5
        PoolPlanner p = planner(SLA_THROUGHPUT);
        p.observeTraffic(traffic(T0, 1800).withKvHitRate(0.6));
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(1, 1), false)).orElseThrow();
        assertThat(d.recommended()).isEqualTo(new Replicas(2, 5));
        // a window without a hit rate keeps the latest valid one
        Instant later = T0.plusSeconds(180);
        p.observeTraffic(traffic(later, 1800));
        assertThat(p.tick(later, new ReplicaState(new Replicas(2, 5), false))
                        .orElseThrow()
                        .recommended())
                .isEqualTo(new Replicas(2, 5));

        PoolPlanner off = planner(SLA_THROUGHPUT + "enable_kv_hit_rate_discount: false\n");
        off.observeTraffic(traffic(T0, 1800).withKvHitRate(0.6));
        assertThat(off.tick(T0, new ReplicaState(new Replicas(1, 1), false))
                        .orElseThrow()
                        .recommended())
                .isEqualTo(new Replicas(3, 5));
    }

    @Test
    void theLocalBudgetClampsTheResult() {
        PoolPlanner p = planner(SLA_THROUGHPUT + "max_gpu_budget: 6\n");
        p.observeTraffic(traffic(T0, 1800));
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(1, 1), false)).orElseThrow();
        // 8 > 6: P' = floor(3 x 0.75) = 2, decode gets the leftover 4 (asked 5)
        assertThat(d.recommended()).isEqualTo(new Replicas(2, 4));
        assertThat(d.budget()).isEqualTo(GpuBudget.Outcome.CLAMPED);
    }

    @Test
    void budgetBelowTheMinEndpointFootprintHoldsInsteadOfScalingToZero() {
        PoolPlanner p = planner(SLA_THROUGHPUT + "max_gpu_budget: 1\n");
        p.observeTraffic(traffic(T0, 1800));
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(2, 2), false)).orElseThrow();
        assertThat(d.budget()).isEqualTo(GpuBudget.Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT);
        assertThat(d.recommended()).isEqualTo(new Replicas(2, 2));
    }

    @Test
    void idleWindowsKeepTheIslForecastAtTheLastObservedShape() {
        // Dynamo's _observe_traffic: an idle window feeds 0 requests but the last observed ISL/OSL; fed as 0, a
        // Kalman ISL forecast fell far below the 3000-token prompts after three idle windows
        PoolPlanner p = planner("optimization_target: sla\nload_predictor: kalman\n");
        Replicas two = new Replicas(2, 2);
        Instant t = T0;
        for (int w = 0; w < 10; w++, t = t.plusSeconds(180)) {
            p.observeTraffic(traffic(t, 1800));
            p.tick(t, new ReplicaState(two, false));
        }
        PlannerDecision d = null;
        for (int w = 0; w < 3; w++, t = t.plusSeconds(180)) {
            p.observeTraffic(new TrafficSample(t, 180, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
            d = p.tick(t, new ReplicaState(two, false)).orElseThrow();
        }
        assertThat(d.prediction().isl()).isCloseTo(3000, Assertions.within(1e-6));
        assertThat(d.prediction().osl()).isCloseTo(150, Assertions.within(1e-6));
        assertThat(d.prediction().numRequests()).isLessThan(900);
    }

    @Test
    void missingNanAndStaleTrafficHold() {
        Replicas four = new Replicas(4, 4);
        PoolPlanner missing = planner(SLA_THROUGHPUT);
        PlannerDecision d = missing.tick(T0, new ReplicaState(four, false)).orElseThrow();
        assertThat(d.throughputReason()).isEqualTo(ThroughputReason.NO_TRAFFIC_DATA);
        assertThat(d.recommended()).isEqualTo(four);
        assertThat(d.action()).isEqualTo(Action.HOLD);

        PoolPlanner nan = planner(SLA_THROUGHPUT);
        nan.observeTraffic(new TrafficSample(T0, 180, 50, Double.NaN, 150, Double.NaN, Double.NaN, 0));
        assertThat(nan.tick(T0, new ReplicaState(four, false)).orElseThrow().throughputReason())
                .isEqualTo(ThroughputReason.NO_TRAFFIC_DATA);

        PoolPlanner stale = planner(SLA_THROUGHPUT);
        stale.observeTraffic(traffic(T0.minusSeconds(3600), 0));
        PlannerDecision s = stale.tick(T0, new ReplicaState(four, false)).orElseThrow();
        assertThat(s.throughputReason()).isEqualTo(ThroughputReason.STALE_DATA);
        assertThat(s.recommended()).isEqualTo(four);
    }

    @Test
    void observedIdleTrafficScalesToMinEndpoint() {
        PoolPlanner p = planner(SLA_THROUGHPUT);
        p.observeTraffic(new TrafficSample(T0, 180, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
        assertThat(p.tick(T0, new ReplicaState(new Replicas(4, 4), false))
                        .orElseThrow()
                        .recommended())
                .isEqualTo(new Replicas(1, 1));
    }

    @Test
    void loadLoopHoldsOnMissingStaleMismatchedOrSettlingData() {
        String yaml = "optimization_target: throughput\n";
        Replicas two = new Replicas(2, 2);
        PoolPlanner p = planner(yaml);
        assertThat(p.tick(T0, new ReplicaState(two, false)).orElseThrow().decodeReason())
                .isEqualTo(LoadReason.NO_FPM_DATA);

        p.observeEngines(idle(T0.minusSeconds(60), 2, 2));
        assertThat(p.tick(T0.plusSeconds(5), new ReplicaState(two, false))
                        .orElseThrow()
                        .decodeReason())
                .isEqualTo(LoadReason.STALE_DATA);

        p.observeEngines(idle(T0.plusSeconds(10), 2, 1));
        assertThat(p.tick(T0.plusSeconds(10), new ReplicaState(two, false))
                        .orElseThrow()
                        .decodeReason())
                .isEqualTo(LoadReason.WORKER_COUNT_MISMATCH);

        p.observeEngines(idle(T0.plusSeconds(15), 2, 2));
        PlannerDecision settling =
                p.tick(T0.plusSeconds(15), new ReplicaState(two, true)).orElseThrow();
        assertThat(settling.decodeReason()).isEqualTo(LoadReason.SCALING_IN_PROGRESS);
        assertThat(settling.recommended()).isEqualTo(two);
    }

    @Test
    void idleEnginesScaleDownOnlyAfterLoadMinObservations() {
        PoolPlanner p = planner("optimization_target: throughput\nload_min_observations: 3\n");
        Replicas two = new Replicas(2, 2);
        List<PlannerDecision> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Instant t = T0.plusSeconds(5L * i);
            p.observeEngines(idle(t, 2, 2));
            out.add(p.tick(t, new ReplicaState(two, false)).orElseThrow());
        }
        assertThat(out.get(0).decodeReason()).isEqualTo(LoadReason.INSUFFICIENT_DATA);
        assertThat(out.get(1).decodeReason()).isEqualTo(LoadReason.INSUFFICIENT_DATA);
        assertThat(out.get(2).decodeReason()).isEqualTo(LoadReason.SCALE_DOWN);
        assertThat(out.get(2).recommended()).isEqualTo(new Replicas(1, 1));
    }

    @Test
    void throughputFloorCapsALoadScaleDown() {
        PoolPlanner p = planner("optimization_target: sla\nenable_load_scaling: true\nload_predictor: constant\n"
                + "load_adjustment_interval_seconds: 5\nmax_gpu_budget: -1\nno_correction: true\n"
                + "load_min_observations: 1\n");
        trainRegression(p);
        p.observeTraffic(traffic(T0, 1800)); // with the FPM regression: prefill engine ~ 3.2 req/s -> floor 4
        p.observeEngines(idle(T0, 5, 5));
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(5, 5), false)).orElseThrow();
        assertThat(d.throughputReason()).isEqualTo(ThroughputReason.SET_LOWER_BOUND);
        assertThat(d.throughputFloor().prefill()).as(d.toString()).isEqualTo(4);
        assertThat(d.prefillReason()).isEqualTo(LoadReason.SCALE_DOWN);
        assertThat(d.recommended().prefill()).isEqualTo(4);
        // next load tick: 4 engines idle, load wants 3, the floor keeps 4
        p.observeEngines(idle(T0.plusSeconds(5), 4, d.recommended().decode()));
        PlannerDecision next = p.tick(T0.plusSeconds(5), new ReplicaState(d.recommended(), false))
                .orElseThrow();
        assertThat(next.throughputReason()).isEqualTo(ThroughputReason.UNSET);
        assertThat(next.prefillReason()).isEqualTo(LoadReason.SCALE_DOWN_CAPPED_BY_THROUGHPUT);
        assertThat(next.recommended().prefill()).isEqualTo(4);
    }

    /** Prefill ~ 10 ms + 0.1 ms per token (a 2250-token prompt plus the mean queue ~ 245 ms), decode ~ 5-9 ms per iteration. */
    static void trainRegression(PoolPlanner p) {
        for (int n : new int[] {1, 2, 4, 8}) {
            for (int kv : new int[] {1000, 3000, 6000}) {
                p.observeFpm(Fpm.decodePass(0.005 + 0.0002 * n + 0.000001 * kv, n, kv));
            }
        }
        for (int tokens = 500; tokens <= 4000; tokens += 500) {
            p.observeFpm(Fpm.prefillPass(0.01 + 0.0001 * tokens, 1, tokens));
        }
    }

    private static final String SLA_LOAD_ONLY = "optimization_target: sla\nenable_throughput_scaling: false\n"
            + "enable_load_scaling: true\nload_adjustment_interval_seconds: 5\nmax_gpu_budget: -1\nttft_ms: 500\n"
            + "itl_ms: 50\n";

    /** One load tick on idle 3+3 engines, with requests having seen {@code observedTtftMs} in this window. */
    static PlannerDecision idleTick(PoolPlanner p, Instant at, double observedTtftMs) {
        p.observeTraffic(new TrafficSample(at, 5, 10, 2250, 150, observedTtftMs, 8, 2));
        p.observeEngines(idle(at, 3, 3));
        return p.tick(at, new ReplicaState(new Replicas(3, 3), false)).orElseThrow();
    }

    @Test
    void slaScaleDownWaitsForLoadMinObservationsOfRealData() {
        // the regression is ready from the start, but the first snapshots at a size must not release a worker
        PoolPlanner p = planner(SLA_LOAD_ONLY + "load_min_observations: 3\n");
        trainRegression(p);
        List<LoadReason> reasons = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            reasons.add(idleTick(p, T0.plusSeconds(5L * i), 150).prefillReason());
        }
        assertThat(reasons)
                .containsExactly(LoadReason.INSUFFICIENT_DATA, LoadReason.INSUFFICIENT_DATA, LoadReason.SCALE_DOWN);
    }

    @Test
    void observedTtftFarAboveTheEstimateCorrectsItInsteadOfScalingDown() {
        // estimate ~245 ms at an empty queue, requests saw 1000 ms (queueing, multi-chunk prompts)
        PoolPlanner p = planner(SLA_LOAD_ONLY + "load_min_observations: 1\n");
        trainRegression(p);
        PlannerDecision d = idleTick(p, T0, 1000);
        assertThat(d.prefillReason()).as(d.toString()).isEqualTo(LoadReason.SCALE_UP);
        assertThat(d.recommended().prefill()).isEqualTo(4);
        assertThat(d.estimates().estimatedTtftMs()).isCloseTo(1000, Offset.offset(1.0));

        // no_correction (Dynamo's flag): the uncorrected estimate decides, and it allows the scale-down
        PoolPlanner dynamo = planner(SLA_LOAD_ONLY + "load_min_observations: 1\nno_correction: true\n");
        trainRegression(dynamo);
        assertThat(idleTick(dynamo, T0, 1000).prefillReason()).isEqualTo(LoadReason.SCALE_DOWN);
    }

    /** One load tick on 3+3 engines with a little work each (not idle), requests having seen {@code observedTtftMs}. */
    static PlannerDecision lightTick(PoolPlanner p, Instant at, double observedTtftMs) {
        p.observeTraffic(new TrafficSample(at, 5, 10, 2250, 150, observedTtftMs, 8, 2));
        List<EngineLoad> pl = new ArrayList<>();
        List<EngineLoad> dl = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pl.add(new EngineLoad("p" + i, 0, 100, 0, 0, LIMITS, 1));
            dl.add(new EngineLoad("d" + i, 0, 0, 1000, 0, LIMITS, 2));
        }
        p.observeEngines(new EngineSnapshot(at, pl, dl));
        return p.tick(at, new ReplicaState(new Replicas(3, 3), false)).orElseThrow();
    }

    @Test
    void observedTtftBelowTheEstimateNeverLowersItAndUncheckedEstimatesDoNotScaleDown() {
        PoolPlanner p = planner(SLA_LOAD_ONLY + "load_min_observations: 1\n");
        trainRegression(p);
        // no request completed yet: the estimate is unchecked, so busy engines are not scaled down
        assertThat(lightTick(p, T0, Double.NaN).prefillReason()).isEqualTo(LoadReason.INSUFFICIENT_DATA);
        // observed 50 ms < estimate: factor stays 1 (an observation only makes the planner more careful);
        // anything under 2x the estimate counts as agreement too
        PlannerDecision d = idleTick(p, T0.plusSeconds(5), 50);
        assertThat(d.prefillReason()).isEqualTo(LoadReason.SCALE_DOWN);
        assertThat(d.estimates().estimatedTtftMs()).isCloseTo(245, Offset.offset(5.0));
    }

    @Test
    void idleEnginesScaleDownWithoutObservedLatencyAfterLoadMinObservations() {
        // no request completes in an idle pool, so its estimates can never be checked: idleness itself is the proof
        PoolPlanner p = planner(SLA_LOAD_ONLY + "load_min_observations: 3\n");
        trainRegression(p);
        List<LoadReason> reasons = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            reasons.add(idleTick(p, T0.plusSeconds(5L * i), Double.NaN).prefillReason());
        }
        assertThat(reasons)
                .containsExactly(LoadReason.INSUFFICIENT_DATA, LoadReason.INSUFFICIENT_DATA, LoadReason.SCALE_DOWN);

        // one busy snapshot restarts the count
        PoolPlanner q = planner(SLA_LOAD_ONLY + "load_min_observations: 2\n");
        trainRegression(q);
        idleTick(q, T0, Double.NaN);
        assertThat(lightTick(q, T0.plusSeconds(5), Double.NaN).prefillReason()).isEqualTo(LoadReason.INSUFFICIENT_DATA);
        assertThat(idleTick(q, T0.plusSeconds(10), Double.NaN).prefillReason()).isEqualTo(LoadReason.INSUFFICIENT_DATA);
        assertThat(idleTick(q, T0.plusSeconds(15), Double.NaN).prefillReason()).isEqualTo(LoadReason.SCALE_DOWN);
    }

    @Test
    void idleEnginesWhoseRequestsMissedTheSloAreNotScaledDownByTheIdleRule() {
        PoolPlanner p = planner(SLA_LOAD_ONLY + "load_min_observations: 2\n");
        trainRegression(p);
        idleTick(p, T0, 1000); // requests saw 2x the TTFT target: the correction decides, and it scales up
        assertThat(idleTick(p, T0.plusSeconds(5), 1000).prefillReason()).isEqualTo(LoadReason.SCALE_UP);
    }

    @Test
    void aDecodePlannerLeavesThePrefillCountAloneAndScalesDownAnIdlePool() {
        // the connector reports both counts (P1 from the GlobalPlanner's view); a decode planner must neither
        // propose prefill 0 on every tick nor restart its observation count because of it
        PoolPlanner p = planner("mode: decode\n" + SLA_LOAD_ONLY + "load_min_observations: 2\n");
        trainRegression(p);
        Replicas current = new Replicas(1, 2);
        List<PlannerDecision> out = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Instant t = T0.plusSeconds(5L * i);
            p.observeEngines(idle(t, 0, 2));
            out.add(p.tick(t, new ReplicaState(current, false)).orElseThrow());
        }
        assertThat(out.get(0).recommended()).isEqualTo(current);
        assertThat(out.get(0).changes()).isFalse();
        assertThat(out.get(0).action()).isEqualTo(Action.HOLD);
        assertThat(out.get(1).decodeReason()).isEqualTo(LoadReason.SCALE_DOWN);
        assertThat(out.get(1).recommended()).isEqualTo(new Replicas(1, 1));
    }

    @Test
    void configuredEngineLimitsFillWhatTheEnginesDoNotReport() {
        // the router reports no KV capacity yet: max_kv_tokens from the config makes the threshold target act
        // (scheduled + queued KV 105% of it: Dynamo's throughput target scales up over 100%)
        PoolPlanner p = planner("mode: decode\noptimization_target: throughput\nload_min_observations: 1\n"
                + "enable_throughput_scaling: false\nmax_kv_tokens: 10000\nmax_gpu_budget: -1\n");
        List<EngineLoad> full = List.of(
                new EngineLoad("d0", 0, 0, 9500, 1000, EngineLimits.UNKNOWN, 4),
                new EngineLoad("d1", 0, 0, 9500, 1000, EngineLimits.UNKNOWN, 4));
        p.observeEngines(new EngineSnapshot(T0, List.of(), full));
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(0, 2), false)).orElseThrow();
        assertThat(d.decodeReason()).as(d.toString()).isEqualTo(LoadReason.SCALE_UP);
        assertThat(d.recommended()).isEqualTo(new Replicas(0, 3));
    }

    @Test
    void cadenceRunsEachLoopAtItsOwnInterval() {
        PoolPlanner p = planner("optimization_target: sla\nenable_load_scaling: true\n"
                + "throughput_adjustment_interval_seconds: 60\nload_adjustment_interval_seconds: 25\n");
        assertThat(p.scaleInterval()).hasSeconds(5); // gcd(60, 25)
        Replicas one = new Replicas(1, 1);
        List<String> fired = new ArrayList<>();
        for (int s = 0; s <= 120; s += 5) {
            final int sec = s;
            p.tick(T0.plusSeconds(s), new ReplicaState(one, false))
                    .ifPresent(d -> fired.add(sec + ":" + (d.throughputReason() != ThroughputReason.UNSET ? "T" : "")
                            + (d.decodeReason() != LoadReason.UNSET ? "L" : "")));
        }
        assertThat(fired).containsExactly("0:TL", "25:L", "50:L", "60:T", "75:L", "100:L", "120:T");
    }

    @Test
    void warmUpPreloadsThePredictorsAndLeadingIdleWindowsAfterItAreSkipped() {
        PoolPlanner p = planner("optimization_target: sla\nload_predictor: kalman\nkalman_min_points: 3\n");
        // a warm-up trace of steady 1800 requests per interval
        p.warmUp(Collections.nCopies(20, new IntervalLoad(1800, 3000, 150)));
        // right after deploy the pool is idle: that window is skipped, the forecast stays on the warm-up level
        p.observeTraffic(new TrafficSample(T0, 180, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(1, 1), false)).orElseThrow();
        assertThat(d.prediction().numRequests()).isCloseTo(1800, Offset.offset(1.0));
        assertThat(d.recommended()).isEqualTo(new Replicas(3, 5));
    }
}
