package io.fleetplan.router.core;

/**
 * Load as the worker itself reports it (Dynamo ActiveLoad / KV stats): the router exports it for every
 * worker so idle ones are visible, and uses it for busy thresholds.
 *
 * @param activeDecodeBlocks   KV blocks held by running requests
 * @param activePrefillTokens  prompt tokens admitted but not yet prefilled
 * @param kvUsedBlocks         KV blocks in use
 * @param kvTotalBlocks        KV blocks of the engine
 * @param runningRequests      requests in the running batch
 * @param waitingRequests      requests queued in the engine
 * @param gpuCacheUsage        kvUsedBlocks / kvTotalBlocks, 0..1
 */
public record ReportedLoad(
        long activeDecodeBlocks,
        long activePrefillTokens,
        long kvUsedBlocks,
        long kvTotalBlocks,
        int runningRequests,
        int waitingRequests,
        double gpuCacheUsage) {

    public static final ReportedLoad IDLE = new ReportedLoad(0, 0, 0, 0, 0, 0, 0);
}
