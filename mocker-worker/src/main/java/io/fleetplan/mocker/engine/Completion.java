package io.fleetplan.mocker.engine;

import org.jspecify.annotations.Nullable;

/**
 * A finished request's outcome.
 *
 * @param reason why it finished
 * @param promptTokens ISL
 * @param completionTokens tokens this engine emitted for it
 * @param cachedTokens prompt tokens served from the prefix cache at first admission
 * @param preemptions times it was preempted and recomputed
 * @param arrivalNanos engine time it was submitted, ns since the epoch
 * @param firstTokenNanos engine time of its first token (0 if none)
 * @param finishNanos engine time it finished
 * @param handoff prefill role: the KV handoff for the decode worker; otherwise null
 */
public record Completion(
        FinishReason reason,
        int promptTokens,
        int completionTokens,
        int cachedTokens,
        int preemptions,
        long arrivalNanos,
        long firstTokenNanos,
        long finishNanos,
        @Nullable KvHandoff handoff) {}
