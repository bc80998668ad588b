package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.router.global.PoolPlan;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class UnreadyWaitTest {

    private static final PoolPlan NONE = new PoolPlan(null, null, null, PoolPlan.Reason.NO_READY_POOL);
    private static final PoolPlan READY = new PoolPlan("p", "d", PoolPlan.Reason.GRID, PoolPlan.Reason.GRID);

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T00:00:00Z"));
    private final InstantSource clock = now::get;
    private final AtomicInteger sleeps = new AtomicInteger();
    private final UnreadyWait.Sleeper sleeper = d -> {
        sleeps.incrementAndGet();
        now.set(now.get().plus(d));
    };

    @Test
    void returnsThePlanOnceAPoolIsReadyAfterPollingEveryHundredMillis() {
        UnreadyWait wait = new UnreadyWait(Duration.ofSeconds(15), clock, sleeper);
        Instant start = now.get();
        AtomicInteger replans = new AtomicInteger();

        PoolPlan plan = wait.await(NONE, wait.deadline(), () -> replans.incrementAndGet() < 3 ? NONE : READY);

        assertThat(plan).isEqualTo(READY);
        assertThat(replans).hasValue(3);
        assertThat(Duration.between(start, now.get())).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void givesUpAtTheDeadlineWithTheLastPlan() {
        UnreadyWait wait = new UnreadyWait(Duration.ofSeconds(15), clock, sleeper);
        Instant start = now.get();

        PoolPlan plan = wait.await(NONE, wait.deadline(), () -> NONE);

        assertThat(plan.servable()).isFalse();
        assertThat(sleeps).hasValue(150);
        assertThat(Duration.between(start, now.get())).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void aZeroLimitNeverWaitsAndAServablePlanIsReturnedAtOnce() {
        UnreadyWait none = new UnreadyWait(Duration.ZERO, clock, sleeper);
        assertThat(none.await(NONE, none.deadline(), () -> READY)).isEqualTo(NONE);

        UnreadyWait wait = new UnreadyWait(Duration.ofSeconds(15), clock, sleeper);
        assertThat(wait.await(READY, wait.deadline(), () -> NONE)).isEqualTo(READY);
        assertThat(sleeps).hasValue(0);
    }

    @Test
    void anInterruptEndsTheWaitAndKeepsTheFlag() {
        UnreadyWait wait = new UnreadyWait(Duration.ofSeconds(15), clock, d -> {
            throw new InterruptedException("stopping");
        });
        try {
            PoolPlan plan = wait.await(NONE, wait.deadline(), () -> READY);

            assertThat(plan).isEqualTo(NONE);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
