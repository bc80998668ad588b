package io.fleetplan.mocker.engine;

import java.util.Arrays;

/**
 * Groups the block manager's per-block changes into Dynamo-shaped events: consecutive stored blocks of one
 * chain become one {@link KvEvent.Stored}; removals collected until the next flush become one
 * {@link KvEvent.Removed}. Event ids are monotonic from 0.
 */
final class KvEventBatcher implements KvEventSink {

    private final boolean enabled;
    private final Emitter emitter;
    private long nextId;

    private long[] storedHashes = new long[64];
    private long[] storedLocals = new long[64];
    private int storedCount;
    private boolean storedHasParent;
    private long storedParent;

    private long[] removed = new long[64];
    private int removedCount;

    /** Where finished events go. */
    interface Emitter {
        void emit(KvEvent event);
    }

    KvEventBatcher(boolean enabled, Emitter emitter) {
        this.enabled = enabled;
        this.emitter = emitter;
    }

    @Override
    public void stored(long blockHash, long tokensHash, long parentHash, boolean hasParent) {
        if (!enabled) {
            return;
        }
        boolean continues = storedCount > 0 && hasParent && parentHash == storedHashes[storedCount - 1];
        if (!continues) {
            flushStored();
            storedHasParent = hasParent;
            storedParent = parentHash;
        }
        if (storedCount == storedHashes.length) {
            storedHashes = Arrays.copyOf(storedHashes, storedCount * 2);
            storedLocals = Arrays.copyOf(storedLocals, storedCount * 2);
        }
        storedHashes[storedCount] = blockHash;
        storedLocals[storedCount++] = tokensHash;
    }

    @Override
    public void removed(long blockHash) {
        if (!enabled) {
            return;
        }
        // keep order: blocks stored before this removal are announced first
        flushStored();
        if (removedCount == removed.length) {
            removed = Arrays.copyOf(removed, removedCount * 2);
        }
        removed[removedCount++] = blockHash;
    }

    /** Emits whatever is pending. */
    void flush() {
        if (!enabled) {
            return;
        }
        flushStored();
        flushRemoved();
    }

    private void flushStored() {
        if (storedCount == 0) {
            return;
        }
        flushRemoved();
        emitter.emit(new KvEvent.Stored(
                nextId++,
                storedHasParent,
                storedParent,
                Arrays.copyOf(storedHashes, storedCount),
                Arrays.copyOf(storedLocals, storedCount)));
        storedCount = 0;
    }

    private void flushRemoved() {
        if (removedCount == 0) {
            return;
        }
        emitter.emit(new KvEvent.Removed(nextId++, Arrays.copyOf(removed, removedCount)));
        removedCount = 0;
    }
}
