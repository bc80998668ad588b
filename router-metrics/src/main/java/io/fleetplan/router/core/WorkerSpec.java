package io.fleetplan.router.core;

import java.util.Objects;

/**
 * What a worker told the router when it registered.
 *
 * @param id             unique worker id within the pool
 * @param role           what it serves
 * @param pool           pool (LocalRouter namespace) it belongs to
 * @param address        host:port of its Worker service (opaque to the routing logic)
 * @param blockSize      tokens per KV block
 * @param totalBlocks    KV blocks of the engine (0 = unknown)
 * @param maxNumBatchedTokens engine's token budget per iteration (0 = unknown)
 * @param maxNumSeqs     engine's most running sequences (0 = unknown)
 */
public record WorkerSpec(
        String id,
        WorkerRole role,
        String pool,
        String address,
        int blockSize,
        long totalBlocks,
        int maxNumBatchedTokens,
        int maxNumSeqs) {

    public WorkerSpec {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("worker_id must not be empty");
        }
        role = role == null ? WorkerRole.AGGREGATED : role;
        pool = pool == null ? "" : pool;
        address = address == null ? "" : address;
        if (blockSize < 0 || totalBlocks < 0 || maxNumBatchedTokens < 0 || maxNumSeqs < 0) {
            throw new IllegalArgumentException(
                    "block_size, num_gpu_blocks, max_num_batched_tokens and max_num_seqs must be >= 0");
        }
    }

    /** A spec for tests and simulations: aggregated worker, block size 64, 16384 blocks (mocker defaults). */
    public static WorkerSpec of(String id) {
        return new WorkerSpec(id, WorkerRole.AGGREGATED, "", "", 64, 16384, 8192, 256);
    }
}
