package io.fleetplan.pool.core;

import static io.fleetplan.pool.core.PoolPlannerTest.LIMITS;
import static io.fleetplan.pool.core.PoolPlannerTest.T0;
import static io.fleetplan.pool.core.PoolPlannerTest.planner;
import static io.fleetplan.pool.core.PoolPlannerTest.trainRegression;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.Replicas;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** observed_slo_scaling: what requests saw decides when the estimates look fine (issue: live overload not seen). */
class ObservedSloScalingTest {

    private static final String LOAD = "optimization_target: sla\nenable_throughput_scaling: false\n"
            + "enable_load_scaling: true\nload_adjustment_interval_seconds: 5\nmax_gpu_budget: -1\nttft_ms: 500\n"
            + "itl_ms: 50\nload_min_observations: 1\n";
    private static final String GUARDED = LOAD + "observed_slo_scaling: true\n";

    /** A 10 s window: {@code arrivals} arrived, {@code finished} finished with mean TTFT {@code ttftMs}. */
    static TrafficSample window(Instant at, double arrivals, double finished, double ttftMs, double oldestWaitMs) {
        return new TrafficSample(at, 10, finished, 2250, 150, ttftMs, 8, Double.NaN, arrivals, oldestWaitMs);
    }

    static EngineSnapshot engines(Instant at, int p, double queuedPrefill, int d, double queuedKv) {
        List<EngineLoad> pl = new ArrayList<>();
        List<EngineLoad> dl = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            pl.add(new EngineLoad("p" + i, 0, queuedPrefill, 0, 0, LIMITS, queuedPrefill > 0 ? 1 : 0));
        }
        for (int i = 0; i < d; i++) {
            dl.add(new EngineLoad("d" + i, 0, 0, 1000, queuedKv, LIMITS, 2));
        }
        return new EngineSnapshot(at, pl, dl);
    }

    private static PlannerDecision tick(
            PoolPlanner p, Instant at, EngineSnapshot s, TrafficSample recent, Replicas current) {
        p.observeEngines(s);
        if (recent != null) {
            p.observeRecent(recent);
        }
        return p.tick(at, new ReplicaState(current, false)).orElseThrow();
    }

    @Test
    void aMissScalesUpByTheDeficitNotOneReplica() {
        PoolPlanner p = planner(GUARDED);
        trainRegression(p);
        // 2 prefill engines with an empty queue (just scaled up: estimates ~ 0) while 3x more arrive than finish:
        // measured 2 x 300/100 = 6; the model (235 ms per 2250-token prompt: 4.26/s per engine) wants 30/4.26 -> 8
        PlannerDecision d = tick(p, T0, engines(T0, 2, 0, 2, 0), window(T0, 300, 100, 4000, 9000), new Replicas(2, 2));
        assertThat(d.prefillReason()).as(d.toString()).isEqualTo(LoadReason.SCALE_UP_SLO_MISS);
        assertThat(d.recommended().prefill()).isEqualTo(8);
        // with fewer arrivals the measured ratio decides: 2 x 150/40 = 7.5 -> 8 against the model's 15/4.26 -> 4
        PoolPlanner q = planner(GUARDED);
        trainRegression(q);
        PlannerDecision e = tick(q, T0, engines(T0, 2, 0, 2, 0), window(T0, 150, 40, 4000, 9000), new Replicas(2, 2));
        assertThat(e.recommended().prefill()).as(e.toString()).isEqualTo(8);
    }

    @Test
    void withoutTheFlagThePlannerKeepsDynamosRule() {
        PoolPlanner p = planner(LOAD);
        trainRegression(p);
        PlannerDecision d = tick(p, T0, engines(T0, 2, 0, 2, 0), window(T0, 300, 100, 4000, 9000), new Replicas(2, 2));
        assertThat(d.prefillReason()).isNotEqualTo(LoadReason.SCALE_UP_SLO_MISS);
        assertThat(d.recommended().prefill()).isLessThanOrEqualTo(2);
    }

    @Test
    void aComponentThatMissedIsNeverScaledDown() {
        PoolPlanner p = planner(GUARDED);
        trainRegression(p);
        // idle-looking engines, but the oldest request has waited 2 s for its first token
        PlannerDecision d = null;
        for (int i = 0; i < 6; i++) {
            Instant at = T0.plusSeconds(5L * i);
            d = tick(p, at, engines(at, 3, 0, 3, 0), window(at, 20, 20, 100, 2000), new Replicas(3, 3));
            assertThat(d.recommended().prefill()).as(d.toString()).isGreaterThanOrEqualTo(3);
        }
        assertThat(d.prefillReason()).isIn(LoadReason.SCALE_DOWN_REFUSED_SLO_MISS, LoadReason.SCALE_UP_SLO_MISS);
    }

    @Test
    void whileNewReplicasStartTheDeficitIsMeasuredOnTheServingOnes() {
        PoolPlanner p = planner(GUARDED);
        trainRegression(p);
        // granted 4, 2 registered so far (worker_count_mismatch): 2 x 150/40 -> 8 are needed, more than granted
        PlannerDecision d =
                tick(p, T0, engines(T0, 2, 20_000, 2, 0), window(T0, 150, 40, 4000, 9000), new Replicas(4, 2));
        assertThat(d.prefillReason()).as(d.toString()).isEqualTo(LoadReason.SCALE_UP_SLO_MISS);
        assertThat(d.recommended().prefill()).isEqualTo(8);
        // when the granted replicas cover the measured deficit, starting ones are not stacked with more
        PoolPlanner q = planner(GUARDED);
        trainRegression(q);
        PlannerDecision e =
                tick(q, T0, engines(T0, 2, 20_000, 2, 0), window(T0, 160, 100, 4000, 9000), new Replicas(4, 2));
        assertThat(e.recommended().prefill()).as(e.toString()).isEqualTo(4);
    }

    @Test
    void aDecodeEnginesWaitingPromptsAreDecodePressure() {
        // a decode worker holding 800 waiting requests reports them as queued prefill: that is decode demand
        PoolPlanner p = planner(LOAD + "mode: decode\n");
        trainRegression(p);
        List<EngineLoad> dl = List.of(new EngineLoad("d0", 0, 800 * 3000, 98_000, 0, LIMITS, 256));
        p.observeEngines(new EngineSnapshot(T0, List.of(), dl));
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(0, 1), false)).orElseThrow();
        assertThat(d.decodeReason()).as(d.toString()).isEqualTo(LoadReason.SCALE_UP);
    }

    @Test
    void aMissWindowRightAfterAnEngineJoinedDoesNotAddAnother() {
        PoolPlanner p = planner(GUARDED + "mode: decode\n");
        trainRegression(p);
        PlannerDecision first =
                tick(p, T0, engines(T0, 0, 0, 1, 0), window(T0, 26, 20, 3000, 6000), new Replicas(0, 1));
        assertThat(first.recommended().decode()).as(first.toString()).isEqualTo(2);
        // the second engine serves; the window's requests still ran on the first one (1 x 26/20 -> 2)
        Instant joined = T0.plusSeconds(60);
        PlannerDecision after =
                tick(p, joined, engines(joined, 0, 0, 2, 0), window(joined, 26, 20, 3000, 6000), new Replicas(0, 2));
        assertThat(after.recommended().decode()).as(after.toString()).isEqualTo(2);
        // once requests that started after the join have finished (2 windows + TTFT + OSL x ITL = 18 s), a miss with
        // every engine serving is the new size's own: one more
        Instant settled = joined.plusSeconds(20);
        PlannerDecision later =
                tick(p, settled, engines(settled, 0, 0, 2, 0), window(settled, 26, 20, 3000, 6000), new Replicas(0, 2));
        assertThat(later.decodeReason()).as(later.toString()).isEqualTo(LoadReason.SCALE_UP_SLO_MISS);
        assertThat(later.recommended().decode()).isEqualTo(3);
    }

    /** A 10 s window on prefill whose means are in time; {@code waited} of its 20 prompts waited 900 ms. */
    private static TrafficSample promptWindow(Instant at, int waited, double oldestWaitMs, double oldestIsl) {
        FinishedPrompts.Builder b = new FinishedPrompts.Builder();
        for (int i = 0; i < 20; i++) {
            b.add(2250, i < waited ? 900 : 250); // 235 ms alone
        }
        return new TrafficSample(
                at, 10, 20, 2250, 150, 300, 8, Double.NaN, 20, oldestWaitMs, Double.NaN, oldestIsl, b.build());
    }

    @Test
    void onePromptInTwentyThatWaitedIsAMissThoughTheWindowsMeanIsInTime() {
        PoolPlanner p = planner(GUARDED);
        trainRegression(p);
        PlannerDecision d =
                tick(p, T0, engines(T0, 3, 0, 3, 0), promptWindow(T0, 1, 0, Double.NaN), new Replicas(3, 3));
        assertThat(d.prefillReason()).as(d.toString()).isEqualTo(LoadReason.SCALE_UP_SLO_MISS);
        assertThat(d.recommended().prefill()).isEqualTo(4);
        PoolPlanner q = planner(GUARDED);
        trainRegression(q);
        PlannerDecision e =
                tick(q, T0, engines(T0, 3, 0, 3, 0), promptWindow(T0, 0, 0, Double.NaN), new Replicas(3, 3));
        assertThat(e.prefillReason()).as(e.toString()).isNotEqualTo(LoadReason.SCALE_UP_SLO_MISS);
        // prefill_late_fraction is the share the throughput loop sizes for: one in twenty is more than 1 %, not 10 %
        PoolPlanner r = planner(GUARDED + "prefill_late_fraction: 0.1\n");
        trainRegression(r);
        PlannerDecision f =
                tick(r, T0, engines(T0, 3, 0, 3, 0), promptWindow(T0, 1, 0, Double.NaN), new Replicas(3, 3));
        assertThat(f.prefillReason()).as(f.toString()).isNotEqualTo(LoadReason.SCALE_UP_SLO_MISS);
    }

    @Test
    void aLongPromptInItsOwnPrefillIsNoQueue() {
        // the oldest request has waited 2 s for its first token: a 20,000-token prompt takes that alone (~2 s)
        PoolPlanner p = planner(GUARDED);
        trainRegression(p);
        PlannerDecision d = tick(p, T0, engines(T0, 3, 0, 3, 0), promptWindow(T0, 0, 2000, 20_000), new Replicas(3, 3));
        assertThat(d.prefillReason()).as(d.toString()).isNotEqualTo(LoadReason.SCALE_UP_SLO_MISS);
        // a 2,250-token prompt (235 ms alone) that waited 2 s is
        PoolPlanner q = planner(GUARDED);
        trainRegression(q);
        PlannerDecision e = tick(q, T0, engines(T0, 3, 0, 3, 0), promptWindow(T0, 0, 2000, 2250), new Replicas(3, 3));
        assertThat(e.prefillReason()).as(e.toString()).isEqualTo(LoadReason.SCALE_UP_SLO_MISS);
    }

    @Test
    void aDecodePoolsAdmissionWaitIsAMiss() {
        PoolPlanner p = planner(GUARDED + "mode: decode\n");
        trainRegression(p);
        // ITL of running requests is fine; handed-off requests wait 3 s for a batch slot (the decode router's TTFT)
        PlannerDecision d = tick(p, T0, engines(T0, 0, 0, 1, 0), window(T0, 150, 50, 3000, 6000), new Replicas(0, 1));
        assertThat(d.decodeReason()).as(d.toString()).isEqualTo(LoadReason.SCALE_UP_SLO_MISS);
        // at least the measured 1 x 150/50 = 3; the decode model may want more
        assertThat(d.recommended().decode()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void anIdleWindowClearsTheLatencyCorrectionOfTheLastBusyOne() {
        PoolPlanner p = planner("optimization_target: sla\nenable_load_scaling: true\nload_predictor: constant\n"
                + "throughput_adjustment_interval_seconds: 10\nload_adjustment_interval_seconds: 5\nmax_gpu_budget: -1\n"
                + "load_min_observations: 1\n");
        trainRegression(p);
        Replicas three = new Replicas(3, 3);
        // a busy window whose requests saw 10 s TTFT against a ~250 ms estimate: factor 10
        p.observeTraffic(new TrafficSample(T0, 10, 100, 2250, 150, 10_000, 8, 2));
        p.observeEngines(engines(T0, 3, 100, 3, 0));
        p.tick(T0, new ReplicaState(three, false));
        // the queue drained and nothing arrives any more: the next window is idle
        Instant later = T0.plusSeconds(10);
        p.observeTraffic(new TrafficSample(later, 10, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
        p.observeEngines(PoolPlannerTest.idle(later, 3, 3));
        PlannerDecision d = p.tick(later, new ReplicaState(three, false)).orElseThrow();
        assertThat(d.prefillReason()).as(d.toString()).isNotEqualTo(LoadReason.SCALE_UP);
        assertThat(d.estimates().estimatedTtftMs()).isLessThan(500);
    }

    @Test
    void promptsTooLongForTheSloEvenAloneAreNotAMissMoreEnginesCanFix() {
        PoolPlanner p = planner(GUARDED);
        trainRegression(p);
        // 20k-token prompts take ~2 s on an idle engine: requests that saw 2.5 s mostly were prefilled, not queued
        TrafficSample longPrompts = new TrafficSample(T0, 10, 20, 20_000, 150, 2500, 8, Double.NaN, 20, 2600);
        PlannerDecision d = tick(p, T0, engines(T0, 3, 0, 3, 0), longPrompts, new Replicas(3, 3));
        assertThat(d.prefillReason()).as(d.toString()).isNotEqualTo(LoadReason.SCALE_UP_SLO_MISS);
        // the same prompts after 8 s in a queue are a miss
        PoolPlanner q = planner(GUARDED);
        trainRegression(q);
        TrafficSample queued = new TrafficSample(T0, 10, 20, 20_000, 150, 8000, 8, Double.NaN, 60, 9000);
        PlannerDecision e = tick(q, T0, engines(T0, 3, 0, 3, 0), queued, new Replicas(3, 3));
        assertThat(e.prefillReason()).as(e.toString()).isEqualTo(LoadReason.SCALE_UP_SLO_MISS);
    }

    @Test
    void aDrainedBacklogNoLongerHoldsTheCorrectionUpForTheRestOfTheThroughputWindow() {
        String both = "optimization_target: sla\nenable_load_scaling: true\nload_predictor: constant\n"
                + "throughput_adjustment_interval_seconds: 60\nload_adjustment_interval_seconds: 5\nmax_gpu_budget: -1\n"
                + "load_min_observations: 1\nobserved_slo_scaling: true\n";
        PoolPlanner p = planner(both);
        trainRegression(p);
        Replicas three = new Replicas(3, 3);
        // a minute of load runs (estimates ~255 ms), then the throughput window: its requests saw 10 s (a backlog),
        // so the factor becomes 10
        for (int i = 0; i <= 12; i++) {
            Instant at = T0.plusSeconds(5L * i);
            if (i == 12) {
                p.observeTraffic(new TrafficSample(at, 60, 300, 2250, 150, 10_000, 8, 2));
            }
            p.observeEngines(engines(at, 3, 100, 3, 0));
            p.tick(at, new ReplicaState(three, false));
        }
        // 5 s later the queue has drained: requests of the recent window saw 150 ms
        Instant later = T0.plusSeconds(65);
        PlannerDecision d = tick(p, later, engines(later, 3, 100, 3, 0), window(later, 40, 40, 150, 100), three);
        assertThat(d.estimates().estimatedTtftMs()).as(d.toString()).isLessThan(500);
        assertThat(d.prefillReason()).isNotEqualTo(LoadReason.SCALE_UP);
    }
}
