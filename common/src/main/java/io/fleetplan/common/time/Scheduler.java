package io.fleetplan.common.time;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Where every component of fleetplan gets its time and its timers. Live processes use
 * {@link WallClockScheduler}; replays use {@link VirtualScheduler}, where time moves only when the
 * event loop advances, so the same classes run a one-hour trace in seconds.
 */
public interface Scheduler {

    InstantSource clock();

    default Instant now() {
        return clock().instant();
    }

    /** Runs {@code task} once after {@code delay} (zero or negative = as soon as possible). */
    Cancellable schedule(Duration delay, Runnable task);

    /** Runs {@code task} every {@code period}, first after {@code initialDelay}, until cancelled. */
    Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task);

    default Cancellable execute(Runnable task) {
        return schedule(Duration.ZERO, task);
    }

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** @return true if this call stopped a future run */
        boolean cancel();
    }
}
