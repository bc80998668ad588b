package io.fleetplan.router.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BlockHasherTest {

    @Test
    void equalPrefixesHashEquallyAndDivergeAfter() {
        int[] a = new int[200];
        int[] b = new int[200];
        for (int i = 0; i < 200; i++) {
            a[i] = i;
            b[i] = i < 130 ? i : -i;
        }
        long[] ha = BlockHasher.hash(a, 64);
        long[] hb = BlockHasher.hash(b, 64);
        assertThat(ha).hasSize(3);
        assertThat(ha[0]).isEqualTo(hb[0]);
        assertThat(ha[1]).isEqualTo(hb[1]);
        assertThat(ha[2]).isNotEqualTo(hb[2]);
    }

    @Test
    void sameBlockAtAnotherPositionHashesDifferently() {
        int[] zeros = new int[128];
        long[] h = BlockHasher.hash(zeros, 64);
        assertThat(h[0]).isNotEqualTo(h[1]);
    }
}
