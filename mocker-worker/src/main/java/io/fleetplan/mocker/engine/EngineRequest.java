package io.fleetplan.mocker.engine;

import org.jspecify.annotations.Nullable;

/**
 * One request for the engine. The engine reports on it by passing this same instance back to the
 * {@link EngineListener}, so callers can keep their own state in a subclass-free way (an identity map) or
 * simply keep the instance. Arrays are not copied: do not change them after submitting.
 *
 * @param requestId caller-chosen id, unique among the engine's in-flight requests
 * @param model model name; null or empty = the engine's model
 * @param promptTokens prompt length in tokens (ISL), >= 1
 * @param maxTokens output tokens to generate (OSL), >= 1; a prefill-role engine always emits exactly 1
 * @param tokenIds prompt token ids (length == promptTokens) for prefix caching by content, or null
 * @param blockHashes per-block prompt hashes (Mooncake {@code hash_ids}), used as sequence hashes of the
 *     prompt's full blocks instead of hashing tokens; or null. Without token ids or hashes the prompt is
 *     unique (never hits the prefix cache).
 * @param handoff KV already computed by a prefill worker (disaggregated decode), or null
 */
public record EngineRequest(
        String requestId,
        @Nullable String model,
        int promptTokens,
        int maxTokens,
        int @Nullable [] tokenIds,
        long @Nullable [] blockHashes,
        @Nullable KvHandoff handoff) {

    /** A synthetic-prompt request: unique prompt content, no prefix sharing. */
    public static EngineRequest synthetic(String requestId, int promptTokens, int maxTokens) {
        return new EngineRequest(requestId, null, promptTokens, maxTokens, null, null, null);
    }

    /** A request whose prompt blocks are identified by trace block hashes (e.g. Mooncake {@code hash_ids}). */
    public static EngineRequest withBlockHashes(String requestId, int promptTokens, int maxTokens, long[] hashes) {
        return new EngineRequest(requestId, null, promptTokens, maxTokens, null, hashes, null);
    }

    /** A request carrying real token ids. */
    public static EngineRequest withTokens(String requestId, int[] tokenIds, int maxTokens) {
        return new EngineRequest(requestId, null, tokenIds.length, maxTokens, tokenIds, null, null);
    }
}
