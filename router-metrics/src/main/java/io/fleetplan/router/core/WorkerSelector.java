package io.fleetplan.router.core;

import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.function.ToIntBiFunction;
import java.util.random.RandomGenerator;

/**
 * The worker choice among eligible candidates: Dynamo's KV cost (newest form)
 * {@code cost = prefill_load_scale * max(active_prefill_blocks + prompt_blocks - overlap * overlap_score_credit, 0)
 * + decode_blocks}, argmin at temperature 0 (ties: smallest cached tree, then random) or softmax sampling over
 * min-max-normalised negated costs at temperature T > 0; or round-robin / random.
 */
final class WorkerSelector {

    private static final double TIE_EPSILON = 1e-9;

    private final RouterConfig config;
    private final RandomGenerator random;
    private long roundRobin;
    private double[] costs = new double[64];
    private int[] overlaps = new int[64];

    WorkerSelector(RouterConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
    }

    RouteDecision select(
            RouteRequest request,
            List<PoolRouter.Worker> candidates,
            ToIntBiFunction<PoolRouter.Worker, RouteRequest> overlapOf,
            IntUnaryOperator treeSize,
            int blockSize,
            int requiredBlocks) {
        int n = candidates.size();
        switch (config.routerMode()) {
            case "round-robin" -> {
                PoolRouter.Worker w = candidates.get((int) Math.floorMod(roundRobin++, (long) n));
                return simple(w, RouteReason.ROUND_ROBIN, request, overlapOf, requiredBlocks, n);
            }
            case "random" -> {
                PoolRouter.Worker w = candidates.get(random.nextInt(n));
                return simple(w, RouteReason.RANDOM, request, overlapOf, requiredBlocks, n);
            }
            default -> {
                return kv(request, candidates, overlapOf, treeSize, blockSize, requiredBlocks);
            }
        }
    }

    private static RouteDecision simple(
            PoolRouter.Worker w,
            RouteReason reason,
            RouteRequest request,
            ToIntBiFunction<PoolRouter.Worker, RouteRequest> overlapOf,
            int requiredBlocks,
            int n) {
        // overlap is still reported so kv_hit_rate stays meaningful in non-KV modes
        return new RouteDecision(w.spec.id(), reason, overlapOf.applyAsInt(w, request), requiredBlocks, 0, n);
    }

    private RouteDecision kv(
            RouteRequest request,
            List<PoolRouter.Worker> candidates,
            ToIntBiFunction<PoolRouter.Worker, RouteRequest> overlapOf,
            IntUnaryOperator treeSize,
            int blockSize,
            int requiredBlocks) {
        int n = candidates.size();
        if (costs.length < n) {
            costs = new double[n * 2];
            overlaps = new int[n * 2];
        }
        double promptBlocks = request.isl() / (double) blockSize;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            PoolRouter.Worker w = candidates.get(i);
            int overlap = overlapOf.applyAsInt(w, request);
            overlaps[i] = overlap;
            double activePrefillBlocks =
                    config.routerTrackPrefillTokens() ? w.sequences.activePrefillTokens() / (double) blockSize : 0;
            double adjustedPrefill =
                    Math.max(activePrefillBlocks + promptBlocks - overlap * config.overlapScoreCredit(), 0);
            double decodeBlocks = config.routerTrackActiveBlocks()
                    ? w.sequences.activeDecodeBlocks() + w.sequences.newBlocks(request.blockHashes(), requiredBlocks)
                    : 0;
            double cost = config.prefillLoadScale() * adjustedPrefill + decodeBlocks;
            costs[i] = cost;
            min = Math.min(min, cost);
            max = Math.max(max, cost);
        }
        if (n == 1) {
            return decision(candidates, 0, RouteReason.ONLY_CANDIDATE, requiredBlocks, n);
        }
        if (config.routerTemperature() > 0) {
            return decision(candidates, softmax(n, min, max), RouteReason.KV_SOFTMAX, requiredBlocks, n);
        }
        return argmin(candidates, treeSize, min, requiredBlocks);
    }

    private RouteDecision argmin(
            List<PoolRouter.Worker> candidates, IntUnaryOperator treeSize, double min, int requiredBlocks) {
        int n = candidates.size();
        int best = -1;
        int ties = 0;
        int bestTree = Integer.MAX_VALUE;
        int treeTies = 0;
        for (int i = 0; i < n; i++) {
            if (costs[i] - min > TIE_EPSILON) {
                continue;
            }
            ties++;
            int tree = treeSize.applyAsInt(candidates.get(i).slot);
            if (tree < bestTree) {
                bestTree = tree;
                best = i;
                treeTies = 1;
            } else if (tree == bestTree) {
                treeTies++;
                // reservoir sampling: each equally good candidate ends up chosen with probability 1/treeTies
                if (random.nextInt(treeTies) == 0) {
                    best = i;
                }
            }
        }
        RouteReason reason = ties == 1
                ? RouteReason.KV_LOWEST_COST
                : treeTies == 1 ? RouteReason.KV_TIE_SMALLEST_TREE : RouteReason.KV_TIE_RANDOM;
        return decision(candidates, best, reason, requiredBlocks, n);
    }

    private int softmax(int n, double min, double max) {
        if (max - min <= TIE_EPSILON) {
            return random.nextInt(n);
        }
        // p_i ~ exp(-(c_i - c_min) / ((c_max - c_min) * T)): normalising makes T independent of cost scale
        double scale = 1.0 / ((max - min) * config.routerTemperature());
        double total = 0;
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            weights[i] = Math.exp(-(costs[i] - min) * scale);
            total += weights[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < n; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return n - 1;
    }

    private RouteDecision decision(
            List<PoolRouter.Worker> candidates, int i, RouteReason reason, int requiredBlocks, int n) {
        return new RouteDecision(candidates.get(i).spec.id(), reason, overlaps[i], requiredBlocks, costs[i], n);
    }
}
