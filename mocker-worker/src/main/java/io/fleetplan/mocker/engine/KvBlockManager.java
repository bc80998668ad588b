package io.fleetplan.mocker.engine;

import io.fleetplan.common.collect.LongIntMap;

/**
 * The KV cache of one engine: a fixed number of block slots, each free, <em>partial</em> (the still-filling
 * tail of one request, not shareable) or <em>full</em> (identified by its chained sequence hash and shareable).
 * Full blocks carry a reference count; at zero they move to an LRU pool of inactive blocks that stay cached
 * for prefix reuse until a new allocation evicts the least recently released one.
 *
 * <p>Invariant: {@code used + inactive + free == capacity}, where {@code used} counts slots with a positive
 * reference count (partial ones included). Not thread-safe: the engine is its only user.
 */
public final class KvBlockManager {

    /** Returned when no slot can be found (every block is referenced). */
    public static final int NO_BLOCK = -1;

    private static final byte FREE = 0;
    private static final byte PARTIAL = 1;
    private static final byte FULL = 2;

    private final int capacity;
    private final boolean prefixCaching;
    private final KvEventSink sink;

    private final byte[] state;
    private final long[] hashOf;
    private final int[] refs;
    // LRU of inactive full blocks: head = least recently released = first to evict
    private final int[] prev;
    private final int[] next;
    private int lruHead = -1;
    private int lruTail = -1;
    private final int[] freeStack;
    private int freeTop;
    private final LongIntMap byHash;

    private int used;
    private int inactive;
    private boolean lastHit;
    private long evictions;

    KvBlockManager(int capacity, boolean prefixCaching, KvEventSink sink) {
        this.capacity = capacity;
        this.prefixCaching = prefixCaching;
        this.sink = sink;
        state = new byte[capacity];
        hashOf = new long[capacity];
        refs = new int[capacity];
        prev = new int[capacity];
        next = new int[capacity];
        freeStack = new int[capacity];
        // pop order 0, 1, 2... keeps slot numbers small and deterministic
        for (int i = 0; i < capacity; i++) {
            freeStack[i] = capacity - 1 - i;
        }
        freeTop = capacity;
        byHash = new LongIntMap(Math.min(capacity, 1 << 16));
    }

    /** A manager without event reporting (tests, probes). */
    public KvBlockManager(int capacity, boolean prefixCaching) {
        this(capacity, prefixCaching, KvEventSink.NONE);
    }

    /**
     * References the full block {@code blockHash}: an active block gains a reference, an inactive one is
     * reactivated, otherwise a slot is allocated (evicting the LRU inactive block if nothing is free) and the
     * block is reported as stored. {@link #lastAcquireWasHit()} tells whether the block was already cached.
     *
     * @return the slot, or {@link #NO_BLOCK} when every slot is referenced
     */
    public int acquireFull(long blockHash, long tokensHash, long parentHash, boolean hasParent) {
        int slot = byHash.get(blockHash);
        if (slot >= 0) {
            lastHit = true;
            reference(slot);
            return slot;
        }
        lastHit = false;
        slot = takeSlot();
        if (slot == NO_BLOCK) {
            return NO_BLOCK;
        }
        becomeFull(slot, blockHash, tokensHash, parentHash, hasParent);
        return slot;
    }

    /** Whether the last {@link #acquireFull} found the block cached (active or inactive). */
    public boolean lastAcquireWasHit() {
        return lastHit;
    }

    /** Whether {@code blockHash} is cached (active or inactive), without touching it. */
    public boolean contains(long blockHash) {
        return byHash.get(blockHash) >= 0;
    }

    /** Allocates a private, still-filling block with one reference. @return the slot or {@link #NO_BLOCK} */
    public int allocatePartial() {
        int slot = takeSlot();
        if (slot == NO_BLOCK) {
            return NO_BLOCK;
        }
        state[slot] = PARTIAL;
        refs[slot] = 1;
        used++;
        return slot;
    }

    /**
     * Turns a filled partial block into a full one. If an identical block is already cached, the partial slot
     * is freed and the cached block is referenced instead (no stored event).
     *
     * @return the slot now holding the block (may differ from {@code slot})
     */
    public int promote(int slot, long blockHash, long tokensHash, long parentHash, boolean hasParent) {
        if (state[slot] != PARTIAL || refs[slot] != 1) {
            throw new IllegalStateException("promote needs a partial block with one reference; slot " + slot + " state="
                    + state[slot] + " refs=" + refs[slot]);
        }
        int existing = byHash.get(blockHash);
        if (existing >= 0) {
            release(slot);
            reference(existing);
            return existing;
        }
        becomeFull(slot, blockHash, tokensHash, parentHash, hasParent);
        used--; // becomeFull counts a new reference; this block already had one
        return slot;
    }

    /** Drops one reference; a full block at zero becomes inactive (or is dropped without prefix caching). */
    public void release(int slot) {
        if (refs[slot] <= 0) {
            throw new IllegalStateException("release of slot " + slot + " with no reference");
        }
        if (--refs[slot] > 0) {
            return;
        }
        used--;
        if (state[slot] == FULL && prefixCaching) {
            lruAppend(slot);
            inactive++;
        } else {
            if (state[slot] == FULL) {
                byHash.remove(hashOf[slot]);
                sink.removed(hashOf[slot]);
            }
            state[slot] = FREE;
            freeStack[freeTop++] = slot;
        }
    }

    /** Slots with at least one reference. */
    public int usedBlocks() {
        return used;
    }

    /** Unreferenced full blocks kept for prefix reuse. */
    public int inactiveBlocks() {
        return inactive;
    }

    public int freeBlocks() {
        return freeTop;
    }

    public int capacity() {
        return capacity;
    }

    /** Slots that an allocation could obtain now (free plus evictable). */
    public int availableBlocks() {
        return freeTop + inactive;
    }

    public int refCount(int slot) {
        return refs[slot];
    }

    /** Cached (active or inactive) full blocks. */
    public int cachedBlocks() {
        return byHash.size();
    }

    /** Inactive blocks evicted so far. */
    public long evictions() {
        return evictions;
    }

    /** The sequence hash held by a full slot. */
    public long hashOf(int slot) {
        return hashOf[slot];
    }

    /** Whether {@code slot} holds a full (hashed) block. */
    public boolean isFull(int slot) {
        return state[slot] == FULL;
    }

    private void reference(int slot) {
        if (refs[slot] == 0) {
            lruRemove(slot);
            inactive--;
            used++;
        }
        refs[slot]++;
    }

    private void becomeFull(int slot, long blockHash, long tokensHash, long parentHash, boolean hasParent) {
        state[slot] = FULL;
        hashOf[slot] = blockHash;
        refs[slot] = 1;
        used++;
        byHash.put(blockHash, slot);
        sink.stored(blockHash, tokensHash, parentHash, hasParent);
    }

    private int takeSlot() {
        if (freeTop > 0) {
            return freeStack[--freeTop];
        }
        int victim = lruHead;
        if (victim < 0) {
            return NO_BLOCK;
        }
        lruRemove(victim);
        inactive--;
        evictions++;
        byHash.remove(hashOf[victim]);
        sink.removed(hashOf[victim]);
        state[victim] = FREE;
        return victim;
    }

    private void lruAppend(int slot) {
        prev[slot] = lruTail;
        next[slot] = -1;
        if (lruTail >= 0) {
            next[lruTail] = slot;
        } else {
            lruHead = slot;
        }
        lruTail = slot;
    }

    private void lruRemove(int slot) {
        int p = prev[slot];
        int n = next[slot];
        if (p >= 0) {
            next[p] = n;
        } else {
            lruHead = n;
        }
        if (n >= 0) {
            prev[n] = p;
        } else {
            lruTail = p;
        }
    }
}
