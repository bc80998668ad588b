package io.fleetplan.router.frontend;

import io.fleetplan.router.global.PoolPlan;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * Holds a request that found no pool of its role ready for up to {@code unready_wait_ms}, asking again every
 * {@link #POLL}. While a LocalRouter or a pool's last worker restarts, requests wait for it instead of failing. The
 * wait blocks the request's own virtual thread, so time and sleeping are injected: tests run it on a fake clock.
 */
final class UnreadyWait {

    /** Sleeps the calling thread; the wall implementation is {@link Thread#sleep(Duration)}. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    static final Duration POLL = Duration.ofMillis(100);

    private final Duration limit;
    private final InstantSource clock;
    private final Sleeper sleeper;

    UnreadyWait(Duration limit, InstantSource clock, Sleeper sleeper) {
        this.limit = limit;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    static UnreadyWait wall(Duration limit) {
        return new UnreadyWait(limit, InstantSource.system(), Thread::sleep);
    }

    /** The instant a request arriving now stops waiting. */
    Instant deadline() {
        return clock.instant().plus(limit);
    }

    /**
     * Replans every {@link #POLL} until the plan is servable or {@code until} has passed; an interrupt ends the wait
     * at once (with the thread's interrupt flag kept) and returns the last plan.
     */
    PoolPlan await(PoolPlan plan, Instant until, Supplier<PoolPlan> replan) {
        PoolPlan current = plan;
        while (!current.servable() && clock.instant().isBefore(until)) {
            try {
                sleeper.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
            current = replan.get();
        }
        return current;
    }
}
