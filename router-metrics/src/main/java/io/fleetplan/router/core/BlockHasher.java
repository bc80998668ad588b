package io.fleetplan.router.core;

/**
 * Hashes a prompt into one 64-bit value per full KV block. Each hash covers the block's tokens and the
 * hash of the block before it, so equal hashes mean equal prefixes (the same property Mooncake hash_ids
 * have). The router sends these to the worker as {@code block_hashes}, so the worker's KV events report
 * them back and the prefix index matches them. A trailing partial block is not hashed (Dynamo does the same).
 */
public final class BlockHasher {

    private static final long SEED = 1337L;

    private BlockHasher() {}

    /** Chained hashes of the full blocks of {@code tokens}. */
    public static long[] hash(int[] tokens, int blockSize) {
        return hash(tokens, tokens.length, blockSize);
    }

    /** Chained hashes of the full blocks of the first {@code length} tokens. */
    public static long[] hash(int[] tokens, int length, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("block size must be > 0, was " + blockSize);
        }
        int blocks = length / blockSize;
        long[] out = new long[blocks];
        long prev = SEED;
        for (int b = 0; b < blocks; b++) {
            long h = prev ^ 0x9E3779B97F4A7C15L;
            int base = b * blockSize;
            for (int i = 0; i < blockSize; i++) {
                h = (h ^ (tokens[base + i] & 0xFFFFFFFFL)) * 0x100000001B3L;
                h = Long.rotateLeft(h, 23);
            }
            prev = mix(h + b);
            out[b] = prev;
        }
        return out;
    }

    // a 64-bit finalizer: spreads every input bit over the output so nearby prompts do not collide
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
