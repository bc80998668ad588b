package io.fleetplan.router.global;

import io.fleetplan.common.config.ConfigChecks;
import java.util.List;

/** Dynamo prefill_pool_selection_strategy: ISL (tokens) x TTFT target (ms) -> prefill pool index. */
public record PrefillStrategy(Double islMin, Double islMax, Integer islResolution, Double ttftMin, Double ttftMax,
                              Integer ttftResolution, List<List<Integer>> prefillPoolMapping,
                              List<PriorityOverride> priorityOverrides) {

    public PrefillStrategy {
        ConfigChecks c = new ConfigChecks();
        Grid.validate(c, "prefill", "isl", islMin, islMax, islResolution, "ttft", ttftMin, ttftMax, ttftResolution,
                "prefill_pool_mapping", prefillPoolMapping);
        c.throwIfAny();
        priorityOverrides = priorityOverrides == null ? List.of() : priorityOverrides;
    }

    Grid grid() {
        return new Grid("prefill", "isl", islMin, islMax, islResolution, "ttft", ttftMin, ttftMax, ttftResolution,
                prefillPoolMapping, priorityOverrides);
    }
}
