package io.fleetplan.mocker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live (non-virtual) timeline: jitter is absorbed, a long stall slips the timeline. Fake clock, no sleeping. */
class LiveTimelineTest {

    /** A scheduler whose tasks run only when the test says, at whatever (late) time the test sets. */
    private static final class ManualScheduler implements Scheduler {
        long nowNanos;
        final ArrayDeque<Runnable> due = new ArrayDeque<>();
        final ArrayDeque<Long> dueAt = new ArrayDeque<>();

        @Override
        public InstantSource clock() {
            return () -> Instant.ofEpochSecond(0, nowNanos);
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            due.add(task);
            dueAt.add(nowNanos + Math.max(0, delay.toNanos()));
            return () -> due.remove(task);
        }

        @Override
        public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
            return () -> false;
        }

        /** Runs the next task {@code lateNanos} after it was due. */
        void runLate(long lateNanos) {
            nowNanos = dueAt.poll() + lateNanos;
            due.poll().run();
        }
    }

    @Test
    void smallLatenessIsAbsorbedAndAStallSlipsTheTimeline() {
        ManualScheduler s = new ManualScheduler();
        RecordingListener rec = new RecordingListener();
        MockEngine engine = new MockEngine(
                EngineConfig.builder().heartbeatIntervalMs(0).build(), PolynomialTimingModel.INSTANCE, s, rec);
        engine.submit(EngineRequest.synthetic("a", 100, 5));
        s.runLate(0); // start
        s.runLate(1_000_000); // token 0, 1 ms late: the next iteration still starts at its modelled time
        s.runLate(0); // token 1
        s.runLate(20_000_000); // token 2, 20 ms late: a stall
        s.runLate(0); // token 3
        List<Long> t = rec.tokenTimes.get("a");
        // 101..105 tokens hold 2 blocks of 64: every step costs the same ITL
        long itl = Math.round(PolynomialTimingModel.decodeFormula(2.0 / 16384) * 1e6);
        // token 1 is one ITL after token 0's modelled time, not after the (1 ms late) firing
        assertThat(t.get(1) - t.get(0)).isEqualTo(itl);
        assertThat(t.get(2) - t.get(1)).isEqualTo(itl);
        // after the 20 ms stall, token 3 is one ITL after the stalled iteration actually completed
        assertThat(t.get(3) - t.get(2)).isEqualTo(20_000_000L + itl);
    }
}
