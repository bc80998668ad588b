package io.fleetplan.router.local;

import io.fleetplan.router.core.BlockHasher;
import io.fleetplan.router.core.KvEvent;
import io.fleetplan.router.core.PoolRouter;
import io.fleetplan.router.core.ReportedLoad;
import io.fleetplan.router.core.RouteDecision;
import io.fleetplan.router.core.RouteRequest;
import io.fleetplan.router.core.WorkerSpec;
import io.fleetplan.router.core.WorkerView;
import java.util.List;

/**
 * The one owner of the pool's {@link PoolRouter} in a live process: every call is serialised on one lock,
 * held only for the few microseconds the pure logic takes, never across I/O.
 */
final class RouterState {

    private final PoolRouter router;

    RouterState(PoolRouter router) {
        this.router = router;
    }

    synchronized boolean register(WorkerSpec spec) {
        return router.register(spec);
    }

    synchronized boolean heartbeat(String id, Boolean draining, ReportedLoad load) {
        return router.heartbeat(id, draining, load);
    }

    synchronized boolean seen(String id) {
        return router.seen(id);
    }

    synchronized boolean deregister(String id) {
        return router.deregister(id);
    }

    synchronized boolean applyKvEvent(String id, KvEvent e) {
        return router.applyKvEvent(id, e);
    }

    synchronized void markFailed(String id) {
        router.markFailed(id);
    }

    synchronized List<String> expire() {
        return router.expire();
    }

    synchronized RouteDecision route(RouteRequest r) {
        return router.route(r);
    }

    /** First token of a request: its prompt is prefilled, and its worker is evidently alive. */
    synchronized void firstToken(String trackId, String workerId) {
        router.firstToken(trackId);
        router.seen(workerId);
    }

    synchronized void finished(String trackId) {
        router.finished(trackId);
    }

    synchronized List<WorkerView> workers() {
        return router.workers();
    }

    synchronized int readyWorkers() {
        return router.readyWorkers();
    }

    /** Block hashing needs no lock beyond reading the block size. */
    long[] hashPrompt(int[] tokens) {
        int bs;
        synchronized (this) {
            bs = router.blockSize();
        }
        return BlockHasher.hash(tokens, bs);
    }

    synchronized int blockSize() {
        return router.blockSize();
    }

    PoolRouter unsafeRouter() {
        return router;
    }
}
