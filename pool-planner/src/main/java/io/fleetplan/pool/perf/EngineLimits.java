package io.fleetplan.pool.perf;

/**
 * What one engine can hold: KV cache size in tokens, the chunk size of a prefill pass and the batch cap.
 * 0 means unknown (the models then fall back as Dynamo's do).
 */
public record EngineLimits(long maxKvTokens, long maxNumBatchedTokens, int maxNumSeqs) {

    public static final EngineLimits UNKNOWN = new EngineLimits(0, 0, 0);

    /** Fills unknown fields from {@code other}. */
    public EngineLimits orElse(EngineLimits other) {
        return new EngineLimits(
                maxKvTokens > 0 ? maxKvTokens : other.maxKvTokens,
                maxNumBatchedTokens > 0 ? maxNumBatchedTokens : other.maxNumBatchedTokens,
                maxNumSeqs > 0 ? maxNumSeqs : other.maxNumSeqs);
    }
}
