package io.fleetplan.mocker.worker;

import io.fleetplan.common.time.Scheduler;
import io.fleetplan.common.time.WallClockScheduler;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live engine's scheduler: one thread, wall clock, and one-shot tasks that wake up
 * {@code spin} early and busy-wait the rest, because a parked thread on a VM wakes up a few hundred
 * microseconds late and token times should leave within a millisecond of the model. Spinning costs at most
 * {@code spin} of CPU per iteration (a few percent of a core at typical 10-30 ms iterations).
 */
final class PreciseScheduler implements Scheduler, AutoCloseable {

    private final InstantSource clock = InstantSource.system();
    private final ScheduledExecutorService executor;
    private final long spinNanos;
    private final boolean ownsExecutor;

    /**
     * On an existing single-threaded executor, e.g. the Netty event loop that also serves the worker's gRPC
     * connections: tokens written from that thread are queued without cross-thread hand-offs and flushed in
     * one batch per connection after the iteration.
     */
    PreciseScheduler(ScheduledExecutorService singleThread, Duration spin, boolean ownsExecutor) {
        this.executor = singleThread;
        this.spinNanos = spin.toNanos();
        this.ownsExecutor = ownsExecutor;
    }

    @Override
    public InstantSource clock() {
        return clock;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        long delayNanos = Math.max(0, delay.toNanos());
        if (delayNanos == 0 || spinNanos == 0) {
            ScheduledFuture<?> f = executor.schedule(WallClockScheduler.guard(task), delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        }
        long due = System.nanoTime() + delayNanos;
        AtomicBoolean cancelled = new AtomicBoolean();
        ScheduledFuture<?> f = executor.schedule(
                () -> {
                    while (System.nanoTime() < due && !cancelled.get()) {
                        Thread.onSpinWait();
                    }
                    if (!cancelled.get()) {
                        WallClockScheduler.guard(task).run();
                    }
                },
                Math.max(0, delayNanos - spinNanos),
                TimeUnit.NANOSECONDS);
        return () -> {
            boolean live = !cancelled.getAndSet(true);
            f.cancel(false);
            return live;
        };
    }

    @Override
    public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        ScheduledFuture<?> f = executor.scheduleAtFixedRate(
                WallClockScheduler.guard(task),
                Math.max(0, initialDelay.toNanos()),
                period.toNanos(),
                TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }
}
