package io.fleetplan.pool.core;

import io.fleetplan.pool.perf.Fpm;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a live planner reads its inputs (Prometheus, the router's stream, a /metrics scrape). Calls may block
 * up to their own timeout; a failure is reported as a missing value, and the planner holds.
 */
public interface MetricsSource extends AutoCloseable {

    /** Traffic over the last {@code windowSeconds}; null when unavailable. */
    @Nullable
    TrafficSample traffic(Instant now, double windowSeconds);

    /**
     * fleetplan: traffic over the last {@code windowSeconds}, without consuming anything (the throughput loop's
     * {@link #traffic} windows are unaffected): what the load loop checks the SLO against. Null when unavailable.
     */
    default @Nullable TrafficSample recent(Instant now, double windowSeconds) {
        return null;
    }

    /** Latest per-engine load; null when unavailable. */
    @Nullable
    EngineSnapshot engines(Instant now);

    /** FPMs received since the last call (may be empty). */
    default List<Fpm> drainFpms() {
        return List.of();
    }

    @Override
    default void close() {}
}
