package io.fleetplan.pool.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GpuBudgetTest {

    @Test
    void proportionalShrinkOfAPair() {
        // 6+6 GPUs > 8: scale = 8/12; P' = floor(6 * 0.667) = 4; decode gets the leftover 4 (asked 6)
        var r = new GpuBudget(8, -1, 1, 1, 1).clamp(new Replicas(6, 6), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(4, 4));
        assertThat(r.outcome()).isEqualTo(GpuBudget.Outcome.CLAMPED);
    }

    @Test
    void unevenGpuCounts() {
        // P=4 x 2 GPUs + D=2 x 1 = 10 > 8: scale 0.8, max_p = (8-1)/2 = 3, P' = floor(3.2) = 3, leftover 2
        var r = new GpuBudget(8, -1, 1, 2, 1).clamp(new Replicas(4, 2), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(3, 2));
    }

    @Test
    void decodeIsNeverGrownBeyondWhatItAskedFor() {
        // P=3 x 4 + D=1 = 13 > 10: P' = min(max_p = 2, floor(3 * 10/13) = 2) = 2 leaves 2 GPUs; decode asked 1 -> 1
        var r = new GpuBudget(10, -1, 1, 4, 1).clamp(new Replicas(3, 1), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(2, 1));
    }

    @Test
    void budgetBelowTheMinEndpointFootprintGivesZero() {
        // min_endpoint 2 of each at 1 GPU needs 4 GPUs; a budget of 3 cannot hold it
        var r = new GpuBudget(3, -1, 2, 1, 1).clamp(new Replicas(5, 5), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(Replicas.ZERO);
        assertThat(r.outcome()).isEqualTo(GpuBudget.Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT);
        var single = new GpuBudget(1, -1, 1, 1, 2).clamp(new Replicas(0, 3), PoolMode.DECODE);
        assertThat(single.outcome()).isEqualTo(GpuBudget.Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT);
    }

    @Test
    void budgetExactlyAtTheFootprintKeepsMinEndpointOfEach() {
        var r = new GpuBudget(2, -1, 1, 1, 1).clamp(new Replicas(9, 9), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(1, 1));
    }

    @Test
    void withinBudgetAndUnlimitedAreUnchanged() {
        assertThat(new GpuBudget(8, -1, 1, 1, 1).clamp(new Replicas(3, 5), PoolMode.DISAGG).outcome())
                .isEqualTo(GpuBudget.Outcome.WITHIN_BUDGET);
        var r = new GpuBudget(-1, -1, 1, 1, 1).clamp(new Replicas(30, 50), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(30, 50));
        assertThat(r.outcome()).isEqualTo(GpuBudget.Outcome.UNLIMITED);
    }

    @Test
    void singleComponentShrinksProportionally() {
        // 10 x 2 GPUs over a budget of 8: floor(10 * 8/20) = 4
        var r = new GpuBudget(8, -1, 1, 1, 2).clamp(new Replicas(0, 10), PoolMode.DECODE);
        assertThat(r.replicas()).isEqualTo(new Replicas(0, 4));
    }

    @Test
    void floorRaisesButNeverPastTheCeiling() {
        var r = new GpuBudget(8, 6, 1, 1, 1).clamp(new Replicas(1, 1), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(3, 3));
        assertThat(r.outcome()).isEqualTo(GpuBudget.Outcome.RAISED_TO_FLOOR);
    }
}
