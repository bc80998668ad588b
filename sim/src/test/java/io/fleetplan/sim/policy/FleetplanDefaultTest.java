package io.fleetplan.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.config.PlannerPresets;
import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.Replay;
import io.fleetplan.sim.replay.ReplayTest;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.replay.SimPool;
import io.fleetplan.sim.trace.SyntheticTraces;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planner configs fleetplan's default gives each pool: the shipped preset (prefill headroom, decode at Dynamo's sizing). */
class FleetplanDefaultTest {

    /** Runs a tiny replay and records fleetplan's planner config per pool at time 0. */
    static Map<String, PlannerConfig> configs(StackConfig stack) {
        return configs(PlannerPolicy.fleetplanDefault(), stack);
    }

    /** Runs a tiny replay and records {@code fleetplan}'s planner config per pool at time 0 (any planner policy). */
    static Map<String, PlannerConfig> configs(PlannerPolicy fleetplan, StackConfig stack) {
        Map<String, PlannerConfig> out = new LinkedHashMap<>();
        ScalingPolicy capture = new ScalingPolicy() {
            @Override
            public String name() {
                return "capture";
            }

            @Override
            public String description() {
                return "records fleetplan's planner configs";
            }

            @Override
            public void start(PolicyContext ctx) {
                for (SimPool p : ctx.pools()) {
                    out.put(p.name(), fleetplan.config(p, ctx));
                }
            }
        };
        Replay.run(SyntheticTraces.generate("poisson:rate=1,duration=5", 1), stack, capture, Replay.Settings.DEFAULTS,
                null);
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
        for (PlannerConfig p : c.values()) {
            assertThat(p.scaleDownStabilizationSeconds()).isEqualTo(30.0);
            assertThat(p.loadAdjustmentIntervalSeconds()).isEqualTo(5);
            assertThat(p.enableThroughputScaling()).isTrue();
            assertThat(p.enableLoadScaling()).isTrue();
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
        assertThat(replayed).usingRecursiveComparison().comparingOnlyFields("optimizationTarget",
                "enableThroughputScaling", "enableLoadScaling", "throughputAdjustmentIntervalSeconds",
                "loadAdjustmentIntervalSeconds", "loadPredictor", "loadScalingDownSensitivity",
                "scaleDownStabilizationSeconds", "ttftPlanningFactor", "itlPlanningFactor", "observedSloScaling",
                "throughputTargetUtilization", "noCorrection", "loadMinObservations", "maxNumFpmSamples")
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
