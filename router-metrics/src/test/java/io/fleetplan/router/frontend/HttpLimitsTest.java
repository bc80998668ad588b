package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class HttpLimitsTest {

    private static final int MIB = 1024 * 1024;

    @Test
    void theDefaultBodyLimitIsSizedToTheHeap() {
        // the 256 MB Frontend of `fleetplan up` ran out of memory on a 44 MB body under the old 45 MB limit
        assertThat(HttpLimits.defaultMaxBodyBytes(256L * MIB))
                .isEqualTo(4 * MIB)
                .isLessThan(44 * MIB);
        assertThat(HttpLimits.defaultMaxBodyBytes(32L * MIB))
                .as("at least 1 MiB")
                .isEqualTo(MIB);
        assertThat(HttpLimits.defaultMaxBodyBytes(64L * 1024 * MIB))
                .as("at most 16 MiB")
                .isEqualTo(16 * MIB);
    }

    @Test
    void timeoutsHaveSaneDefaults() {
        HttpLimits d = HttpLimits.defaults();
        assertThat(d.headerTimeoutMs()).isEqualTo(10_000);
        assertThat(d.bodyTimeoutMs()).isEqualTo(30_000);
        assertThat(d.idleTimeoutMs()).isEqualTo(60_000);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> new HttpLimits(Integer.MAX_VALUE, 0, null, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max_body_bytes")
                .hasMessageContaining("heap / 8")
                .hasMessageContaining("header_timeout_ms")
                .hasMessageContaining("between 10 and");
    }
}
