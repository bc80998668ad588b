package io.fleetplan.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.config.PlannerPresets;
import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.PolicyContexts;
import io.fleetplan.sim.replay.ReplayTest;
import io.fleetplan.sim.replay.SimPool;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planner configs fleetplan's default gives each pool: the shipped preset (prefill headroom, decode at Dynamo's sizing). */
class FleetplanDefaultTest {

    /** fleetplan's planner config per pool of {@code stack}, as at the start of a replay. */
    static Map<String, PlannerConfig> configs(StackConfig stack) {
        return configs(PlannerPolicy.fleetplanDefault(), stack);
    }

    /** {@code policy}'s planner config per pool of {@code stack}, as at the start of a replay (any planner policy). */
    static Map<String, PlannerConfig> configs(PlannerPolicy policy, StackConfig stack) {
        PolicyContext ctx = PolicyContexts.atStart(stack, policy.arbitrated());
        Map<String, PlannerConfig> out = new LinkedHashMap<>();
        for (SimPool p : ctx.pools()) {
            out.put(p.name(), policy.config(p, ctx));
        }
        return out;
    }

    @Test
    void prefillGetsHeadroomDecodeKeepsFullCapacity() {
        Map<String, PlannerConfig> c = configs(ReplayTest.stack());
        PlannerConfig prefill = c.get("prefill");
        PlannerConfig decode = c.get("decode");
        assertThat(prefill.throughputTargetUtilization()).isEqualTo(0.5);
        assertThat(prefill.throughputAdjustmentIntervalSeconds()).isEqualTo(30);
        assertThat(decode.throughputTargetUtilization()).isEqualTo(1.0);
        assertThat(decode.throughputAdjustmentIntervalSeconds()).isEqualTo(60);
        // prefill keeps a released engine for a start-up plus an interval; decode keeps the 30 s of the load loop
        assertThat(prefill.scaleDownStabilizationSeconds()).isEqualTo(90.0);
        assertThat(decode.scaleDownStabilizationSeconds()).isEqualTo(30.0);
        assertThat(prefill.prefillLateFraction()).isEqualTo(0.01);
        assertThat(prefill.prefillWaitingRoomTarget()).isTrue();
        for (PlannerConfig p : c.values()) {
            assertThat(p.loadAdjustmentIntervalSeconds()).isEqualTo(5);
            assertThat(p.enableThroughputScaling()).isTrue();
            assertThat(p.enableLoadScaling()).isTrue();
            assertThat(p.decodeContextWindowSeconds()).isEqualTo(60.0);
            assertThat(p.forecastHorizonSeconds()).isZero();
        }
        // the SLO stays the SLO; the planning factors of the preset make the calculators plan lower
        assertThat(prefill.ttftMs()).isEqualTo(500);
        assertThat(prefill.ttftPlanningFactor()).isEqualTo(0.4);
        assertThat(decode.itlPlanningFactor()).isEqualTo(0.94);
        assertThat(decode.observedSloScaling()).isTrue();
    }

    @Test
    void theReplayedDefaultIsTheShippedPresetAndNothingElse() {
        // what a bare `fleetplan pool-planner` and `fleetplan up` load, field for field, but what the stack fills in
        Map<String, PlannerConfig> c = configs(ReplayTest.stack());
        PlannerConfig shipped = PlannerPresets.recommended(Map.of("mode", "decode"));
        PlannerConfig replayed = c.get("decode");
        assertThat(replayed.preset()).isEqualTo("fleetplan");
        assertThat(replayed)
                .usingRecursiveComparison()
                .comparingOnlyFields(
                        "optimizationTarget",
                        "enableThroughputScaling",
                        "enableLoadScaling",
                        "throughputAdjustmentIntervalSeconds",
                        "loadAdjustmentIntervalSeconds",
                        "loadPredictor",
                        "loadScalingDownSensitivity",
                        "scaleDownStabilizationSeconds",
                        "ttftPlanningFactor",
                        "itlPlanningFactor",
                        "observedSloScaling",
                        "throughputTargetUtilization",
                        "noCorrection",
                        "loadMinObservations",
                        "maxNumFpmSamples")
                .isEqualTo(shipped);
    }

    @Test
    void theStacksPlannerSectionWins() {
        StackConfig stack = ConfigLoader.parse("""
                budget: {max_total_gpus: 6}
                pools:
                  - {name: prefill, mode: prefill, max_replicas: 4, planner: {throughput_target_utilization: 0.8}}
                  - {name: decode, mode: decode, max_replicas: 4}
                """, "test stack", StackConfig.class);
        assertThat(configs(stack).get("prefill").throughputTargetUtilization()).isEqualTo(0.8);
    }
}
