package io.fleetplan.sim.replay;

import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.pool.perf.Fpm;

/**
 * A simulated engine's iteration as the pool planner reads it: the same fields the live path carries from the
 * mocker's ForwardPassMetrics over the router's stream to the planner's {@link Fpm}.
 */
public final class ForwardPasses {

    private ForwardPasses() {
    }

    /** The planner's FPM of one iteration of {@code workerId}'s engine; null for null. */
    public static Fpm fpm(String workerId, ForwardPass f) {
        if (f == null) {
            return null;
        }
        ForwardPass.Scheduled s = f.scheduled();
        ForwardPass.Queued q = f.queued();
        return new Fpm(workerId, f.dpRank(), f.wallTime(), s.numPrefillRequests(), s.sumPrefillTokens(),
                s.numDecodeRequests(), s.sumDecodeKvTokens(), q.numPrefillRequests(), q.sumPrefillTokens(),
                q.numDecodeRequests(), q.sumDecodeKvTokens());
    }
}
