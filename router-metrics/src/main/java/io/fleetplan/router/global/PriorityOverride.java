package io.fleetplan.router.global;

import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.common.config.ConfigDoc;

/**
 * Dynamo GlobalRouter priority rule: a request whose priority lies in [min_priority, max_priority] goes to
 * target_pool (an index into the pool list), whatever the grid says. The first matching rule wins.
 */
public record PriorityOverride(
        @ConfigDoc(value = "Lowest priority the rule matches (inclusive).", shownDefault = "required")
        Integer minPriority,

        @ConfigDoc(value = "Highest priority the rule matches (inclusive).", shownDefault = "required")
        Integer maxPriority,

        @ConfigDoc(value = "Index of the pool the matching requests go to.", shownDefault = "required")
        Integer targetPool) {

    public PriorityOverride {
        ConfigChecks c = new ConfigChecks();
        c.check(minPriority != null, "min_priority", null, "is required");
        c.check(maxPriority != null, "max_priority", null, "is required");
        c.check(targetPool != null, "target_pool", null, "is required");
        c.atLeast("target_pool", targetPool, 0);
        c.check(
                minPriority == null || maxPriority == null || minPriority <= maxPriority,
                "max_priority",
                maxPriority,
                "must be >= min_priority (" + minPriority + ")");
        c.throwIfAny();
    }

    boolean matches(int priority) {
        return priority >= minPriority && priority <= maxPriority;
    }
}
