package io.fleetplan.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {

    @Test
    void timeMovesOnlyWhenTheLoopAdvances() {
        VirtualScheduler s = new VirtualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
        List<String> log = new ArrayList<>();
        s.schedule(Duration.ofSeconds(5), () -> log.add("a@" + s.now()));
        assertThat(s.now()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(log).isEmpty();
        s.advanceBy(Duration.ofSeconds(4));
        assertThat(log).isEmpty();
        s.advanceBy(Duration.ofSeconds(1));
        assertThat(log).containsExactly("a@2026-01-01T00:00:05Z");
        assertThat(s.now()).isEqualTo(Instant.parse("2026-01-01T00:00:05Z"));
    }

    @Test
    void simultaneousEventsRunInSchedulingOrder() {
        VirtualScheduler s = new VirtualScheduler();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            s.schedule(Duration.ofMillis(10), () -> order.add(n));
        }
        s.runUntilIdle(1_000);
        assertThat(order).isSorted().hasSize(100);
    }

    @Test
    void eventsScheduledFromEventsAtTheSameInstantRunAfterTheCurrentOnes() {
        VirtualScheduler s = new VirtualScheduler();
        List<String> order = new ArrayList<>();
        s.schedule(Duration.ZERO, () -> {
            order.add("first");
            s.execute(() -> order.add("child"));
        });
        s.schedule(Duration.ZERO, () -> order.add("second"));
        s.runUntilIdle(10);
        assertThat(order).containsExactly("first", "second", "child");
    }

    @Test
    void periodicTaskRunsAtItsPeriodUntilCancelled() {
        VirtualScheduler s = new VirtualScheduler();
        List<Long> at = new ArrayList<>();
        Scheduler.Cancellable c = s.scheduleAtFixedRate(
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                () -> at.add(s.clock().millis()));
        s.advanceBy(Duration.ofSeconds(6));
        assertThat(at).containsExactly(1000L, 3000L, 5000L);
        assertThat(c.cancel()).isTrue();
        s.advanceBy(Duration.ofSeconds(10));
        assertThat(at).hasSize(3);
        assertThat(s.pending()).isZero();
    }

    @Test
    void cancelledOneShotNeverRuns() {
        VirtualScheduler s = new VirtualScheduler();
        List<String> log = new ArrayList<>();
        Scheduler.Cancellable c = s.schedule(Duration.ofSeconds(1), () -> log.add("x"));
        assertThat(c.cancel()).isTrue();
        assertThat(c.cancel()).isFalse();
        s.advanceBy(Duration.ofSeconds(2));
        assertThat(log).isEmpty();
    }

    @RepeatedTest(20)
    void randomSchedulesRunInTimeThenSequenceOrder(RepetitionInfo info) {
        long seed = 0xF1EE7L * info.getCurrentRepetition();
        Random random = new Random(seed);
        VirtualScheduler s = new VirtualScheduler();
        List<long[]> ran = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long delay = random.nextInt(50);
            long id = i;
            s.schedule(
                    Duration.ofMillis(delay),
                    () -> ran.add(new long[] {s.clock().millis(), id}));
        }
        s.runUntilIdle(10_000);
        for (int i = 1; i < ran.size(); i++) {
            long[] a = ran.get(i - 1);
            long[] b = ran.get(i);
            assertThat(a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]))
                    .as("seed %d: event %d (t=%d) before event %d (t=%d)", seed, a[1], a[0], b[1], b[0])
                    .isTrue();
        }
    }
}
