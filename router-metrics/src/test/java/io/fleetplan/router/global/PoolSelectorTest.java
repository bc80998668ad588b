package io.fleetplan.router.global;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigLoader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoolSelectorTest {

    static final String DISAGG = """
            mode: disagg
            num_prefill_pools: 2
            num_decode_pools: 2
            prefill_pool_dynamo_namespaces: [prefill-fast, prefill-slow]
            decode_pool_dynamo_namespaces: [decode-fast, decode-slow]
            prefill_pool_selection_strategy:
              isl_min: 0
              isl_max: 8000
              isl_resolution: 2
              ttft_min: 0
              ttft_max: 1000
              ttft_resolution: 2
              # short prompts or loose targets -> slow pool (1); long prompts with tight TTFT -> fast (0)
              prefill_pool_mapping: [[1, 1], [0, 1]]
              priority_overrides:
                - {min_priority: 10, max_priority: 20, target_pool: 0}
            decode_pool_selection_strategy:
              context_length_min: 0
              context_length_max: 8000
              context_length_resolution: 1
              itl_min: 0
              itl_max: 100
              itl_resolution: 2
              decode_pool_mapping: [[0, 1]]
            """;

    static GlobalRouterConfig disagg() {
        return ConfigLoader.parse(DISAGG, "gr.yaml", GlobalRouterConfig.class);
    }

    @Test
    void gridPicksByIslAndTtftAndClampsOutOfRange() {
        PoolSelector s = new PoolSelector(disagg());
        PoolPlan p = s.plan(new PoolQuery(6000, 100.0, 20.0, null), ns -> true, Set.of());
        assertThat(p.prefillPool()).isEqualTo("prefill-fast");
        assertThat(p.decodePool()).isEqualTo("decode-fast");
        assertThat(p.prefillReason()).isEqualTo(PoolPlan.Reason.GRID);
        PoolPlan clamped = s.plan(new PoolQuery(1_000_000, 5000.0, 5000.0, null), ns -> true, Set.of());
        assertThat(clamped.prefillPool()).isEqualTo("prefill-slow");
        assertThat(clamped.decodePool()).isEqualTo("decode-slow");
        PoolPlan small = s.plan(new PoolQuery(100, 10.0, null, null), ns -> true, Set.of());
        assertThat(small.prefillPool()).as("ISL cell 0 -> slow pool").isEqualTo("prefill-slow");
        assertThat(small.decodePool())
                .as("no ITL target: middle of range (50) -> cell 1")
                .isEqualTo("decode-slow");
    }

    @Test
    void aggPoolsSendEveryRequestToTheFirstPoolAndFallBackToAReadyOne() {
        GlobalRouterConfig agg = GlobalRouterConfig.aggPools(List.of("agg-a", "agg-b"), null);
        assertThat(agg.disaggregated()).isFalse();
        assertThat(agg.allPools()).containsExactly("agg-a", "agg-b");
        PoolSelector s = new PoolSelector(agg);
        assertThat(s.plan(new PoolQuery(100_000, 5000.0, 5000.0, null), ns -> true, Set.of())
                        .decodePool())
                .isEqualTo("agg-a");
        assertThat(s.plan(new PoolQuery(100, 10.0, 5.0, null), ns -> ns.equals("agg-b"), Set.of())
                        .decodePool())
                .isEqualTo("agg-b");
    }

    @Test
    void theDisaggFactoryBuildsWhatTheSameFileBuilds() {
        GlobalRouterConfig file = disagg();
        GlobalRouterConfig built = GlobalRouterConfig.disagg(
                file.prefillPoolDynamoNamespaces(),
                file.decodePoolDynamoNamespaces(),
                file.prefillPoolPriorities(),
                file.decodePoolPriorities(),
                file.prefillPoolSelectionStrategy(),
                file.decodePoolSelectionStrategy(),
                file.enforceDisagg());
        assertThat(built).isEqualTo(file);
    }

    @Test
    void priorityOverrideWinsOverTheGrid() {
        PoolPlan p = new PoolSelector(disagg()).plan(new PoolQuery(100, 900.0, 90.0, 15), ns -> true, Set.of());
        assertThat(p.prefillPool()).isEqualTo("prefill-fast");
        assertThat(p.prefillReason()).isEqualTo(PoolPlan.Reason.PRIORITY_OVERRIDE);
    }

    @Test
    void neverPicksAPoolWithoutReadyWorkersWhenAnotherCanServe() {
        PoolSelector s = new PoolSelector(disagg());
        PoolPlan p = s.plan(new PoolQuery(6000, 100.0, 20.0, null), ns -> !ns.endsWith("fast"), Set.of());
        assertThat(p.prefillPool()).isEqualTo("prefill-slow");
        assertThat(p.decodePool()).isEqualTo("decode-slow");
        assertThat(p.decodeReason()).isEqualTo(PoolPlan.Reason.FALLBACK_READY_POOL);
        PoolPlan retried = s.plan(new PoolQuery(6000, 100.0, 20.0, null), ns -> true, Set.of("decode-fast"));
        assertThat(retried.decodePool()).isEqualTo("decode-slow");
    }

    @Test
    void noPrefillPoolFallsBackToDecodeOnlyAndNoDecodePoolRejects() {
        PoolSelector s = new PoolSelector(disagg());
        PoolPlan p = s.plan(new PoolQuery(6000, 100.0, 20.0, null), ns -> ns.startsWith("decode"), Set.of());
        assertThat(p.prefillPool()).isNull();
        assertThat(p.prefillReason()).isEqualTo(PoolPlan.Reason.DECODE_ONLY);
        assertThat(p.servable()).isTrue();
        PoolPlan none = s.plan(new PoolQuery(6000, 100.0, 20.0, null), ns -> ns.startsWith("prefill"), Set.of());
        assertThat(none.servable()).isFalse();
        assertThat(none.decodeReason()).isEqualTo(PoolPlan.Reason.NO_READY_POOL);
    }

    @Test
    void aggModeUsesTheTtftItlGrid() {
        GlobalRouterConfig c = ConfigLoader.parse("""
                mode: agg
                num_agg_pools: 2
                agg_pool_dynamo_namespaces: [a0, a1]
                agg_pool_selection_strategy:
                  {ttft_min: 0, ttft_max: 1000, ttft_resolution: 2, itl_min: 0, itl_max: 100, itl_resolution: 1,
                   agg_pool_mapping: [[0], [1]]}
                """, "agg.yaml", GlobalRouterConfig.class);
        PoolSelector s = new PoolSelector(c);
        assertThat(s.plan(new PoolQuery(10, 100.0, 10.0, null), ns -> true, Set.of())
                        .decodePool())
                .isEqualTo("a0");
        assertThat(s.plan(new PoolQuery(10, 900.0, 10.0, null), ns -> true, Set.of())
                        .decodePool())
                .isEqualTo("a1");
    }

    @Test
    void badConfigsNameTheField() {
        assertThatThrownBy(() -> ConfigLoader.parse(
                        DISAGG.replace("[[1, 1], [0, 1]]", "[[1, 1]]"), "gr.yaml", GlobalRouterConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("prefill_pool_mapping");
        assertThatThrownBy(() ->
                        ConfigLoader.parse(DISAGG.replace("[[0, 1]]", "[[0, 5]]"), "gr.yaml", GlobalRouterConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pool indexes must be < 2");
        assertThatThrownBy(() -> ConfigLoader.parse(
                        DISAGG.replace("mode: disagg", "mode: disag"), "gr.yaml", GlobalRouterConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("did you mean 'disagg'");
    }

    @Test
    void cellMatchesDynamosClampedStep() {
        assertThat(Grid.cell(-5, 0, 100, 4)).isZero();
        assertThat(Grid.cell(25, 0, 100, 4)).isEqualTo(1);
        assertThat(Grid.cell(99.9, 0, 100, 4)).isEqualTo(3);
        assertThat(Grid.cell(100, 0, 100, 4)).isEqualTo(3);
    }
}
