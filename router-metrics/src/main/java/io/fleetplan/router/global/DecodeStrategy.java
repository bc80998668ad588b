package io.fleetplan.router.global;

import io.fleetplan.common.config.ConfigChecks;
import java.util.List;

/** Dynamo decode_pool_selection_strategy: context length (tokens) x ITL target (ms) -> decode pool index. */
public record DecodeStrategy(Double contextLengthMin, Double contextLengthMax, Integer contextLengthResolution,
                             Double itlMin, Double itlMax, Integer itlResolution,
                             List<List<Integer>> decodePoolMapping, List<PriorityOverride> priorityOverrides) {

    public DecodeStrategy {
        ConfigChecks c = new ConfigChecks();
        Grid.validate(c, "decode", "context_length", contextLengthMin, contextLengthMax, contextLengthResolution,
                "itl", itlMin, itlMax, itlResolution, "decode_pool_mapping", decodePoolMapping);
        c.throwIfAny();
        priorityOverrides = priorityOverrides == null ? List.of() : priorityOverrides;
    }

    Grid grid() {
        return new Grid("decode", "context_length", contextLengthMin, contextLengthMax, contextLengthResolution,
                "itl", itlMin, itlMax, itlResolution, decodePoolMapping, priorityOverrides);
    }
}
