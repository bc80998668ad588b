package io.fleetplan.pool.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServingSinceTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Test
    void theFirstCountIsNoRise() {
        ServingSince s = new ServingSince();
        s.observe(3, T0);
        assertThat(s.settled(T0, SETTLE)).isTrue();
        assertThat(s.producing(T0, SETTLE)).isEqualTo(3);
    }

    @Test
    void aRiseCountsTheEarlierEnginesUntilItSettles() {
        ServingSince s = new ServingSince();
        s.observe(1, T0);
        s.observe(2, T0.plusSeconds(30));
        assertThat(s.settled(T0.plusSeconds(49), SETTLE)).isFalse();
        assertThat(s.producing(T0.plusSeconds(49), SETTLE)).isEqualTo(1);
        assertThat(s.settled(T0.plusSeconds(50), SETTLE)).isTrue();
        assertThat(s.producing(T0.plusSeconds(50), SETTLE)).isEqualTo(2);
    }

    @Test
    void aDropDoesNotRestartTheClock() {
        ServingSince s = new ServingSince();
        s.observe(3, T0);
        s.observe(2, T0.plusSeconds(5));
        assertThat(s.settled(T0.plusSeconds(5), SETTLE)).isTrue();
        assertThat(s.producing(T0.plusSeconds(5), SETTLE)).isEqualTo(2);
    }
}
