package io.fleetplan.pool.core;

import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.perf.Fpm;
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

    /**
     * An engine's load read from its latest FPM, as every source that has one reports it: the queued prompt
     * tokens, the running decodes' context and the preempted ones'; an engine with no FPM yet has none.
     *
     * @param last the engine's latest FPM, null for none
     * @param runningRequests requests in its running batch (0 = unknown)
     */
    public static EngineLoad load(String workerId, Fpm last, EngineLimits limits, int runningRequests) {
        return last == null
                ? new EngineLoad(workerId, 0, 0, 0, 0, limits, runningRequests)
                : new EngineLoad(
                        workerId,
                        last.dpRank(),
                        last.queuedPrefillTokens(),
                        last.sumDecodeKvTokens(),
                        last.queuedDecodeKvTokens(),
                        limits,
                        runningRequests);
    }
}
