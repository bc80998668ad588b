package io.fleetplan.common.supervision;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final RestartBackoff.Policy POLICY =
            new RestartBackoff.Policy(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(30), 5);

    @Test
    void fastCrashesDoubleTheDelayUpToTheCapThenGiveUp() {
        RestartBackoff b = new RestartBackoff(POLICY);
        long[] delays = new long[5];
        for (int i = 0; i < 5; i++) {
            RestartBackoff.Decision d = b.exited(T0, T0.plusSeconds(2));
            assertThat(d.restart()).isTrue();
            delays[i] = d.delay().toSeconds();
        }
        assertThat(delays).containsExactly(1, 2, 4, 8, 8);
        RestartBackoff.Decision last = b.exited(T0, T0.plusSeconds(2));
        assertThat(last.restart()).isFalse();
        assertThat(last.fastCrashes()).isEqualTo(6);
        assertThat(last.reason()).contains("giving up");
    }

    @Test
    void aProcessThatRanLongEnoughStartsTheCountAgain() {
        RestartBackoff b = new RestartBackoff(POLICY);
        b.exited(T0, T0.plusSeconds(1));
        b.exited(T0, T0.plusSeconds(1));
        RestartBackoff.Decision d = b.exited(T0, T0.plusSeconds(31));
        assertThat(d.delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.exited(T0, T0.plusSeconds(1)).fastCrashes()).isEqualTo(1);
    }

    @Test
    void withoutALimitItNeverGivesUp() {
        RestartBackoff b = new RestartBackoff(
                new RestartBackoff.Policy(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(30), 0));
        for (int i = 0; i < 100; i++) {
            assertThat(b.exited(T0, T0).restart()).isTrue();
        }
        assertThat(b.exited(T0, T0).delay()).isEqualTo(Duration.ofSeconds(4));
    }
}
