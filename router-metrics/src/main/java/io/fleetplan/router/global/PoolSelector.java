package io.fleetplan.router.global;

import static io.fleetplan.router.global.GlobalRouterConfig.validated;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The GlobalRouter's pool choice, free of I/O: grid lookup as Dynamo does it, priority overrides checked after
 * the grid, and one rule Dynamo lacks: a pool with no ready worker is never chosen while another pool of the
 * same kind can serve (the nearest by priority, faster first on a tie).
 */
public final class PoolSelector {

    private final GlobalRouterConfig config;

    public PoolSelector(GlobalRouterConfig config) {
        this.config = config;
    }

    public GlobalRouterConfig config() {
        return config;
    }

    /**
     * @param ready    whether a pool namespace has a ready worker now
     * @param excluded pools that already failed this request (priority retry)
     */
    public PoolPlan plan(PoolQuery q, Predicate<String> ready, Set<String> excluded) {
        Predicate<String> usable = ns -> ready.test(ns) && !excluded.contains(ns);
        if (!config.disaggregated()) {
            AggStrategy s = validated(config.aggPoolSelectionStrategy());
            Grid g = s.grid();
            double ttft = target(q.ttftTargetMs(), config.defaultTtftTarget(), g.xMiddle());
            double itl = target(q.itlTargetMs(), config.defaultItlTarget(), g.yMiddle());
            Choice c = choose(
                    g,
                    ttft,
                    itl,
                    q.priority(),
                    validated(config.aggPoolDynamoNamespaces()),
                    validated(config.aggPoolPriorities()),
                    usable);
            return new PoolPlan(null, c.pool, null, c.reason);
        }
        Grid pg = validated(config.prefillPoolSelectionStrategy()).grid();
        Grid dg = validated(config.decodePoolSelectionStrategy()).grid();
        double ttft = target(q.ttftTargetMs(), config.defaultTtftTarget(), pg.yMiddle());
        double itl = target(q.itlTargetMs(), config.defaultItlTarget(), dg.yMiddle());
        Choice decode = choose(
                dg,
                q.isl(),
                itl,
                q.priority(),
                validated(config.decodePoolDynamoNamespaces()),
                validated(config.decodePoolPriorities()),
                usable);
        if (decode.pool == null) {
            return new PoolPlan(null, null, null, PoolPlan.Reason.NO_READY_POOL);
        }
        Choice prefill = choose(
                pg,
                q.isl(),
                ttft,
                q.priority(),
                validated(config.prefillPoolDynamoNamespaces()),
                validated(config.prefillPoolPriorities()),
                usable);
        if (prefill.pool == null) {
            return config.enforceDisagg()
                    ? new PoolPlan(null, null, PoolPlan.Reason.NO_READY_POOL, decode.reason)
                    : new PoolPlan(null, decode.pool, PoolPlan.Reason.DECODE_ONLY, decode.reason);
        }
        return new PoolPlan(prefill.pool, decode.pool, prefill.reason, decode.reason);
    }

    private static double target(@Nullable Double request, @Nullable Double configured, double middle) {
        return request != null ? request : configured != null ? configured : middle;
    }

    private record Choice(@Nullable String pool, PoolPlan.Reason reason) {}

    private static Choice choose(
            Grid g,
            double x,
            double y,
            @Nullable Integer priority,
            List<String> pools,
            List<Integer> priorities,
            Predicate<String> usable) {
        int idx = g.override(priority);
        PoolPlan.Reason reason = PoolPlan.Reason.PRIORITY_OVERRIDE;
        if (idx < 0) {
            idx = g.lookup(x, y);
            reason = PoolPlan.Reason.GRID;
        }
        if (usable.test(pools.get(idx))) {
            return new Choice(pools.get(idx), reason);
        }
        int wanted = priorities.get(idx);
        int best = -1;
        for (int i = 0; i < pools.size(); i++) {
            if (i == idx || !usable.test(pools.get(i))) {
                continue;
            }
            if (best < 0 || closer(priorities.get(i), priorities.get(best), wanted)) {
                best = i;
            }
        }
        return best < 0
                ? new Choice(null, PoolPlan.Reason.NO_READY_POOL)
                : new Choice(pools.get(best), PoolPlan.Reason.FALLBACK_READY_POOL);
    }

    private static boolean closer(int candidate, int current, int wanted) {
        int dc = Math.abs(candidate - wanted);
        int db = Math.abs(current - wanted);
        return dc < db || (dc == db && candidate < current);
    }
}
