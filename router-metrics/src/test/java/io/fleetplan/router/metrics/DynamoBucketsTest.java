package io.fleetplan.router.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DynamoBucketsTest {

    @Test
    void matchDynamosPublishedBoundaries() {
        assertThat(DynamoBuckets.TTFT)
                .containsExactly(
                        0, .0022, .0047, .01, .022, .047, .1, .22, .47, 1, 2.2, 4.7, 10, 22, 48, 100, 220, 480);
        assertThat(DynamoBuckets.ITL)
                .containsExactly(0, .0019, .0035, .0067, .013, .024, .045, .084, .16, .3, .56, 1.1, 2);
        assertThat(DynamoBuckets.ISL)
                .containsExactly(0, 100, 210, 430, 870, 1800, 3600, 7400, 15000, 31000, 63000, 130000);
        assertThat(DynamoBuckets.OSL).containsExactly(0, 100, 210, 430, 880, 1800, 3700, 7600, 16000, 32000);
        assertThat(DynamoBuckets.DURATION).containsExactly(0, 2, 4, 8, 16, 32, 64, 130, 260, 510);
        assertThat(DynamoBuckets.HIT_RATE).hasSize(21).startsWith(0, 0.05).endsWith(0.95, 1.0);
    }
}
