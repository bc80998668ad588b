package io.fleetplan.mocker.engine;

/**
 * The engine's load as a router sees it (Dynamo ActiveLoad plus the fields current mockers add).
 *
 * @param activeDecodeBlocks KV blocks referenced by running requests
 * @param activePrefillTokens prompt tokens admitted but not yet prefilled
 * @param kvUsedBlocks referenced blocks (same as activeDecodeBlocks plus in-transfer prefill handoffs)
 * @param kvInactiveBlocks cached, unreferenced blocks (reusable prefixes)
 * @param kvTotalBlocks capacity
 * @param numRunning running requests (prefilling or decoding)
 * @param numWaiting waiting requests (new and preempted)
 * @param numPreemptions cumulative preemptions
 * @param gpuCacheUsage kvUsedBlocks / kvTotalBlocks, 0..1
 * @param prefixCacheHitRate cumulative cached prompt tokens / prompt tokens at first admission, 0..1
 */
public record LoadSnapshot(
        long activeDecodeBlocks,
        long activePrefillTokens,
        long kvUsedBlocks,
        long kvInactiveBlocks,
        long kvTotalBlocks,
        int numRunning,
        int numWaiting,
        long numPreemptions,
        double gpuCacheUsage,
        double prefixCacheHitRate) {}
