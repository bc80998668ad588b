package io.fleetplan.sim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Dynamo's sweep setting end to end on an aggregated pool: every policy serves every request, goodput per GPU-hour. */
class GoodputSweepCaseTest {

    private static final StackConfig AGG = ConfigLoader.parse("""
            budget: {max_total_gpus: 4}
            slo: {ttft_ms: 2000, itl_ms: 50}
            worker_startup_seconds: 30
            pools:
              - {name: agg, mode: agg, min_replicas: 1, max_replicas: 4, initial_replicas: 1}
            """, "agg stack", StackConfig.class);

    @Test
    void aggPool_everyPolicyResolvesEveryRequest_andGoodputIsPerGpuHour() {
        Trace t = SyntheticTraces.generate(
                "bursts:rate=2,burst_rate=8,burst_seconds=40,every=120,isl=4000,osl=100," + "duration=240", 4);
        GoodputSweepCase.Result r = GoodputSweepCase.run(t, AGG, 1, 2);
        assertThat(r.policies())
                .extracting(GoodputSweepCase.Figures::policy)
                .containsExactlyElementsOf(GoodputSweepCase.POLICIES);
        GoodputSweepCase.Figures cap = r.policies().get(0);
        assertThat(cap.avgGpus()).isCloseTo(4.0, Offset.offset(1e-9));
        assertThat(cap.vsStatic()).isEqualTo(1.0);
        for (GoodputSweepCase.Figures f : r.policies()) {
            int n = f.classes().stream()
                    .mapToInt(RequestClasses.Figures::requests)
                    .sum();
            int failed = f.classes().stream()
                    .mapToInt(RequestClasses.Figures::failed)
                    .sum();
            assertThat(n).as(f.policy()).isEqualTo(t.requests().size());
            assertThat(failed).as(f.policy() + " failed").isZero();
            assertThat(f.goodputPerGpuHour())
                    .as(f.policy())
                    .isCloseTo(f.attainment() * n / f.gpuHours(), Offset.offset(1e-6));
            assertThat(f.vsStatic()).isCloseTo(f.goodputPerGpuHour() / cap.goodputPerGpuHour(), Offset.offset(1e-9));
        }
        assertThat(r.policies().stream()
                        .skip(1)
                        .mapToLong(GoodputSweepCase.Figures::scaleEvents)
                        .sum())
                .as("the planners scale the agg pool")
                .isPositive();
    }

    @Test
    void disaggregatedStack_isRefusedNamingTheModes() {
        StackConfig disagg = ConfigLoader.parse("""
                pools:
                  - {name: prefill, mode: prefill}
                  - {name: decode, mode: decode}
                """, "disagg", StackConfig.class);
        assertThatThrownBy(() -> GoodputSweepCase.run(SyntheticTraces.generate("poisson:duration=5", 1), disagg, 1, 1))
                .hasMessageContaining("agg")
                .hasMessageContaining("prefill(prefill)");
    }
}
