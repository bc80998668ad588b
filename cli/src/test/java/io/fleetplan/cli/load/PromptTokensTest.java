package io.fleetplan.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class PromptTokensTest {

    @RepeatedTest(20)
    void sharedHashPrefixesGiveSharedTokenPrefixesAndExactLength(RepetitionInfo info) {
        long seed = 1000L + info.getCurrentRepetition();
        SplittableRandom rnd = new SplittableRandom(seed);
        int block = 1 + rnd.nextInt(64);
        int shared = rnd.nextInt(5);
        long[] a = new long[shared + 1 + rnd.nextInt(4)];
        long[] b = new long[shared + 1 + rnd.nextInt(4)];
        for (int i = 0; i < a.length; i++) {
            a[i] = i < shared ? i : 1_000 + i;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = i < shared ? i : 2_000 + i;
        }
        int islA = a.length * block - rnd.nextInt(block);
        int islB = b.length * block - rnd.nextInt(block);
        int[] ta = PromptTokens.of(islA, a, block, 1);
        int[] tb = PromptTokens.of(islB, b, block, 2);
        assertThat(ta).as("seed " + seed).hasSize(islA);
        assertThat(tb).as("seed " + seed).hasSize(islB);
        int prefix = shared * block;
        assertThat(Arrays.copyOf(ta, prefix))
                .as("seed " + seed + ": shared blocks")
                .isEqualTo(Arrays.copyOf(tb, prefix));
        assertThat(Arrays.copyOfRange(ta, prefix, prefix + Math.min(block, islA - prefix)))
                .as("seed " + seed + ": first differing block")
                .isNotEqualTo(Arrays.copyOfRange(tb, prefix, prefix + Math.min(block, islA - prefix)));
        assertThat(Arrays.stream(ta).allMatch(t -> t >= 0 && t < PromptTokens.VOCAB))
                .isTrue();
    }

    @Test
    void withoutHashesEveryRequestIsUniqueAndDeterministic() {
        assertThat(PromptTokens.of(100, null, 0, 7))
                .isEqualTo(PromptTokens.of(100, null, 0, 7))
                .isNotEqualTo(PromptTokens.of(100, null, 0, 8));
    }
}
