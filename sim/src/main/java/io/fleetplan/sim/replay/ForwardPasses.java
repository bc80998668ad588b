package io.fleetplan.sim.replay;

import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.scaling.EngineLoad;

/**
 * An engine iteration as the planner sees it: the ForwardPassMetrics a live worker streams for it, and the engine
 * load its router reports from the last one.
 */
public final class ForwardPasses {

    private ForwardPasses() {}

    public static Fpm fpm(String worker, ForwardPass f) {
        var s = f.scheduled();
        var q = f.queued();
        return new Fpm(
                worker,
                f.dpRank(),
                f.wallTime(),
                s.numPrefillRequests(),
                s.sumPrefillTokens(),
                s.numDecodeRequests(),
                s.sumDecodeKvTokens(),
                q.numPrefillRequests(),
                q.sumPrefillTokens(),
                q.numDecodeRequests(),
                q.sumDecodeKvTokens());
    }

    /**
     * @param last the engine's last iteration; null before its first (an idle engine)
     * @see EngineSnapshot#load the same load the router stream source reads from a worker's last FPM
     */
    public static EngineLoad load(String worker, ForwardPass last, EngineLimits limits, int running) {
        return EngineSnapshot.load(worker, last == null ? null : fpm(worker, last), limits, running);
    }
}
