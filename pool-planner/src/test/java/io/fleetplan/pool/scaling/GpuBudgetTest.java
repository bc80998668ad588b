package io.fleetplan.pool.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.PoolMode;
import org.junit.jupiter.api.Test;

class GpuBudgetTest {

    @Test
    void proportionalShrinkOfAPair() {
        // 6+6 GPUs > 8: scale = 8/12; P' = floor(6 * 0.667) = 4; decode gets the leftover 4 (asked 6)
        var r = new GpuBudget(8, -1, 1, 1, 1).proportional(new Replicas(6, 6), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(4, 4));
        assertThat(r.outcome()).isEqualTo(GpuBudget.Outcome.CLAMPED);
    }

    @Test
    void unevenGpuCounts() {
        // P=4 x 2 GPUs + D=2 x 1 = 10 > 8: scale 0.8, max_p = (8-1)/2 = 3, P' = floor(3.2) = 3, leftover 2
        var r = new GpuBudget(8, -1, 1, 2, 1).proportional(new Replicas(4, 2), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(3, 2));
    }

    @Test
    void decodeIsNeverGrownBeyondWhatItAskedFor() {
        // P=3 x 4 + D=1 = 13 > 10: P' = min(max_p = 2, floor(3 * 10/13) = 2) = 2 leaves 2 GPUs; decode asked 1 -> 1
        var r = new GpuBudget(10, -1, 1, 4, 1).proportional(new Replicas(3, 1), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(2, 1));
    }

    @Test
    void budgetBelowTheMinEndpointFootprintGivesZero() {
        // min_endpoint 2 of each at 1 GPU needs 4 GPUs; a budget of 3 cannot hold it
        var r = new GpuBudget(3, -1, 2, 1, 1).proportional(new Replicas(5, 5), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(Replicas.ZERO);
        assertThat(r.outcome()).isEqualTo(GpuBudget.Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT);
        var single = new GpuBudget(1, -1, 1, 1, 2).proportional(new Replicas(0, 3), PoolMode.DECODE);
        assertThat(single.outcome()).isEqualTo(GpuBudget.Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT);
    }

    @Test
    void budgetExactlyAtTheFootprintKeepsMinEndpointOfEach() {
        var r = new GpuBudget(2, -1, 1, 1, 1).proportional(new Replicas(9, 9), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(1, 1));
    }

    @Test
    void withinBudgetAndUnlimitedAreUnchanged() {
        assertThat(new GpuBudget(8, -1, 1, 1, 1)
                        .proportional(new Replicas(3, 5), PoolMode.DISAGG)
                        .outcome())
                .isEqualTo(GpuBudget.Outcome.WITHIN_BUDGET);
        var r = new GpuBudget(-1, -1, 1, 1, 1).proportional(new Replicas(30, 50), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(30, 50));
        assertThat(r.outcome()).isEqualTo(GpuBudget.Outcome.UNLIMITED);
    }

    @Test
    void singleComponentShrinksProportionally() {
        // 10 x 2 GPUs over a budget of 8: floor(10 * 8/20) = 4
        var r = new GpuBudget(8, -1, 1, 1, 2).proportional(new Replicas(0, 10), PoolMode.DECODE);
        assertThat(r.replicas()).isEqualTo(new Replicas(0, 4));
    }

    @Test
    void floorRaisesButNeverPastTheCeiling() {
        var r = new GpuBudget(8, 6, 1, 1, 1).proportional(new Replicas(1, 1), PoolMode.DISAGG);
        assertThat(r.replicas()).isEqualTo(new Replicas(3, 3));
        assertThat(r.outcome()).isEqualTo(GpuBudget.Outcome.RAISED_TO_FLOOR);
    }

    // ---- Dynamo's budget unit tests (tests/unit/test_budget.py in ai-dynamo/dynamo), same numbers ----------------
    // Dynamo's argument order is (current, proposed, gpu, min, max, min_endpoint); ours is
    // new GpuBudget(max, min, min_endpoint, prefill_gpus, decode_gpus).clamp(current, proposed, mode).

    private static GpuBudget.Result single(int current, int proposed, int gpu, int min, int max, int minEndpoint) {
        return new GpuBudget(max, min, minEndpoint, 1, gpu)
                .clamp(new Replicas(0, current), new Replicas(0, proposed), PoolMode.DECODE);
    }

    private static GpuBudget.Result pair(
            Replicas current, Replicas proposed, int pGpu, int dGpu, int min, int max, int minEndpoint) {
        return new GpuBudget(max, min, minEndpoint, pGpu, dGpu).clamp(current, proposed, PoolMode.DISAGG);
    }

    /** Dynamo's disagg guard defaults: 1 GPU per replica, min_gpu_budget = max_gpu_budget = 64, min_endpoint 1. */
    private static GpuBudget.Result pair64(Replicas current, Replicas proposed) {
        return pair(current, proposed, 1, 1, 64, 64, 1);
    }

    private static Replicas r(int p, int d) {
        return new Replicas(p, d);
    }

    @Test
    void singleHoldsAScaleDownAtTheNominalFloor() {
        // test_single_budget_holds_scale_down_at_nominal_floor: (64 -> 63, band 64..64) -> 64, hold
        assertThat(single(64, 63, 1, 64, 64, 1)).isEqualTo(new GpuBudget.Result(r(0, 64), GpuBudget.Outcome.HELD));
    }

    @Test
    void singleDoesNotBounceFromTheToleranceEdgeToTheFloor() {
        // test_single_budget_does_not_bounce_from_tolerance_edge_to_floor: 63 -> 62 stays 63 (was 64: a scale-up)
        assertThat(single(63, 62, 1, 64, 64, 1)).isEqualTo(new GpuBudget.Result(r(0, 63), GpuBudget.Outcome.HELD));
    }

    @Test
    void singleOutOfBandAllocationIsReconciledFromWhatRuns() {
        // test_single_budget_recovery_can_override_throughput_delta: 70 running over a ceiling of 64 -> 64
        assertThat(single(70, 69, 1, -1, 64, 1))
                .isEqualTo(new GpuBudget.Result(r(0, 64), GpuBudget.Outcome.RECONCILED));
    }

    @Test
    void prefillPoolIsGuardedTheSameWay() {
        var r = new GpuBudget(64, 64, 1, 1, 1).clamp(r(63, 0), r(62, 0), PoolMode.PREFILL);
        assertThat(r).isEqualTo(new GpuBudget.Result(r(63, 0), GpuBudget.Outcome.HELD));
    }

    @Test
    void pairHoldsScaleDownsWithoutScaleUpAtTheFloor() {
        // test_load_budget_holds_scale_down_without_scale_up_at_floor
        assertThat(pair64(r(28, 36), r(27, 36))).isEqualTo(new GpuBudget.Result(r(28, 36), GpuBudget.Outcome.HELD));
        assertThat(pair64(r(27, 36), r(26, 35))).isEqualTo(new GpuBudget.Result(r(27, 36), GpuBudget.Outcome.HELD));
    }

    @Test
    void pairAllowsAnExplicitSwapAtAFixedBudgetBothWays() {
        // test_load_budget_allows_(reverse_)explicit_opposing_swap_at_fixed_budget
        assertThat(pair64(r(27, 37), r(26, 38)).replicas()).isEqualTo(r(26, 38));
        assertThat(pair64(r(27, 37), r(28, 36)).replicas()).isEqualTo(r(28, 36));
    }

    @Test
    void pairDoesNotInventADonorAtAFullBudget() {
        // test_load_budget_does_not_invent_donor_at_full_budget: (28,36) -> (28,37) used to take a prefill replica
        assertThat(pair64(r(28, 36), r(28, 37))).isEqualTo(new GpuBudget.Result(r(28, 36), GpuBudget.Outcome.HELD));
        assertThat(pair64(r(28, 36), r(29, 37))).isEqualTo(new GpuBudget.Result(r(28, 36), GpuBudget.Outcome.HELD));
    }

    @Test
    void pairRejectsASwapThatDoesNotFitOrWouldRunOnlyTheDonorLeg() {
        // test_load_budget_rejects_opposing_swap_that_does_not_fit: one 1-GPU prefill cannot fund one 2-GPU decode
        assertThat(pair(r(2, 1), r(1, 2), 1, 2, 4, 4, 1).outcome()).isEqualTo(GpuBudget.Outcome.HELD);
        // test_load_budget_does_not_execute_only_donor_leg_of_weighted_swap
        assertThat(pair(r(2, 1), r(1, 2), 1, 3, 5, 6, 1))
                .isEqualTo(new GpuBudget.Result(r(2, 1), GpuBudget.Outcome.HELD));
    }

    @Test
    void pairAllowsAScaleDownAboveTheFloor() {
        // test_load_budget_allows_scale_down_above_floor
        assertThat(pair(r(35, 35), r(34, 35), 1, 1, 64, 80, 1).replicas()).isEqualTo(r(34, 35));
    }

    @Test
    void pairCeilingAloneDoesNotInventADonor() {
        // test_load_budget_disabled_minimum_does_not_invent_ceiling_donor, test_load_budget_max_only_both_up_...
        assertThat(pair(r(3, 1), r(3, 2), 1, 1, -1, 4, 1))
                .isEqualTo(new GpuBudget.Result(r(3, 1), GpuBudget.Outcome.HELD));
        assertThat(pair(r(4, 1), r(5, 2), 1, 1, -1, 5, 1))
                .isEqualTo(new GpuBudget.Result(r(4, 1), GpuBudget.Outcome.HELD));
    }

    @Test
    void pairWeightedToleranceNeitherEnablesDonorOnlyChurnNorBlocksAFeasibleSwap() {
        // test_load_budget_weighted_tolerance_*: 2 GPUs a replica, min = max = 5 (unreachable; tolerance accepts 4).
        // Dynamo sets prefill_min_endpoint 0 and decode 1; fleetplan has one min_endpoint, 0 here.
        assertThat(pair(r(1, 1), r(0, 1), 2, 2, 5, 5, 0))
                .isEqualTo(new GpuBudget.Result(r(1, 1), GpuBudget.Outcome.HELD));
        assertThat(pair(r(1, 1), r(0, 2), 2, 2, 5, 5, 0).replicas()).isEqualTo(r(0, 2));
    }

    @Test
    void pairClampNeverTurnsAHoldIntoAScaleUp() {
        // test_load_budget_clamp_never_inverts_hold_into_scale_up: the floor clamp would make (1,3) into (2,4)
        assertThat(pair(r(4, 3), r(1, 3), 1, 1, 6, 10, 1))
                .isEqualTo(new GpuBudget.Result(r(4, 3), GpuBudget.Outcome.HELD));
    }

    @Test
    void pairHoldsWhenTheIntegerWidthClampCannotReachTheBand() {
        // test_load_budget_holds_when_integer_width_clamp_cannot_reach_band
        assertThat(pair(r(1, 2), r(2, 1), 1, 2, 7, 7, 1))
                .isEqualTo(new GpuBudget.Result(r(1, 2), GpuBudget.Outcome.HELD));
    }

    @Test
    void pairBelowTheFloorIsReconciledFromWhatRuns() {
        // test_load_budget_below_floor_uses_explicit_reconcile_from_current: (1,1) under [4 - 1, 6] -> (2,2)
        assertThat(pair(r(1, 1), r(0, 1), 1, 1, 4, 6, 1))
                .isEqualTo(new GpuBudget.Result(r(2, 2), GpuBudget.Outcome.RECONCILED));
    }

    private static Replicas fit(Replicas current, Replicas proposed, int pGpu, int dGpu, int min, int max) {
        return new GpuBudget(max, min, 1, pGpu, dGpu).fitWithinMove(current, proposed);
    }

    @Test
    void directionalFitVectors() {
        // test_throughput_fit_holds_when_both_roles_scale_up_at_ceiling
        assertThat(fit(r(24, 40), r(32, 48), 1, 1, 64, 64)).isEqualTo(r(24, 40));
        // test_throughput_fit_admits_only_funded_part_of_opposing_rebalance
        assertThat(fit(r(24, 40), r(23, 48), 1, 1, 64, 64)).isEqualTo(r(23, 41));
        // test_throughput_fit_preserves_weighted_opposing_atomicity
        assertThat(fit(r(16, 16), r(15, 24), 2, 1, 48, 48)).isEqualTo(r(15, 18));
        // test_throughput_fit_shares_available_headroom_between_two_scale_ups
        assertThat(fit(r(24, 36), r(32, 44), 1, 1, -1, 64)).isEqualTo(r(26, 38));
    }

    @Test
    void directionalFitExhaustivelyPreservesDirectionsAndBudget() {
        // test_throughput_fit_exhaustively_preserves_directions_and_budget: min_endpoint 0, budget = current total
        for (int[] g : new int[][] {{1, 1}, {1, 2}, {2, 3}}) {
            for (int cp = 1; cp < 5; cp++) {
                for (int cd = 1; cd < 5; cd++) {
                    int budget = cp * g[0] + cd * g[1];
                    GpuBudget b = new GpuBudget(budget, budget, 0, g[0], g[1]);
                    for (int wp = Math.max(0, cp - 2); wp < cp + 3; wp++) {
                        for (int wd = Math.max(0, cd - 2); wd < cd + 3; wd++) {
                            Replicas out = b.fitWithinMove(r(cp, cd), r(wp, wd));
                            String at = "gpus " + g[0] + "/" + g[1] + " " + r(cp, cd) + " -> " + r(wp, wd) + ": " + out;
                            assertThat(out.prefill()).as(at).isBetween(Math.min(cp, wp), Math.max(cp, wp));
                            assertThat(out.decode()).as(at).isBetween(Math.min(cd, wd), Math.max(cd, wd));
                            assertThat(out.gpus(g[0], g[1])).as(at).isBetween(budget - Math.max(g[0], g[1]), budget);
                            boolean rebalance = (wp < cp && wd > cd) || (wp > cp && wd < cd);
                            if (rebalance) {
                                assertThat(out.prefill() == cp).as(at).isEqualTo(out.decode() == cd);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void theGuardNeverReversesAMoveFromAnInBandAllocation() {
        // fleetplan's own sweep over the guard: with what runs in the band, every component ends between its
        // current and proposed replicas and the result is in the band (or is what runs)
        for (int[] g : new int[][] {{1, 1}, {1, 2}, {2, 3}}) {
            for (int[] band : new int[][] {{8, 8}, {-1, 8}, {6, 10}, {6, -1}}) {
                GpuBudget b = new GpuBudget(band[1], band[0], 1, g[0], g[1]);
                int tolerance = band[0] >= 0 && band[1] >= 0 ? Math.max(g[0], g[1]) : 0;
                for (int cp = 1; cp < 6; cp++) {
                    for (int cd = 1; cd < 6; cd++) {
                        int now = cp * g[0] + cd * g[1];
                        if ((band[1] >= 0 && now > band[1]) || (band[0] >= 0 && now < band[0] - tolerance)) {
                            continue;
                        }
                        for (int wp = 1; wp < 8; wp++) {
                            for (int wd = 1; wd < 8; wd++) {
                                var res = b.clamp(r(cp, cd), r(wp, wd), PoolMode.DISAGG);
                                Replicas out = res.replicas();
                                String at = "gpus " + g[0] + "/" + g[1] + " band " + band[0] + ".." + band[1] + " "
                                        + r(cp, cd) + " -> " + r(wp, wd) + ": " + res;
                                assertThat(out.prefill()).as(at).isBetween(Math.min(cp, wp), Math.max(cp, wp));
                                assertThat(out.decode()).as(at).isBetween(Math.min(cd, wd), Math.max(cd, wd));
                                int total = out.gpus(g[0], g[1]);
                                if (band[1] >= 0) {
                                    assertThat(total).as(at).isLessThanOrEqualTo(band[1]);
                                }
                                if (band[0] >= 0 && !out.equals(r(cp, cd))) {
                                    assertThat(total).as(at).isGreaterThanOrEqualTo(band[0] - tolerance);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void proportionalClampVectors() {
        // test_clamp_pair_*: (3,1) in band 4..4; (1,1) pushed into [3, 5]; ceiling only -> exactly 4; asymmetric
        // overshoot shrinks under the hard ceiling; 2-GPU pools land on 4 under an unreachable 5 and stay there
        assertThat(new GpuBudget(4, 4, 1, 1, 1)
                        .proportional(r(3, 1), PoolMode.DISAGG)
                        .replicas())
                .isEqualTo(r(3, 1));
        assertThat(new GpuBudget(4, 4, 1, 1, 1)
                        .proportional(r(1, 1), PoolMode.DISAGG)
                        .replicas()
                        .gpus(1, 1))
                .isBetween(3, 5);
        assertThat(new GpuBudget(4, -1, 1, 1, 1)
                        .proportional(r(5, 5), PoolMode.DISAGG)
                        .replicas()
                        .gpus(1, 1))
                .isEqualTo(4);
        Replicas asym = new GpuBudget(4, 4, 1, 1, 2)
                .proportional(r(1, 2), PoolMode.DISAGG)
                .replicas();
        assertThat(asym.gpus(1, 2)).isLessThanOrEqualTo(4);
        assertThat(asym.prefill()).isGreaterThanOrEqualTo(1);
        assertThat(asym.decode()).isGreaterThanOrEqualTo(1);
        assertThat(new GpuBudget(5, 5, 1, 1, 2)
                        .proportional(r(1, 1), PoolMode.DISAGG)
                        .replicas()
                        .gpus(1, 2))
                .isBetween(3, 5);
        Replicas even = new GpuBudget(5, 5, 1, 2, 2)
                .proportional(r(1, 1), PoolMode.DISAGG)
                .replicas();
        assertThat(even.gpus(2, 2)).isEqualTo(4);
        assertThat(new GpuBudget(5, 5, 1, 2, 2)
                        .proportional(even, PoolMode.DISAGG)
                        .replicas())
                .isEqualTo(even);
        assertThat(new GpuBudget(10, 4, 1, 1, 2)
                        .proportional(r(1, 1), PoolMode.DISAGG)
                        .replicas())
                .isEqualTo(r(1, 1));
        // infeasible: a 3-GPU ceiling under 2 + 2 GPUs of min_endpoint zeroes; a floor of 100 under a ceiling of 4
        // keeps the input; from nothing the floor of 4 is split 2 + 2
        assertThat(new GpuBudget(3, 3, 1, 2, 2)
                        .proportional(r(1, 2), PoolMode.DISAGG)
                        .replicas())
                .isEqualTo(Replicas.ZERO);
        assertThat(new GpuBudget(4, 100, 1, 1, 1)
                        .proportional(r(2, 2), PoolMode.DISAGG)
                        .replicas())
                .isEqualTo(r(2, 2));
        assertThat(new GpuBudget(4, 4, 1, 1, 1)
                        .proportional(Replicas.ZERO, PoolMode.DISAGG)
                        .replicas())
                .isEqualTo(r(2, 2));
        // test_clamp_single_*: in band [1, 5]; ceiling only 10 -> 4; 1 under [3, 5] grows; min_endpoint 2 kept;
        // ceiling 2 under min_endpoint 3 and ceiling 3 under one 4-GPU replica zero
        assertThat(new GpuBudget(5, 2, 1, 1, 1)
                        .proportional(r(0, 3), PoolMode.DECODE)
                        .replicas())
                .isEqualTo(r(0, 3));
        assertThat(new GpuBudget(4, -1, 1, 1, 1)
                        .proportional(r(0, 10), PoolMode.DECODE)
                        .replicas())
                .isEqualTo(r(0, 4));
        assertThat(new GpuBudget(5, 4, 1, 1, 1)
                        .proportional(r(0, 1), PoolMode.DECODE)
                        .replicas()
                        .decode())
                .isBetween(3, 5);
        assertThat(new GpuBudget(5, 4, 2, 1, 1)
                        .proportional(r(0, 0), PoolMode.DECODE)
                        .replicas()
                        .decode())
                .isGreaterThanOrEqualTo(2);
        assertThat(new GpuBudget(2, -1, 3, 1, 1)
                        .proportional(r(0, 5), PoolMode.DECODE)
                        .replicas())
                .isEqualTo(Replicas.ZERO);
        assertThat(new GpuBudget(3, 3, 1, 1, 4)
                        .proportional(r(0, 2), PoolMode.DECODE)
                        .replicas())
                .isEqualTo(Replicas.ZERO);
    }

    // ---- item 3: the floor band (Dynamo's bounds_for_total / clamp vectors, built for our classes) -------------

    @Test
    void theFloorMinusToleranceIsInTheBand() {
        // bounds_for_total(2, 4, 8, 2) is in band: the floor less one step is accepted. Here: min 4, max 8, 1-GPU
        // replicas (tolerance 1): a total of 3 stays (it used to be raised to the floor)
        var pair = new GpuBudget(8, 4, 1, 1, 1).proportional(r(1, 2), PoolMode.DISAGG);
        assertThat(pair).isEqualTo(new GpuBudget.Result(r(1, 2), GpuBudget.Outcome.WITHIN_BUDGET));
        var single = new GpuBudget(8, 4, 1, 1, 1).proportional(r(0, 3), PoolMode.DECODE);
        assertThat(single).isEqualTo(new GpuBudget.Result(r(0, 3), GpuBudget.Outcome.WITHIN_BUDGET));
        // and a scale-down onto that edge is allowed when the pool is above the floor
        assertThat(new GpuBudget(8, 4, 1, 1, 1)
                        .clamp(r(0, 5), r(0, 3), PoolMode.DECODE)
                        .replicas())
                .isEqualTo(r(0, 3));
    }

    @Test
    void aFloorAloneIsStrict() {
        // bounds_for_total(3, 4, -1, 0) is out of band: with no ceiling there is no tolerance. Here min 4, no max:
        // a total of 3 is raised to 4 (it used to be taken as in band)
        var pair = new GpuBudget(-1, 4, 1, 1, 1).proportional(r(1, 2), PoolMode.DISAGG);
        assertThat(pair).isEqualTo(new GpuBudget.Result(r(2, 2), GpuBudget.Outcome.RAISED_TO_FLOOR));
        var single = new GpuBudget(-1, 4, 1, 1, 1).proportional(r(0, 3), PoolMode.DECODE);
        assertThat(single).isEqualTo(new GpuBudget.Result(r(0, 4), GpuBudget.Outcome.RAISED_TO_FLOOR));
        // what runs below a strict floor is reconciled up to it
        assertThat(new GpuBudget(-1, 4, 1, 1, 1).clamp(r(0, 3), r(0, 2), PoolMode.DECODE))
                .isEqualTo(new GpuBudget.Result(r(0, 4), GpuBudget.Outcome.RECONCILED));
    }
}
