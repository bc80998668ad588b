package io.fleetplan.mocker.engine;

/**
 * Everything a {@link MockEngine} reports. All methods run on the engine's scheduler thread, in engine-time
 * order; they must not block. Every method has an empty default, so implement only what you use.
 */
public interface EngineListener {

    /**
     * {@code count} tokens of {@code request} were produced at engine time {@code timeNanos}.
     *
     * @param firstIndex output position of the first of them (0-based; 1 for a decode worker's first token
     *     after a handoff)
     */
    default void onTokens(EngineRequest request, int firstIndex, int count, long timeNanos) {}

    /** The request left the engine (finished, cancelled or aborted). Its id may be reused afterwards. */
    default void onFinished(EngineRequest request, Completion completion) {}

    /** One iteration's metrics, at the iteration's end. */
    default void onForwardPass(ForwardPass fpm) {}

    /** Called only when {@link #wantsKvEvents()}; stored/removed block batches in order. */
    default void onKvEvent(KvEvent event, long timeNanos) {}

    /** False skips building KV events (faster when nobody indexes the cache). */
    default boolean wantsKvEvents() {
        return true;
    }

    /** The load changed (reported after iterations and when requests leave; not more than once per change). */
    default void onLoad(LoadSnapshot load, long timeNanos) {}

    /**
     * Idle heartbeat: no iteration ran during the last heartbeat interval. {@code fpm} is the all-zero FPM
     * Dynamo publishes for an idle worker.
     */
    default void onIdleHeartbeat(long sequence, ForwardPass fpm, LoadSnapshot load, long timeNanos) {}
}
