package io.fleetplan.mocker.engine;

/** A KV cache change (Dynamo KvCacheEvent); {@code eventId} is monotonic from 0 per engine. */
public sealed interface KvEvent {

    long eventId();

    /**
     * Consecutive blocks of one chain became cached.
     *
     * @param parentHash sequence hash of the block before the first stored one, valid when hasParent
     * @param blockHashes sequence (chained) hashes, in chain order
     * @param tokensHashes local hashes, same order
     */
    record Stored(long eventId, boolean hasParent, long parentHash, long[] blockHashes, long[] tokensHashes)
            implements KvEvent {}

    /** Cached blocks were evicted or dropped. */
    record Removed(long eventId, long[] blockHashes) implements KvEvent {}
}
