package io.fleetplan.router.core;

/**
 * A worker's KV cache event (Dynamo KvCacheEvent). Sequence hashes ({@code blockHashes}) identify a block
 * together with its whole prefix; token hashes ({@code tokensHashes}) are what a request's prompt is hashed
 * into and what the prefix index matches on.
 */
public sealed interface KvEvent {

    /**
     * Blocks stored after {@code parentHash} (a sequence hash; {@code hasParent=false} = from the root).
     * {@code blockHashes[i]} and {@code tokensHashes[i]} describe the same block.
     */
    record Stored(boolean hasParent, long parentHash, long[] blockHashes, long[] tokensHashes) implements KvEvent {
        public Stored {
            if (blockHashes.length != tokensHashes.length) {
                throw new IllegalArgumentException("stored event: " + blockHashes.length + " block hashes but "
                        + tokensHashes.length + " token hashes");
            }
        }
    }

    /** Blocks evicted, by sequence hash. */
    record Removed(long[] blockHashes) implements KvEvent {}

    /** The worker dropped its whole cache. */
    record Cleared() implements KvEvent {}
}
