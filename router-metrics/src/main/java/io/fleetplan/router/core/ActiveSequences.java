package io.fleetplan.router.core;

import io.fleetplan.common.collect.LongObjectMap;
import java.util.HashMap;

/**
 * The router's own view of one worker's load (Dynamo's router-side ActiveSequences): prompt tokens of
 * requests routed there that have not produced their first token yet, and KV blocks of requests still
 * running. With {@code assumeKvReuse}, requests sharing prefix blocks count those blocks once.
 * Not thread-safe: owned by {@link PoolRouter}.
 */
final class ActiveSequences {

    private final boolean assumeKvReuse;
    private final HashMap<String, Sequence> sequences = new HashMap<>();
    // block hash -> {reference count}; a mutable cell keeps lookups and updates free of boxing
    private final LongObjectMap<int[]> blockRefs = new LongObjectMap<>(64);
    private long unsharedBlocks;
    private long prefillTokens;

    ActiveSequences(boolean assumeKvReuse) {
        this.assumeKvReuse = assumeKvReuse;
    }

    private record Sequence(long[] hashes, long tailBlocks, long prefillTokens, boolean[] prefillDone) {}

    long activePrefillTokens() {
        return prefillTokens;
    }

    long activeDecodeBlocks() {
        return blockRefs.size() + unsharedBlocks;
    }

    int size() {
        return sequences.size();
    }

    /**
     * Blocks the request would add here: its blocks not already held by another active request. Block hashes
     * are chained (a hash stands for its whole prefix), so the blocks already held form a prefix of the request
     * and a binary search finds its length in O(log n) lookups.
     */
    long newBlocks(long[] hashes, int requiredBlocks) {
        if (!assumeKvReuse || blockRefs.isEmpty()) {
            return requiredBlocks;
        }
        int lo = 0;
        int hi = hashes.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (blockRefs.get(hashes[mid]) != null) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return requiredBlocks - lo;
    }

    void add(String requestId, long[] hashes, int requiredBlocks, long uncachedPromptTokens) {
        if (sequences.containsKey(requestId)) {
            return;
        }
        long tail;
        if (assumeKvReuse) {
            for (long h : hashes) {
                int[] refs = blockRefs.get(h);
                if (refs == null) {
                    blockRefs.put(h, new int[] {1});
                } else {
                    refs[0]++;
                }
            }
            tail = requiredBlocks - hashes.length;
        } else {
            tail = requiredBlocks;
        }
        unsharedBlocks += tail;
        prefillTokens += uncachedPromptTokens;
        sequences.put(requestId, new Sequence(hashes, tail, uncachedPromptTokens, new boolean[1]));
    }

    /** The request produced its first token: its prompt is no longer waiting for prefill. */
    void prefillDone(String requestId) {
        Sequence s = sequences.get(requestId);
        if (s != null && !s.prefillDone()[0]) {
            s.prefillDone()[0] = true;
            prefillTokens -= s.prefillTokens();
        }
    }

    /** The request finished or failed. @return true if it was tracked */
    boolean remove(String requestId) {
        Sequence s = sequences.remove(requestId);
        if (s == null) {
            return false;
        }
        if (!s.prefillDone()[0]) {
            prefillTokens -= s.prefillTokens();
        }
        unsharedBlocks -= s.tailBlocks();
        if (assumeKvReuse) {
            for (long h : s.hashes()) {
                int[] refs = blockRefs.get(h);
                if (refs != null && --refs[0] == 0) {
                    blockRefs.remove(h);
                }
            }
        }
        return true;
    }
}
