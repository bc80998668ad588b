package io.fleetplan.sim.replay;

import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.pool.perf.Fpm;

/** An engine iteration as the planner sees it: the ForwardPassMetrics a live worker would stream for it. */
public final class ForwardPassFpm {

    private ForwardPassFpm() {
    }

    public static Fpm of(String worker, ForwardPass f) {
        var s = f.scheduled();
        var q = f.queued();
        return new Fpm(worker, f.dpRank(), f.wallTime(), s.numPrefillRequests(), s.sumPrefillTokens(),
                s.numDecodeRequests(), s.sumDecodeKvTokens(), q.numPrefillRequests(), q.sumPrefillTokens(),
                q.numDecodeRequests(), q.sumDecodeKvTokens());
    }
}
