package io.fleetplan.router.global;

import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.common.config.ConfigDoc;
import java.util.List;

/** Dynamo prefill_pool_selection_strategy: ISL (tokens) x TTFT target (ms) -> prefill pool index. */
public record PrefillStrategy(
        @ConfigDoc(value = "Smallest prompt length (tokens) of the grid.", shownDefault = "required")
        Double islMin,

        @ConfigDoc(value = "Largest prompt length (tokens) of the grid.", shownDefault = "required")
        Double islMax,

        @ConfigDoc(value = "Rows of the grid (prompt-length buckets).", shownDefault = "required")
        Integer islResolution,

        @ConfigDoc(value = "Smallest TTFT target (ms) of the grid.", shownDefault = "required")
        Double ttftMin,

        @ConfigDoc(value = "Largest TTFT target (ms) of the grid.", shownDefault = "required")
        Double ttftMax,

        @ConfigDoc(value = "Columns of the grid (TTFT-target buckets).", shownDefault = "required")
        Integer ttftResolution,

        @ConfigDoc(value = "isl_resolution rows of ttft_resolution prefill pool indexes.", shownDefault = "required")
        List<List<Integer>> prefillPoolMapping,

        @ConfigDoc(
                value = "Rules checked after the grid: the first whose priority range holds the request's "
                        + "priority names the pool.",
                shownDefault = "`[]`")
        List<PriorityOverride> priorityOverrides) {

    public PrefillStrategy {
        ConfigChecks c = new ConfigChecks();
        Grid.validate(
                c,
                "prefill",
                "isl",
                islMin,
                islMax,
                islResolution,
                "ttft",
                ttftMin,
                ttftMax,
                ttftResolution,
                "prefill_pool_mapping",
                prefillPoolMapping);
        c.throwIfAny();
        priorityOverrides = priorityOverrides == null ? List.of() : priorityOverrides;
    }

    Grid grid() {
        return new Grid(
                "prefill",
                "isl",
                islMin,
                islMax,
                islResolution,
                "ttft",
                ttftMin,
                ttftMax,
                ttftResolution,
                prefillPoolMapping,
                priorityOverrides);
    }
}
