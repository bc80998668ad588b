package io.fleetplan.common.time;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real time: the system clock and a small pool of daemon timer threads. Tasks that touch shared state
 * hand off to that state's owner; this class does not serialize them.
 */
public final class WallClockScheduler implements Scheduler, AutoCloseable {

    private final InstantSource clock;
    private final ScheduledExecutorService executor;

    public WallClockScheduler(String name, int threads) {
        this(InstantSource.system(), name, threads);
    }

    public WallClockScheduler(InstantSource clock, String name, int threads) {
        this.clock = clock;
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public InstantSource clock() {
        return clock;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(guard(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        ScheduledFuture<?> f = executor.scheduleAtFixedRate(
                guard(task), Math.max(0, initialDelay.toNanos()), period.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /**
     * Wraps a task for a {@code ScheduledExecutorService}: a periodic task that throws would otherwise be
     * silently descheduled, so the exception goes to the thread's handler and the task keeps its schedule.
     */
    public static Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
