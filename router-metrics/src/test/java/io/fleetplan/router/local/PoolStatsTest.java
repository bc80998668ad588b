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

    @Test
    void finishedPromptsAreKeptOneByOneForEachStreamToTakeItsInterval() {
        PoolStats s = new PoolStats();
        s.finished(2000, 1500, 100, 0.250, 0.02, 10);
        s.finished(3000, 3000, 100, Double.NaN, Double.NaN, 20); // no first token: no TTFT to judge
        s.finished(9000, 9000, 100, 1.2, 0.02, 30);
        assertThat(s.prompts(0, 30))
                .containsExactly(
                        new PoolStats.FinishedPrompt(10, 1500, 250), new PoolStats.FinishedPrompt(30, 9000, 1200));
        assertThat(s.prompts(10, 29))
                .as("after the last message, up to this one")
                .isEmpty();
        assertThat(s.prompts(10, 30)).containsExactly(new PoolStats.FinishedPrompt(30, 9000, 1200));
        for (int i = 0; i < PoolStats.PROMPTS_KEPT + 10; i++) {
            s.finished(1000, 1000, 10, 0.1, 0.02, 100 + i);
        }
        assertThat(s.prompts(0, Long.MAX_VALUE))
                .as("the latest are kept when more finished than a stream can be sent")
                .hasSize(PoolStats.PROMPTS_KEPT)
                .first()
                .isEqualTo(new PoolStats.FinishedPrompt(110, 1000, 100));
    }
}
