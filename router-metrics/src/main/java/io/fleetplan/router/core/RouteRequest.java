package io.fleetplan.router.core;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One request to place on a worker.
 *
 * @param requestId       unique id; the router tracks the request's load under it until {@code finished}
 * @param blockHashes     the prompt's block hashes (see {@link BlockHasher}; Mooncake hash_ids work as is)
 * @param isl             prompt length in tokens
 * @param pinnedWorker    route to this worker only (Dynamo backend_instance_id); null = choose
 * @param excludedWorkers workers not to use (ones that already failed this request)
 */
public record RouteRequest(
        String requestId,
        long[] blockHashes,
        int isl,
        @Nullable String pinnedWorker,
        Set<String> excludedWorkers) {

    public RouteRequest {
        Objects.requireNonNull(requestId, "requestId");
        blockHashes = blockHashes == null ? new long[0] : blockHashes;
        excludedWorkers = excludedWorkers == null ? Set.of() : excludedWorkers;
        if (isl < 0) {
            throw new IllegalArgumentException("isl must be >= 0, was " + isl);
        }
    }

    public static RouteRequest of(String requestId, long[] blockHashes, int isl) {
        return new RouteRequest(requestId, blockHashes, isl, null, Set.of());
    }

    public RouteRequest excluding(Set<String> workers) {
        return new RouteRequest(requestId, blockHashes, isl, pinnedWorker, workers);
    }
}
