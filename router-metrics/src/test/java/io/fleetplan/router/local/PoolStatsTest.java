package io.fleetplan.router.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PoolStatsTest {

    @Test
    void theOldestWaitingRequestIsTheFirstStillWithoutAFirstToken() {
        PoolStats s = new PoolStats();
        assertThat(s.oldestWaitingMs(5_000_000_000L)).isZero();
        s.arrived("a", 1_000_000_000L);
        s.arrived("b", 2_000_000_000L);
        s.arrived("c", 3_000_000_000L);
        assertThat(s.arrivedTotal()).isEqualTo(3);
        assertThat(s.oldestWaitingMs(5_000_000_000L)).isEqualTo(4000);
        s.stoppedWaiting("a"); // first token
        s.stoppedWaiting("a"); // then ended: idempotent
        assertThat(s.oldestWaitingMs(5_000_000_000L)).isEqualTo(3000);
        s.stoppedWaiting("c");
        s.stoppedWaiting("b");
        assertThat(s.oldestWaitingMs(5_000_000_000L)).isZero();
        assertThat(s.arrivedTotal())
                .as("arrivals are counted, not waiting ones")
                .isEqualTo(3);
    }
}
