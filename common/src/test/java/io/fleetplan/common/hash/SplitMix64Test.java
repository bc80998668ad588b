package io.fleetplan.common.hash;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The mix is SplitMix64's: block hashes (and so KV events and replays) depend on its exact values. */
class SplitMix64Test {

    @Test
    void theGeneratorsFirstOutputsFromSeedZero() {
        long gamma = 0x9E3779B97F4A7C15L;
        assertThat(SplitMix64.mix(gamma)).isEqualTo(0xE220A8397B1DCDAFL);
        assertThat(SplitMix64.mix(2 * gamma)).isEqualTo(0x6E789E6AA1B965F4L);
        assertThat(SplitMix64.mix(0)).isZero();
    }
}
