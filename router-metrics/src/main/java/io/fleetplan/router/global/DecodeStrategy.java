package io.fleetplan.router.global;

import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.common.config.ConfigDoc;
import java.util.List;

/** Dynamo decode_pool_selection_strategy: context length (tokens) x ITL target (ms) -> decode pool index. */
public record DecodeStrategy(
        @ConfigDoc(value = "Smallest context length (tokens) of the grid.", shownDefault = "required")
        Double contextLengthMin,

        @ConfigDoc(value = "Largest context length (tokens) of the grid.", shownDefault = "required")
        Double contextLengthMax,

        @ConfigDoc(value = "Rows of the grid (context-length buckets).", shownDefault = "required")
        Integer contextLengthResolution,

        @ConfigDoc(value = "Smallest ITL target (ms) of the grid.", shownDefault = "required")
        Double itlMin,

        @ConfigDoc(value = "Largest ITL target (ms) of the grid.", shownDefault = "required")
        Double itlMax,

        @ConfigDoc(value = "Columns of the grid (ITL-target buckets).", shownDefault = "required")
        Integer itlResolution,

        @ConfigDoc(
                value = "context_length_resolution rows of itl_resolution decode pool indexes.",
                shownDefault = "required")
        List<List<Integer>> decodePoolMapping,

        @ConfigDoc(
                value = "Rules checked after the grid: the first whose priority range holds the request's "
                        + "priority names the pool.",
                shownDefault = "`[]`")
        List<PriorityOverride> priorityOverrides) {

    public DecodeStrategy {
        ConfigChecks c = new ConfigChecks();
        Grid.validate(
                c,
                "decode",
                "context_length",
                contextLengthMin,
                contextLengthMax,
                contextLengthResolution,
                "itl",
                itlMin,
                itlMax,
                itlResolution,
                "decode_pool_mapping",
                decodePoolMapping);
        c.throwIfAny();
        priorityOverrides = priorityOverrides == null ? List.of() : priorityOverrides;
    }

    Grid grid() {
        return new Grid(
                "decode",
                "context_length",
                contextLengthMin,
                contextLengthMax,
                contextLengthResolution,
                "itl",
                itlMin,
                itlMax,
                itlResolution,
                decodePoolMapping,
                priorityOverrides);
    }
}
