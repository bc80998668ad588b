package io.fleetplan.mocker.engine;

/**
 * The engine's mutable state for one request: prefill progress, output progress and the KV slots it holds.
 * Owned by the engine thread. Block {@code i}'s hashes are derived lazily, in order, from the prompt's token
 * ids or trace hashes, and past those from a request-unique seed (generated output never repeats).
 */
final class Sequence {

    static final byte WAITING = 0;
    static final byte RUNNING = 1;
    static final byte TRANSFER = 2;
    static final byte DONE = 3;

    final EngineRequest request;
    final int promptTokens;
    /** Output positions end here: generation finishes when {@code generated == maxTokens}. */
    final int maxTokens;
    /** First output position this engine produces (1 after a prefill handoff). */
    final int outputStart;

    final long seed;
    final long arrivalNanos;
    /** The prompt's KV arrives by transfer on first admission (decode role or a handoff). */
    final boolean transferred;

    private final int blockSize;
    private final long[] seqHashes;
    private final long[] localHashes;
    private int knownHashes;

    final int[] slots;
    int numSlots;
    /** Leading slots that hold full, hashed blocks. */
    int fullSlots;

    int computed;
    int target;
    int generated;
    int cachedTokens;
    int preemptions;
    int lastChunk;
    boolean prefillDone;
    boolean admittedOnce;
    boolean plannedDecode;
    byte state = WAITING;
    long firstTokenNanos;

    Sequence(
            EngineRequest request,
            int blockSize,
            boolean transferred,
            int maxTokens,
            int outputStart,
            long seed,
            long arrivalNanos) {
        this.request = request;
        this.promptTokens = request.promptTokens();
        this.blockSize = blockSize;
        this.transferred = transferred;
        this.maxTokens = maxTokens;
        this.outputStart = outputStart;
        this.generated = outputStart;
        this.seed = seed;
        this.arrivalNanos = arrivalNanos;
        int blocks = (promptTokens + maxTokens) / blockSize + 2;
        this.seqHashes = new long[blocks];
        this.localHashes = new long[blocks];
        this.slots = new int[blocks];
    }

    /** Tokens whose KV must be computed before this sequence can decode: prompt plus output so far. */
    int contextTarget() {
        return promptTokens + generated - outputStart;
    }

    int remainingPrefill() {
        return prefillDone || state != RUNNING ? 0 : target - computed;
    }

    long seqHash(int block) {
        ensureHashes(block);
        return seqHashes[block];
    }

    long localHash(int block) {
        ensureHashes(block);
        return localHashes[block];
    }

    private void ensureHashes(int block) {
        while (knownHashes <= block) {
            int i = knownHashes;
            long local;
            long seq;
            long[] given = request.blockHashes();
            int[] tokens = request.tokenIds();
            boolean fullPromptBlock = (i + 1) * blockSize <= promptTokens;
            if (given != null && i < given.length && fullPromptBlock) {
                // trace hashes already identify the whole prefix: use them as sequence hashes
                local = given[i];
                seq = given[i];
            } else {
                if (tokens != null && fullPromptBlock) {
                    local = BlockHashes.localHash(tokens, i * blockSize, blockSize);
                } else {
                    local = BlockHashes.mix(seed * 0x9E3779B97F4A7C15L + i);
                }
                seq = i == 0 ? local : BlockHashes.chain(seqHashes[i - 1], local);
            }
            localHashes[i] = local;
            seqHashes[i] = seq;
            knownHashes++;
        }
    }
}
