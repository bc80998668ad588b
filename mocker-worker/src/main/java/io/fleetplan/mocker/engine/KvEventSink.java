package io.fleetplan.mocker.engine;

/** Receives the block manager's cache changes, one block at a time (the engine batches them into events). */
interface KvEventSink {

    /** A block became cached under {@code blockHash}; {@code parentHash} is valid when {@code hasParent}. */
    void stored(long blockHash, long tokensHash, long parentHash, boolean hasParent);

    /** A cached block was evicted or dropped. */
    void removed(long blockHash);

    KvEventSink NONE = new KvEventSink() {
        @Override
        public void stored(long blockHash, long tokensHash, long parentHash, boolean hasParent) {}

        @Override
        public void removed(long blockHash) {}
    };
}
