package io.fleetplan.router.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PoolStatsTest {

    @Test
    void theOldestWaitingRequestIsTheFirstStillWithoutAFirstToken() {
        PoolStats s = new PoolStats();
        assertThat(s.oldestWaiting(5_000_000_000L)).isEqualTo(new PoolStats.Oldest(0, 0));
        s.arrived("a", 1_000_000_000L, 12_000);
        s.arrived("b", 2_000_000_000L, 300);
        s.arrived("c", 3_000_000_000L, 40);
        assertThat(s.arrivedTotal()).isEqualTo(3);
        assertThat(s.oldestWaiting(5_000_000_000L))
                .as("its age and its prompt: a long prompt waits while it is prefilled")
                .isEqualTo(new PoolStats.Oldest(4000, 12_000));
        s.stoppedWaiting("a"); // first token
        s.stoppedWaiting("a"); // then ended: idempotent
        assertThat(s.oldestWaiting(5_000_000_000L)).isEqualTo(new PoolStats.Oldest(3000, 300));
        s.stoppedWaiting("c");
        s.stoppedWaiting("b");
        assertThat(s.oldestWaiting(5_000_000_000L).waitedMs()).isZero();
        assertThat(s.arrivedTotal())
                .as("arrivals are counted, not waiting ones")
                .isEqualTo(3);
    }
}
