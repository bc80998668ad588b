package io.fleetplan.mocker.engine;

/** Why a request left the engine. */
public enum FinishReason {
    /** {@code max_tokens} produced (a prefill-role engine: its one token produced and the KV handed off). */
    LENGTH,
    /** Cancelled by the caller (client went away). */
    CANCELLED,
    /** Cut off by the engine, e.g. a drain grace period expired. */
    ABORTED
}
