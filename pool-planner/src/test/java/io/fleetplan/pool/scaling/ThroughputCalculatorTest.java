package io.fleetplan.pool.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.perf.CapacityModel;
import io.fleetplan.pool.perf.EngineCapacity;
import io.fleetplan.pool.perf.EngineLimits;
import org.junit.jupiter.api.Test;

class ThroughputCalculatorTest {

    /** One prefill engine serves 2 req/s, one decode engine 1.5 req/s. */
    static final CapacityModel FIXED = new CapacityModel() {
        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public EngineCapacity prefill(double isl, double t, EngineLimits l) {
            return new EngineCapacity(2.0, 100);
        }

        @Override
        public EngineCapacity decode(double isl, double osl, double itl, EngineLimits l) {
            return new EngineCapacity(1.5, 40);
        }

        @Override
        public String kind() {
            return "fixed";
        }
    };

    private static ThroughputCalculator.Result run(PoolMode mode, int minEp, double requests) {
        return new ThroughputCalculator(mode, minEp, 500, 50)
                .compute(
                        new ThroughputCalculator.Demand(requests, 3000, 150, 180),
                        FIXED,
                        EngineLimits.UNKNOWN,
                        new Replicas(1, 1));
    }

    @Test
    void disaggHandWorked() {
        // 540 requests / 180 s = 3 req/s: prefill ceil(3/2) = 2, decode ceil(3/1.5) = 2
        var r = run(PoolMode.DISAGG, 1, 540);
        assertThat(r.reason()).isEqualTo(ThroughputReason.SCALE);
        assertThat(r.replicas()).isEqualTo(new Replicas(2, 2));
        // 900 requests = 5 req/s: prefill 3, decode ceil(3.33) = 4
        assertThat(run(PoolMode.DISAGG, 1, 900).replicas()).isEqualTo(new Replicas(3, 4));
    }

    @Test
    void minEndpointIsTheFloor() {
        assertThat(run(PoolMode.DISAGG, 3, 540).replicas()).isEqualTo(new Replicas(3, 3));
    }

    @Test
    void aggregatedEnginesDoBothHalves() {
        // 1 / (1/2 + 1/1.5) = 0.857 req/s per engine; 3 req/s -> ceil(3.5) = 4
        assertThat(run(PoolMode.AGG, 1, 540).replicas()).isEqualTo(new Replicas(0, 4));
    }

    @Test
    void singleComponentModesSizeOnlyTheirHalf() {
        assertThat(run(PoolMode.PREFILL, 1, 540).replicas()).isEqualTo(new Replicas(2, 0));
        assertThat(run(PoolMode.DECODE, 1, 540).replicas()).isEqualTo(new Replicas(0, 2));
    }

    @Test
    void idleTrafficGoesToMinEndpointButUnknownTrafficHolds() {
        assertThat(run(PoolMode.DISAGG, 1, 0).replicas()).isEqualTo(new Replicas(1, 1));
        var nan = run(PoolMode.DISAGG, 1, Double.NaN);
        assertThat(nan.reason()).isEqualTo(ThroughputReason.NO_TRAFFIC_DATA);
        assertThat(nan.replicas()).isEqualTo(new Replicas(1, 1));
    }

    @Test
    void noModelHolds() {
        var r = new ThroughputCalculator(PoolMode.DISAGG, 1, 500, 50)
                .compute(
                        new ThroughputCalculator.Demand(540, 3000, 150, 180),
                        null,
                        EngineLimits.UNKNOWN,
                        new Replicas(4, 4));
        assertThat(r.reason()).isEqualTo(ThroughputReason.MODEL_NOT_READY);
        assertThat(r.replicas()).isEqualTo(new Replicas(4, 4));
    }

    /** One engine computes 6000 prompt tokens/s (rate = 6000 / isl) and decodes 1.5 req/s whatever the ISL. */
    static final CapacityModel TOKENS = new CapacityModel() {
        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public EngineCapacity prefill(double isl, double t, EngineLimits l) {
            return new EngineCapacity(6000 / isl, isl / 6);
        }

        @Override
        public EngineCapacity decode(double isl, double osl, double itl, EngineLimits l) {
            assertThat(isl).as("decode holds the whole context").isEqualTo(3000);
            return new EngineCapacity(1.5, 40);
        }

        @Override
        public String kind() {
            return "tokens";
        }
    };

    @Test
    void prefillIsSizedForTheIslLessTheRoutersKvHits() {
        ThroughputCalculator c = new ThroughputCalculator(PoolMode.DISAGG, 1, 500, 50);
        // 10 req/s of 3000-token prompts: 2 prompts/s per engine -> 5 prefill engines without a hit rate
        var none = c.compute(
                new ThroughputCalculator.Demand(1800, 3000, 150, 180),
                TOKENS,
                EngineLimits.UNKNOWN,
                new Replicas(1, 1));
        assertThat(none.replicas()).isEqualTo(new Replicas(5, 7));
        // 60% of the prompt found in the prefix cache: effective ISL 1200, 5 prompts/s per engine -> 2
        var hit = c.compute(
                new ThroughputCalculator.Demand(1800, 3000, 150, 180, 0.6),
                TOKENS,
                EngineLimits.UNKNOWN,
                new Replicas(1, 1));
        assertThat(hit.replicas()).isEqualTo(new Replicas(2, 7));
        assertThat(new ThroughputCalculator.Demand(1, 3000, 150, 180, 1.7).effectivePrefillIsl())
                .as("clamped to 1: a fully cached prompt still computes its last token")
                .isEqualTo(1);
        assertThat(new ThroughputCalculator.Demand(1, 3000, 150, 180, -0.2).effectivePrefillIsl())
                .isEqualTo(3000);
    }

    private static ThroughputCalculator.Result withHeadroom(ThroughputCalculator.Headroom h, double requests) {
        return new ThroughputCalculator(PoolMode.DISAGG, 1, 500, 50, h)
                .compute(
                        new ThroughputCalculator.Demand(requests, 3000, 150, 180),
                        FIXED,
                        EngineLimits.UNKNOWN,
                        new Replicas(1, 1));
    }

    @Test
    void utilizationPlansEnginesAtThatShareOfTheirCapacity() {
        // 3 req/s: prefill ceil(3 / (2 x 0.5)) = 3, decode ceil(3 / (1.5 x 0.5)) = 4
        var r = withHeadroom(new ThroughputCalculator.Headroom(0.5, Double.NaN, 0), 540);
        assertThat(r.replicas()).isEqualTo(new Replicas(3, 4));
    }

    @Test
    void lateFractionSizesPrefillAsAQueueAndLeavesDecodeAlone() {
        // prefill mu 2/s (100 ms), lambda 3/s, waiting room 500 - 100 ms: 4 engines leave C(4, 1.5) x e^-(8-3)0.4
        // = 0.0746 x 0.135 = 1.0 % late, 3 leave 7 %; decode stays at ceil(3 / 1.5) = 2
        var r = withHeadroom(new ThroughputCalculator.Headroom(0.5, 500, 0.02), 540);
        assertThat(r.replicas()).isEqualTo(new Replicas(4, 4));
        var full = withHeadroom(new ThroughputCalculator.Headroom(1, 500, 0.02), 540);
        assertThat(full.replicas()).isEqualTo(new Replicas(4, 2));
    }

    @Test
    void theQueueSizingNeverPlansBelowTheUtilization() {
        // queue: 4 engines; utilisation 0.25: ceil(3 / (2 x 0.25)) = 6
        var r = withHeadroom(new ThroughputCalculator.Headroom(0.25, 500, 0.02), 540);
        assertThat(r.replicas().prefill()).isEqualTo(6);
    }

    @Test
    void aMeanPromptThatTakesTheWholeSloFallsBackToTheUtilization() {
        // an 80 ms SLO under the 100 ms idle prefill leaves no waiting room: ceil(3 / (2 x 0.5)) = 3
        var r = withHeadroom(new ThroughputCalculator.Headroom(0.5, 80, 0.01), 540);
        assertThat(r.replicas().prefill()).isEqualTo(3);
    }
}
