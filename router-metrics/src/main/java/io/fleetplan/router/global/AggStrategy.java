package io.fleetplan.router.global;

import io.fleetplan.common.config.ConfigChecks;
import java.util.List;

/** Dynamo agg_pool_selection_strategy (newest form): TTFT target (ms) x ITL target (ms) -> aggregated pool. */
public record AggStrategy(Double ttftMin, Double ttftMax, Integer ttftResolution, Double itlMin, Double itlMax,
                          Integer itlResolution, List<List<Integer>> aggPoolMapping,
                          List<PriorityOverride> priorityOverrides) {

    public AggStrategy {
        ConfigChecks c = new ConfigChecks();
        Grid.validate(c, "agg", "ttft", ttftMin, ttftMax, ttftResolution, "itl", itlMin, itlMax, itlResolution,
                "agg_pool_mapping", aggPoolMapping);
        c.throwIfAny();
        priorityOverrides = priorityOverrides == null ? List.of() : priorityOverrides;
    }

    Grid grid() {
        return new Grid("agg", "ttft", ttftMin, ttftMax, ttftResolution, "itl", itlMin, itlMax, itlResolution,
                aggPoolMapping, priorityOverrides);
    }
}
