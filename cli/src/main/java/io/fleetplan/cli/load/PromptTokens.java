package io.fleetplan.cli.load;

import java.util.SplittableRandom;

/**
 * Token-id prompts for a trace request, so the server sees exactly the trace's ISL without a tokenizer. With
 * Mooncake {@code hash_ids}, block {@code i} of {@code blockSize} tokens is derived from its hash id alone, so two
 * requests that share a prefix of hash ids share those token blocks (and the KV cache can reuse them); the tail
 * after the last hash block and traces without hash ids get tokens unique to the request.
 */
public final class PromptTokens {

    /** Token ids stay below this (a common vocabulary size). */
    public static final int VOCAB = 32_000;

    private PromptTokens() {}

    /**
     * @param isl       prompt length
     * @param hashIds   prefix-block ids, or null
     * @param blockSize tokens per hash block (Mooncake: 512)
     * @param requestId a number unique to the request (its index in the trace)
     */
    public static int[] of(int isl, long[] hashIds, int blockSize, long requestId) {
        int[] tokens = new int[isl];
        int pos = 0;
        if (hashIds != null) {
            for (int b = 0; b < hashIds.length && pos < isl; b++) {
                SplittableRandom block = new SplittableRandom(mix(hashIds[b], b));
                for (int j = 0; j < blockSize && pos < isl; j++) {
                    tokens[pos++] = block.nextInt(VOCAB);
                }
            }
        }
        SplittableRandom own = new SplittableRandom(mix(requestId, -1));
        while (pos < isl) {
            tokens[pos++] = own.nextInt(VOCAB);
        }
        return tokens;
    }

    /** Seeds must differ for different (id, position) pairs; the position keeps reordered ids distinct. */
    private static long mix(long id, long position) {
        long z = id * 0x9E3779B97F4A7C15L + position * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }
}
