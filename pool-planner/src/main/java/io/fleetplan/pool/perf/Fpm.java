package io.fleetplan.pool.perf;

/**
 * One engine iteration (Dynamo's ForwardPassMetrics), the planner's own value type so the logic does not
 * depend on the wire classes. Token counts are per iteration; queued counts are a snapshot at its end.
 *
 * @param wallTimeSeconds seconds the iteration took; 0 for an idle heartbeat
 */
public record Fpm(
        String workerId,
        int dpRank,
        double wallTimeSeconds,
        int numPrefillRequests,
        long sumPrefillTokens,
        int numDecodeRequests,
        long sumDecodeKvTokens,
        int queuedPrefillRequests,
        long queuedPrefillTokens,
        int queuedDecodeRequests,
        long queuedDecodeKvTokens) {

    public static Fpm prefillPass(double wallTimeSeconds, int requests, long tokens) {
        return new Fpm("", 0, wallTimeSeconds, requests, tokens, 0, 0, 0, 0, 0, 0);
    }

    public static Fpm decodePass(double wallTimeSeconds, int requests, long kvTokens) {
        return new Fpm("", 0, wallTimeSeconds, 0, 0, requests, kvTokens, 0, 0, 0, 0);
    }

    /** The same iteration seen with queues (what the load loop reads from the latest FPM of an engine). */
    public Fpm withQueues(long queuedPrefill, long queuedDecodeKv) {
        return new Fpm(
                workerId,
                dpRank,
                wallTimeSeconds,
                numPrefillRequests,
                sumPrefillTokens,
                numDecodeRequests,
                sumDecodeKvTokens,
                queuedPrefillRequests,
                queuedPrefill,
                queuedDecodeRequests,
                queuedDecodeKv);
    }

    public Fpm forWorker(String worker, int rank) {
        return new Fpm(
                worker,
                rank,
                wallTimeSeconds,
                numPrefillRequests,
                sumPrefillTokens,
                numDecodeRequests,
                sumDecodeKvTokens,
                queuedPrefillRequests,
                queuedPrefillTokens,
                queuedDecodeRequests,
                queuedDecodeKvTokens);
    }
}
