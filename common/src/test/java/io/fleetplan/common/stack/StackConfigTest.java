package io.fleetplan.common.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class StackConfigTest {

    private static StackConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "stack.yaml", StackConfig.class);
    }

    @Test
    void emptyFileIsAPrefillAndADecodePoolOnEightGpus() {
        StackConfig c = parse("");
        assertThat(c.pools()).extracting(StackConfig.Pool::name).containsExactly("prefill", "decode");
        assertThat(c.budget().maxTotalGpus()).isEqualTo(8);
        assertThat(c.slo().ttftMs()).isEqualTo(500.0);
        assertThat(c.pool("decode").engine().numGpuBlocks()).isEqualTo(16384);
        assertThat(c.workerStartupSeconds()).isEqualTo(60.0);
    }

    @Test
    void poolsWithPlannerSectionsAreRead() {
        StackConfig c = parse("""
                budget: {max_total_gpus: 12}
                pools:
                  - {name: p-short, mode: prefill, max_isl: 4096, gpus_per_replica: 2, max_replicas: 3}
                  - name: d
                    mode: decode
                    priority: 200
                    planner: {load_predictor: kalman, optimization_target: sla}
                """);
        assertThat(c.pool("p-short").gpusPerReplica()).isEqualTo(2);
        assertThat(c.pool("d").planner()).containsEntry("load_predictor", "kalman");
    }

    @Test
    void badStacksNameTheField() {
        assertThatThrownBy(() -> parse("pools: [{name: a, mode: prefill}]\n"))
                .hasMessageContaining("needs at least one prefill and one decode pool");
        assertThatThrownBy(() -> parse("pools: [{name: A_b, mode: agg}]\n"))
                .hasMessageContaining("field 'pools[0].name'")
                .hasMessageContaining("DNS-1123");
        assertThatThrownBy(() -> parse("pools: [{name: a, mode: agg}, {name: a, mode: agg}]\n"))
                .hasMessageContaining("must be unique");
        assertThatThrownBy(() -> parse("budget: {max_total_gpus: 1}\npools: [{name: a, mode: agg, min_replicas: 2}]\n"))
                .hasMessageContaining("field 'budget.max_total_gpus'")
                .hasMessageContaining("minimum footprint (2 GPUs");
        assertThatThrownBy(() -> parse("pools: [{name: a, mode: agg, min_replicas: 3, max_replicas: 2}]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be <= max_replicas (2)");
        assertThatThrownBy(() -> parse("pools: [{name: a, mode: mixed}]\n"))
                .hasMessageContaining("must be one of: prefill, decode, agg");
        assertThatThrownBy(() -> parse("pols: []\n")).hasMessageContaining("did you mean 'pools'?");
    }
}
