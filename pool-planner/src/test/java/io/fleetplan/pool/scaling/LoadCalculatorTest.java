package io.fleetplan.pool.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.perf.FpmPerfModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadCalculatorTest {

    private static final EngineLimits LIMITS = new EngineLimits(100_000, 2048, 256);

    static FpmPerfModel model() {
        FpmPerfModel m = new FpmPerfModel(64, 16, 5);
        for (int tokens = 500; tokens <= 4000; tokens += 500) {
            m.observe(Fpm.prefillPass(0.01 + 0.0001 * tokens, 1, tokens));
        }
        for (int n : new int[] {1, 2, 4, 8}) {
            for (int kv : new int[] {1000, 3000, 6000}) {
                m.observe(Fpm.decodePass(0.005 + 0.0002 * n + 0.00001 * kv, n, kv));
            }
        }
        return m;
    }

    private static EngineLoad decodeEngine(String id, double kv) {
        return new EngineLoad(id, 0, 0, kv, 0, LIMITS);
    }

    private static EngineLoad prefillEngine(String id, double queued) {
        return new EngineLoad(id, 0, queued, 0, 0, LIMITS);
    }

    @Test
    void scalesUpOnlyWhenEveryEngineIsOverTheItl() {
        FpmPerfModel m = model();
        double itl = m.estimateItlMs(5000) - 1; // an engine at 5000 KV tokens is over
        LoadCalculator calc = new LoadCalculator(true, 500, itl, 80, 1, LoadThresholds.THROUGHPUT);
        assertThat(calc.decode(List.of(decodeEngine("a", 5000), decodeEngine("b", 6000)), 2, m)
                        .reason())
                .isEqualTo(LoadReason.SCALE_UP);
        var one = calc.decode(List.of(decodeEngine("a", 5000), decodeEngine("b", 100)), 2, m);
        assertThat(one.reason()).as("one engine with room: no scale-up").isNotEqualTo(LoadReason.SCALE_UP);
        assertThat(one.desired()).isLessThanOrEqualTo(2);
    }

    @Test
    void theEnginesCurrentBatchNotTheHistoricAverageSizesTheItlEstimate() {
        // the model has seen batches of up to 64 requests (a busy hour); now each engine runs 1
        FpmPerfModel m = model();
        for (int i = 0; i < 64; i++) {
            m.observe(Fpm.decodePass(0.005 + 0.0002 * 64 + 0.00001 * 6000, 64, 6000));
        }
        double busy = m.estimateItlMs(1000);
        double quiet = m.estimateItlMs(1000, 1);
        assertThat(quiet).isLessThan(busy);
        double itl = (busy + quiet) / 2; // the average batch would refuse the scale-down, the current one allows it
        LoadCalculator calc = new LoadCalculator(true, 500, itl, 100, 1, LoadThresholds.THROUGHPUT);
        List<EngineLoad> quietEngines =
                List.of(new EngineLoad("a", 0, 0, 500, 0, LIMITS, 1), new EngineLoad("b", 0, 0, 500, 0, LIMITS, 1));
        assertThat(calc.decode(quietEngines, 2, m).reason()).isEqualTo(LoadReason.SCALE_DOWN);
        // without a running count (0 = unknown while KV is in use) the average still stands in: no scale-down
        assertThat(calc.decode(List.of(decodeEngine("a", 500), decodeEngine("b", 500)), 2, m)
                        .reason())
                .isIn(LoadReason.SCALE_UP, LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION);
    }

    @Test
    void scaleDownRefusedWhenConsolidationWouldBreakTheSlo() {
        FpmPerfModel m = model();
        double kv = 3000;
        double now = m.estimateItlMs(kv);
        double after = m.estimateItlMs(2 * kv); // N=2 -> c = 2: each survivor carries twice the KV
        double itl = after / 0.8 - 0.01; // 80% of the target is just below the consolidated estimate
        assertThat(now).isLessThan(itl * 0.8); // a flat per-engine threshold would have allowed it
        LoadCalculator calc = new LoadCalculator(true, 500, itl, 80, 1, LoadThresholds.THROUGHPUT);
        var r = calc.decode(List.of(decodeEngine("a", kv), decodeEngine("b", kv)), 2, m);
        assertThat(r.reason()).isEqualTo(LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION);
        assertThat(r.desired()).isEqualTo(2);

        LoadCalculator roomy = new LoadCalculator(true, 500, after / 0.8 + 0.01, 80, 1, LoadThresholds.THROUGHPUT);
        var ok = roomy.decode(List.of(decodeEngine("a", kv), decodeEngine("b", kv)), 2, m);
        assertThat(ok.reason()).isEqualTo(LoadReason.SCALE_DOWN);
        assertThat(ok.desired()).isEqualTo(1);
    }

    @Test
    void decodeScaleDownRefusedWhenTheSurvivorsKvWouldOverflow() {
        FpmPerfModel m = model();
        LoadCalculator calc = new LoadCalculator(true, 500, 1e9, 80, 1, LoadThresholds.THROUGHPUT);
        var r = calc.decode(List.of(decodeEngine("a", 60_000), decodeEngine("b", 60_000)), 2, m);
        assertThat(r.reason()).isEqualTo(LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION);
    }

    @Test
    void prefillConsolidation() {
        FpmPerfModel m = model();
        // T_own = ttft(queue 0) with avg ISL; budget = (ttft - T_own) * 0.8
        double own = m.estimateTtftMs(0, 2048);
        double withQueue = m.estimateTtftMs(2 * 1000, 2048); // c = 2 doubles each queue of 1000
        double ttft = own + (withQueue - own) / 0.8 - 0.01;
        LoadCalculator calc = new LoadCalculator(true, ttft, 50, 80, 1, LoadThresholds.THROUGHPUT);
        var engines = List.of(prefillEngine("a", 1000), prefillEngine("b", 1000));
        assertThat(calc.prefill(engines, 2, m).reason()).isEqualTo(LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION);
        LoadCalculator roomy = new LoadCalculator(true, ttft + 1, 50, 80, 1, LoadThresholds.THROUGHPUT);
        assertThat(roomy.prefill(engines, 2, m).reason()).isEqualTo(LoadReason.SCALE_DOWN);
    }

    @Test
    void waitingRoomTargetDoesNotScaleUpForAPromptLongerThanThePlanningTarget() {
        FpmPerfModel m = model();
        double own = m.estimateTtftMs(0, 2048);
        double slo = own * 2; // the mean prompt takes half the SLO on an idle engine
        double planning = slo * 0.4; // under the prompt's own prefill: every engine is "over" on an empty queue
        var idle = List.of(prefillEngine("a", 0), prefillEngine("b", 0));
        LoadCalculator plain = new LoadCalculator(true, planning, 50, 30, 1, LoadThresholds.THROUGHPUT);
        assertThat(plain.prefill(idle, 2, m).reason())
                .as("the plain target scales up idle engines")
                .isEqualTo(LoadReason.SCALE_UP);
        LoadCalculator room = new LoadCalculator(true, planning, 50, 30, 1, LoadThresholds.THROUGHPUT).waitingRoom(slo);
        assertThat(room.prefill(idle, 2, m).reason()).isNotEqualTo(LoadReason.SCALE_UP);
        // target = own + 0.4 x (slo - own) = 1.4 own: a queue that pushes every estimate past it still scales up
        double queued = 0;
        while (m.estimateTtftMs(queued, 2048) <= 1.4 * own + 1) {
            queued += 100;
        }
        var busy = List.of(prefillEngine("a", queued), prefillEngine("b", queued));
        assertThat(room.prefill(busy, 2, m).reason()).isEqualTo(LoadReason.SCALE_UP);
    }

    @Test
    void waitingRoomTargetGivesNoEstimateStepForAPromptThatTakesTheWholeSlo() {
        FpmPerfModel m = model();
        double own = m.estimateTtftMs(0, 2048);
        LoadCalculator room =
                new LoadCalculator(true, own * 0.4, 50, 30, 1, LoadThresholds.THROUGHPUT).waitingRoom(own * 0.9);
        var queued = List.of(prefillEngine("a", 50_000), prefillEngine("b", 50_000));
        assertThat(room.prefill(queued, 2, m).reason()).isEqualTo(LoadReason.NO_CHANGE);
        var idle = List.of(prefillEngine("a", 0), prefillEngine("b", 0));
        assertThat(room.prefill(idle, 2, m).desired()).isEqualTo(2);
    }

    @Test
    void neverBelowMinEndpointAndSensitivityZeroNeverScalesDown() {
        FpmPerfModel m = model();
        LoadCalculator calc = new LoadCalculator(true, 500, 1e9, 80, 2, LoadThresholds.THROUGHPUT);
        assertThat(calc.decode(List.of(decodeEngine("a", 0), decodeEngine("b", 0)), 2, m)
                        .reason())
                .isEqualTo(LoadReason.NO_CHANGE);
        LoadCalculator never = new LoadCalculator(true, 500, 1e9, 0, 1, LoadThresholds.THROUGHPUT);
        assertThat(never.decode(List.of(decodeEngine("a", 0), decodeEngine("b", 0)), 2, m)
                        .desired())
                .isEqualTo(2);
    }

    @Test
    void emptyOrNanMetricsHold() {
        LoadCalculator calc = new LoadCalculator(true, 500, 50, 80, 1, LoadThresholds.THROUGHPUT);
        assertThat(calc.decode(List.of(), 3, model()).reason()).isEqualTo(LoadReason.NO_FPM_DATA);
        var nan = calc.decode(List.of(decodeEngine("a", Double.NaN), decodeEngine("b", 0)), 2, model());
        assertThat(nan.reason()).isEqualTo(LoadReason.NO_FPM_DATA);
        assertThat(nan.desired()).isEqualTo(2);
        assertThat(calc.decode(List.of(decodeEngine("a", 0)), 1, new FpmPerfModel(64, 16, 5))
                        .reason())
                .isEqualTo(LoadReason.INSUFFICIENT_DATA);
    }

    @Test
    void thresholdTargets() {
        LoadCalculator thr = new LoadCalculator(false, 500, 50, 80, 1, LoadThresholds.THROUGHPUT);
        FpmPerfModel none = new FpmPerfModel(64, 16, 5);
        // prefill: queued / 2048 >= 1.0 on any engine -> up
        assertThat(thr.prefill(List.of(prefillEngine("a", 2048), prefillEngine("b", 0)), 2, none)
                        .reason())
                .isEqualTo(LoadReason.SCALE_UP);
        // decode utilisation 0.5 and 0.55 (< 0.6): down, and 0.55 x 2 = 1.1 >= 1.0 -> refused for consolidation
        assertThat(thr.decode(List.of(decodeEngine("a", 50_000), decodeEngine("b", 55_000)), 2, none)
                        .reason())
                .isEqualTo(LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION);
        assertThat(thr.decode(List.of(decodeEngine("a", 20_000), decodeEngine("b", 30_000)), 2, none)
                        .reason())
                .isEqualTo(LoadReason.SCALE_DOWN);
        // latency: decode up above 0.4
        LoadCalculator lat = new LoadCalculator(false, 500, 50, 80, 1, LoadThresholds.LATENCY);
        assertThat(lat.decode(List.of(decodeEngine("a", 41_000)), 1, none).reason())
                .isEqualTo(LoadReason.SCALE_UP);
        // latency: prefill down only when every queue is empty
        assertThat(lat.prefill(List.of(prefillEngine("a", 1), prefillEngine("b", 0)), 2, none)
                        .reason())
                .isEqualTo(LoadReason.NO_CHANGE);
    }
}
