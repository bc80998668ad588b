package io.fleetplan.router.frontend;

import io.fleetplan.router.global.GlobalRouterConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Frontend's {@code /health} answer from the ready workers per pool. A request needs a ready worker in one
 * pool of each role it passes (prefill, decode, or aggregated; the GlobalRouter falls back to another pool of the
 * same role), so the answer is healthy (200) only when every role has one. Otherwise it is 503: {@code degraded}
 * while some pool still has a ready worker, {@code not_ready} when none has. Pools without a ready worker are
 * named in {@code unready_pools} either way.
 */
record PoolHealth(int httpStatus, String status, Map<String, Integer> pools, List<String> unreadyPools) {

    /** The pools of each role the GlobalRouter routes to; all pools as one role without a GlobalRouter. */
    static List<List<String>> roles(GlobalRouterConfig gr, List<String> allPools) {
        if (gr == null) {
            return List.of(allPools);
        }
        List<List<String>> roles = new ArrayList<>();
        for (List<String> r : Arrays.asList(
                gr.prefillPoolDynamoNamespaces(), gr.decodePoolDynamoNamespaces(), gr.aggPoolDynamoNamespaces())) {
            if (r != null && !r.isEmpty()) {
                roles.add(r);
            }
        }
        return roles;
    }

    static PoolHealth of(Map<String, Integer> readyByPool, List<List<String>> roles) {
        Map<String, Integer> pools = new TreeMap<>(readyByPool);
        List<String> unready = pools.entrySet().stream()
                .filter(e -> e.getValue() <= 0)
                .map(Map.Entry::getKey)
                .toList();
        boolean everyRole = !pools.isEmpty()
                && roles.stream().allMatch(role -> role.stream().anyMatch(p -> pools.getOrDefault(p, 0) > 0));
        if (everyRole) {
            return new PoolHealth(200, "healthy", pools, unready);
        }
        return new PoolHealth(503, unready.size() < pools.size() ? "degraded" : "not_ready", pools, unready);
    }
}
