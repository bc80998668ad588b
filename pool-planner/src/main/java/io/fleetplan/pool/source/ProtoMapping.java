package io.fleetplan.pool.source;

import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.proto.v1.ForwardPassMetrics;
import io.fleetplan.proto.v1.WorkerLoad;

/** Wire messages to the planner's own values (the planning core never sees proto classes). */
public final class ProtoMapping {

    private ProtoMapping() {}

    public static Fpm fpm(ForwardPassMetrics m) {
        var s = m.getScheduledRequests();
        var q = m.getQueuedRequests();
        return new Fpm(
                m.getWorkerId(),
                m.getDpRank(),
                m.getWallTime(),
                s.getNumPrefillRequests(),
                s.getSumPrefillTokens(),
                s.getNumDecodeRequests(),
                s.getSumDecodeKvTokens(),
                q.getNumPrefillRequests(),
                q.getSumPrefillTokens(),
                q.getNumDecodeRequests(),
                q.getSumDecodeKvTokens());
    }

    /**
     * One worker's load: queues and KV from its last FPM when the router has one, else from ActiveLoad
     * (blocks converted with {@code blockSize}).
     */
    public static EngineLoad load(WorkerLoad w, int blockSize) {
        var a = w.getLoad();
        EngineLimits limits = new EngineLimits(a.getKvTotalBlocks() * blockSize, 0, 0);
        int running = a.getNumRunningReqs();
        if (w.hasLastFpm()) {
            return EngineSnapshot.load(w.getWorkerId(), fpm(w.getLastFpm()), limits, running);
        }
        return new EngineLoad(
                w.getWorkerId(),
                (int) a.getDpRank(),
                a.getActivePrefillTokens(),
                (double) a.getActiveDecodeBlocks() * blockSize,
                0,
                limits,
                running);
    }
}
