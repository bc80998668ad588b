package io.fleetplan.pool.perf;

import org.jspecify.annotations.Nullable;

/**
 * Per-engine capacity for the throughput loop: either profiled data ({@link ProfilePerfModel}, Dynamo's
 * first generation) or regressions on live FPMs ({@link FpmPerfModel}, the second).
 */
public interface CapacityModel {

    /** False until the model can answer (too few samples, no profile data). */
    boolean ready();

    /** Prefill requests per second one engine sustains at mean prompt length {@code isl}; null when unknown. */
    @Nullable
    EngineCapacity prefill(double isl, double ttftTargetMs, EngineLimits limits);

    /** Decode requests per second one engine sustains at the ITL target; null when unknown. */
    @Nullable
    EngineCapacity decode(double isl, double osl, double itlTargetMs, EngineLimits limits);

    /** Short name for diagnostics. */
    String kind();
}
