package io.fleetplan.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.sim.replay.ReplayTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The developer tools' variant spec: {@code name:a.FIELD=v;p.FIELD=v;ttft_margin=m}. */
class PlannerPolicyVariantTest {

    @Test
    void aSpecSetsEveryPoolThenPrefillPoolsOverTheDefault() {
        PlannerPolicy v = PlannerPolicy.fleetplanDefault()
                .variant("u8:a.throughput_target_utilization=0.8;p.throughput_target_utilization=0.6;"
                        + "a.observed_slo_scaling=false;a.load_adjustment_interval_seconds=10");
        Map<String, PlannerConfig> c = FleetplanDefaultTest.configs(v, ReplayTest.stack());

        assertThat(v.name()).isEqualTo("u8");
        assertThat(c.get("decode").throughputTargetUtilization()).isEqualTo(0.8);
        assertThat(c.get("prefill").throughputTargetUtilization()).isEqualTo(0.6);
        assertThat(c.get("decode").observedSloScaling()).isFalse();
        assertThat(c.get("prefill").loadAdjustmentIntervalSeconds()).isEqualTo(10);
        // what the spec does not name stays the shipped preset's
        assertThat(c.get("prefill").ttftPlanningFactor()).isEqualTo(0.4);
    }

    @Test
    void marginsAndABareNameAreVariantsToo() {
        PlannerPolicy base = PlannerPolicy.fleetplanDefault();
        assertThat(base.variant("same").name()).isEqualTo("same");
        assertThat(base.variant("same").ttftMargin()).isEqualTo(base.ttftMargin());
        assertThat(base.variant("m:ttft_margin=0.5;itl_margin=0.9").ttftMargin())
                .isEqualTo(0.5);
        assertThat(base.variant("m:ttft_margin=0.5;itl_margin=0.9").itlMargin()).isEqualTo(0.9);
    }

    @Test
    void aPartThatIsNoKeyValueOrHasAnUnknownKeyIsNamed() {
        PlannerPolicy base = PlannerPolicy.fleetplanDefault();
        assertThatThrownBy(() -> base.variant("x:a.load_predictor"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a.load_predictor' is not key=value");
        assertThatThrownBy(() -> base.variant("x:load_predictor=constant"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 'load_predictor'")
                .hasMessageContaining("a.FIELD, p.FIELD");
    }
}
