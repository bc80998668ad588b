package io.fleetplan.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.sim.replay.ReplayTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Dynamo baselines as a Dynamo operator deploys them: Dynamo's defaults and a profile of the pool's engine. */
class DynamoBaselinesTest {

    private static Map<String, PlannerConfig> configs(PlannerPolicy policy, StackConfig stack) {
        return FleetplanDefaultTest.configs(policy, stack);
    }

    @Test
    void dynamoDefaults_theSloAsTarget_andTheThroughputLoopDecidesOncePerInterval() {
        StackConfig stack = ReplayTest.stack();
        PlannerConfig throughput = configs(DynamoBaselines.throughput(), stack).get("prefill");
        assertThat(throughput.enableThroughputScaling()).isTrue();
        assertThat(throughput.enableLoadScaling()).isFalse();
        assertThat(throughput.throughputAdjustmentIntervalSeconds()).isEqualTo(180);
        assertThat(throughput.loadPredictor()).isEqualTo("arima");
        assertThat(throughput.scaleIntervalSeconds())
                .as("first decision after one full interval")
                .isEqualTo(180);
        assertThat(throughput.ttftMs()).isEqualTo(stack.slo().ttftMs());
        assertThat(throughput.itlMs()).isEqualTo(stack.slo().itlMs());
        PlannerConfig load = configs(DynamoBaselines.load(), stack).get("decode");
        assertThat(load.enableLoadScaling()).isTrue();
        assertThat(load.enableThroughputScaling()).isFalse();
        assertThat(load.loadAdjustmentIntervalSeconds()).isEqualTo(5);
        assertThat(load.loadScalingDownSensitivity()).isEqualTo(80);
        assertThat(load.loadMinObservations()).isEqualTo(5);
        assertThat(load.noCorrection()).isFalse();
        PlannerConfig hybrid = configs(DynamoBaselines.hybrid(), stack).get("prefill");
        assertThat(hybrid.enableThroughputScaling()).isTrue();
        assertThat(hybrid.enableLoadScaling()).isTrue();
        assertThat(hybrid.scaleIntervalSeconds()).as("the load loop's cadence").isEqualTo(5);
        assertThat(PlannerPolicy.dynamoThroughput().name()).isEqualTo("dynamo-throughput");
        assertThat(PlannerPolicy.dynamoLoad().name()).isEqualTo("dynamo-load");
    }

    @Test
    void profile_isOfThePoolsOwnEngine_slowerEngineSlowerProfile() {
        EngineConfig fast = EngineConfig.defaults();
        EngineConfig slow = fast.toBuilder().speedupRatio(0.25).build();
        ProfileData f = DynamoBaselines.profile(fast, 1);
        ProfileData s = DynamoBaselines.profile(slow, 1);
        assertThat(f.prefillIsl()).isNotEmpty();
        assertThat(f.fpm()).isNotEmpty();
        assertThat(s.prefillTtft()[0]).isGreaterThan(3 * f.prefillTtft()[0]);
        assertThat(DynamoBaselines.profile(fast, 1))
                .as("computed once per engine")
                .isSameAs(f);
        assertThat(f.prefillIsl()[f.prefillIsl().length - 1])
                .as("long prompts profiled where the KV cache holds them")
                .isGreaterThan(16384);
    }
}
