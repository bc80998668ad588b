package io.fleetplan.pool.core;

import io.fleetplan.pool.scaling.EngineLoad;
import java.time.Instant;
import java.util.List;

/**
 * Latest per-engine load of the pool (the router's view, or the engines' FPMs). Aggregated engines are listed
 * under {@code decode}. Idle engines are listed with zero load: an engine missing from the list is unknown.
 */
public record EngineSnapshot(Instant at, List<EngineLoad> prefill, List<EngineLoad> decode) {

    public EngineSnapshot {
        prefill = List.copyOf(prefill);
        decode = List.copyOf(decode);
    }
}
