package io.fleetplan.router.frontend;

/**
 * Where one request is before its first token (Dynamo's stage gauge: preprocess, route, dispatch; their sum is
 * the queue depth, mirrored by the older queued_requests gauge). Leaves the gauges exactly once.
 */
final class StageTracker implements AutoCloseable {

    private final FrontendMetrics metrics;
    private String stage;

    StageTracker(FrontendMetrics metrics) {
        this.metrics = metrics;
        this.stage = "preprocess";
        metrics.queued.inc();
        metrics.stage(stage).inc();
    }

    void enter(String next) {
        if (stage != null) {
            metrics.stage(stage).dec();
            metrics.stage(next).inc();
            stage = next;
        }
    }

    /** First token: the request is no longer queued. */
    void firstToken() {
        if (stage != null) {
            metrics.stage(stage).dec();
            metrics.queued.dec();
            stage = null;
        }
    }

    @Override
    public void close() {
        firstToken();
    }
}
