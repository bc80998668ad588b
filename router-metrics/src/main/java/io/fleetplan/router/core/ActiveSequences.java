package io.fleetplan.router.core;

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
    private final HashMap<Long, Integer> blockRefs = new HashMap<>();
    private long unsharedBlocks;
    private long prefillTokens;

    ActiveSequences(boolean assumeKvReuse) {
        this.assumeKvReuse = assumeKvReuse;
    }

    private record Sequence(long[] hashes, long tailBlocks, long prefillTokens, boolean[] prefillDone) {
    }

    long activePrefillTokens() {
        return prefillTokens;
    }

    long activeDecodeBlocks() {
        return blockRefs.size() + unsharedBlocks;
    }

    int size() {
        return sequences.size();
    }

    /** Blocks the request would add here: its blocks not already held by another active request. */
    long newBlocks(long[] hashes, int requiredBlocks) {
        if (!assumeKvReuse) {
            return requiredBlocks;
        }
        long fresh = requiredBlocks - hashes.length;
        for (long h : hashes) {
            if (!blockRefs.containsKey(h)) {
                fresh++;
            }
        }
        return fresh;
    }

    void add(String requestId, long[] hashes, int requiredBlocks, long uncachedPromptTokens) {
        if (sequences.containsKey(requestId)) {
            return;
        }
        long tail;
        if (assumeKvReuse) {
            for (long h : hashes) {
                blockRefs.merge(h, 1, Integer::sum);
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
                blockRefs.computeIfPresent(h, (k, v) -> v == 1 ? null : v - 1);
            }
        }
        return true;
    }
}
