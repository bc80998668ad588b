package io.fleetplan.global.arbiter;

import io.fleetplan.global.config.GlobalPlannerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The arbiter's policy knobs.
 *
 * @param maxTotalGpus     -1 = no ceiling
 * @param minTotalGpus     -1 = no floor
 * @param intentTtl        how long an unmet demand stays eligible for later grants
 * @param namespaceQuotas  k8s namespace -> GPU ceiling
 * @param priorities       selector -> priority overrides
 * @param preemption       take surplus above fair share from lower-priority targets
 * @param defaultPriority  for proposals without one
 * @param poolStateTtl     a pool's remembered sequence is forgotten after this long without a proposal
 */
public record ArbiterSettings(
        int maxTotalGpus,
        int minTotalGpus,
        Duration intentTtl,
        Map<String, Integer> namespaceQuotas,
        List<PrioritySelectors.Rule> priorities,
        Policy policy,
        boolean preemption,
        int defaultPriority,
        Duration poolStateTtl) {

    /** Default {@link #poolStateTtl}: an hour, far beyond any pool planner's proposal interval. */
    public static final Duration POOL_STATE_TTL = Duration.ofHours(1);

    /** How a contended budget is shared. */
    public enum Policy {
        WEIGHTED_MAX_MIN,
        FIRST_COME
    }

    public ArbiterSettings {
        namespaceQuotas = Map.copyOf(namespaceQuotas);
        priorities = List.copyOf(priorities);
        poolStateTtl = poolStateTtl == null ? POOL_STATE_TTL : poolStateTtl;
    }

    public ArbiterSettings(
            int maxTotalGpus,
            int minTotalGpus,
            Duration intentTtl,
            Map<String, Integer> namespaceQuotas,
            List<PrioritySelectors.Rule> priorities,
            Policy policy,
            boolean preemption,
            int defaultPriority) {
        this(
                maxTotalGpus,
                minTotalGpus,
                intentTtl,
                namespaceQuotas,
                priorities,
                policy,
                preemption,
                defaultPriority,
                POOL_STATE_TTL);
    }

    /** A budget of {@code maxTotalGpus}, everything else default. */
    public static ArbiterSettings ofBudget(int maxTotalGpus, int minTotalGpus) {
        return new ArbiterSettings(
                maxTotalGpus,
                minTotalGpus,
                Duration.ofSeconds(360),
                Map.of(),
                List.of(),
                Policy.WEIGHTED_MAX_MIN,
                false,
                100);
    }

    public static ArbiterSettings from(GlobalPlannerConfig c) {
        return new ArbiterSettings(
                c.maxTotalGpus(),
                c.minTotalGpus(),
                Duration.ofSeconds(c.intentCacheTtlSeconds()),
                c.namespaceQuotas(),
                c.priorities().stream()
                        .map(r -> new PrioritySelectors.Rule(r.selector(), r.priority()))
                        .toList(),
                c.fairness().policy().equals("first-come") ? Policy.FIRST_COME : Policy.WEIGHTED_MAX_MIN,
                c.fairness().preemption(),
                c.fairness().defaultPriority(),
                Duration.ofSeconds(c.poolStateTtlSeconds()));
    }

    public ArbiterSettings withPreemption(boolean on) {
        return new ArbiterSettings(
                maxTotalGpus,
                minTotalGpus,
                intentTtl,
                namespaceQuotas,
                priorities,
                policy,
                on,
                defaultPriority,
                poolStateTtl);
    }

    public ArbiterSettings withQuotas(Map<String, Integer> quotas) {
        return new ArbiterSettings(
                maxTotalGpus,
                minTotalGpus,
                intentTtl,
                quotas,
                priorities,
                policy,
                preemption,
                defaultPriority,
                poolStateTtl);
    }

    public ArbiterSettings withPolicy(Policy p) {
        return new ArbiterSettings(
                maxTotalGpus,
                minTotalGpus,
                intentTtl,
                namespaceQuotas,
                priorities,
                p,
                preemption,
                defaultPriority,
                poolStateTtl);
    }

    boolean ceilingOn() {
        return maxTotalGpus >= 0;
    }
}
