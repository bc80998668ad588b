package io.fleetplan.router.global;

import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.common.config.ConfigDoc;
import java.util.List;

/** Dynamo agg_pool_selection_strategy (newest form): TTFT target (ms) x ITL target (ms) -> aggregated pool. */
public record AggStrategy(
        @ConfigDoc(value = "Smallest TTFT target (ms) of the grid.", shownDefault = "required")
        Double ttftMin,

        @ConfigDoc(value = "Largest TTFT target (ms) of the grid.", shownDefault = "required")
        Double ttftMax,

        @ConfigDoc(value = "Rows of the grid (TTFT-target buckets).", shownDefault = "required")
        Integer ttftResolution,

        @ConfigDoc(value = "Smallest ITL target (ms) of the grid.", shownDefault = "required")
        Double itlMin,

        @ConfigDoc(value = "Largest ITL target (ms) of the grid.", shownDefault = "required")
        Double itlMax,

        @ConfigDoc(value = "Columns of the grid (ITL-target buckets).", shownDefault = "required")
        Integer itlResolution,

        @ConfigDoc(value = "ttft_resolution rows of itl_resolution aggregated pool indexes.", shownDefault = "required")
        List<List<Integer>> aggPoolMapping,

        @ConfigDoc(
                value = "Rules checked after the grid: the first whose priority range holds the request's "
                        + "priority names the pool.",
                shownDefault = "`[]`")
        List<PriorityOverride> priorityOverrides) {

    public AggStrategy {
        ConfigChecks c = new ConfigChecks();
        Grid.validate(
                c,
                "agg",
                "ttft",
                ttftMin,
                ttftMax,
                ttftResolution,
                "itl",
                itlMin,
                itlMax,
                itlResolution,
                "agg_pool_mapping",
                aggPoolMapping);
        c.throwIfAny();
        priorityOverrides = priorityOverrides == null ? List.of() : priorityOverrides;
    }

    Grid grid() {
        return new Grid(
                "agg",
                "ttft",
                ttftMin,
                ttftMax,
                ttftResolution,
                "itl",
                itlMin,
                itlMax,
                itlResolution,
                aggPoolMapping,
                priorityOverrides);
    }
}
