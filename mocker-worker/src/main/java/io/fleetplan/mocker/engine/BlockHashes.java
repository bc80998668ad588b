package io.fleetplan.mocker.engine;

import io.fleetplan.common.hash.SplitMix64;

/**
 * KV block identity, shared by the engine and anything that must agree with it (a KV-aware router's index).
 * A block's <em>local</em> hash is a seeded (1337) 64-bit hash of its token ids; its <em>sequence</em> hash
 * chains the parent block's sequence hash with the local hash, so two prompts share a block only when
 * everything before it is equal too. The first block's sequence hash is its local hash. This is Dynamo's
 * scheme; the hash function itself is not Dynamo's XXH3 (bit equality with Dynamo is not a goal, and the JDK
 * has no XXH3), so use these functions wherever a fleetplan component must agree with the engine.
 */
public final class BlockHashes {

    public static final long SEED = 1337L;

    private BlockHashes() {}

    /** Local hash of {@code tokens[from, from + length)}. */
    public static long localHash(int[] tokens, int from, int length) {
        long h = SEED ^ (length * 0x9E3779B97F4A7C15L);
        for (int i = from, end = from + length; i < end; i++) {
            h = mix(h + (tokens[i] & 0xFFFFFFFFL) * 0xC2B2AE3D27D4EB4FL);
        }
        return mix(h);
    }

    /** Sequence hash of a block whose parent block has sequence hash {@code parent}. */
    public static long chain(long parent, long local) {
        // allocation-free 128->64 bit mix; order matters, so (a, b) and (b, a) differ
        return mix(parent * 0x9E3779B97F4A7C15L + mix(local ^ 0x632BE59BD9B4E019L));
    }

    /**
     * Sequence hashes of the full blocks of {@code tokens} (a trailing partial block has none).
     *
     * @return one hash per full block, in order
     */
    public static long[] sequenceHashes(int[] tokens, int blockSize) {
        int full = tokens.length / blockSize;
        long[] out = new long[full];
        long parent = 0;
        for (int i = 0; i < full; i++) {
            long local = localHash(tokens, i * blockSize, blockSize);
            parent = i == 0 ? local : chain(parent, local);
            out[i] = parent;
        }
        return out;
    }

    /** A cheap, well-mixed 64-bit hash (SplitMix64 finaliser) for request-unique blocks and trace hash ids. */
    public static long mix(long z) {
        return SplitMix64.mix(z);
    }
}
