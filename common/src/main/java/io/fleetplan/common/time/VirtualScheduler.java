package io.fleetplan.common.time;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A discrete-event scheduler on virtual time. Nothing runs until the owner calls {@link #runUntil},
 * {@link #advanceBy}, {@link #runNext} or {@link #runUntilIdle}. Events due at the same instant run in
 * the order they were scheduled (a sequence number breaks ties), so a replay is deterministic.
 *
 * <p>Single-threaded by design: the event loop is the one writer of everything it drives.
 */
public final class VirtualScheduler implements Scheduler {

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final Clock clock = new Clock();
    private long nowNanos;
    private long sequence;
    private long executed;

    /** Starts at {@code start}. */
    public VirtualScheduler(Instant start) {
        this.nowNanos = toNanos(start);
    }

    public VirtualScheduler() {
        this(Instant.EPOCH);
    }

    @Override
    public InstantSource clock() {
        return clock;
    }

    /** Virtual time in nanoseconds since the epoch; cheaper than {@link #now()} in hot loops. */
    public long nanoTime() {
        return nowNanos;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        return scheduleAtNanos(nowNanos + Math.max(0, delay.toNanos()), task);
    }

    /** Schedules at an absolute virtual time; a time in the past runs at the current time. */
    public Cancellable scheduleAt(Instant at, Runnable task) {
        return scheduleAtNanos(toNanos(at), task);
    }

    public Cancellable scheduleAtNanos(long atNanos, Runnable task) {
        Objects.requireNonNull(task, "task");
        Event event = new Event(Math.max(atNanos, nowNanos), sequence++, task, 0);
        queue.add(event);
        return event;
    }

    @Override
    public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        Event event = new Event(nowNanos + Math.max(0, initialDelay.toNanos()), sequence++, task, period.toNanos());
        queue.add(event);
        return event;
    }

    /** Runs the next due event, advancing time to it. @return false when nothing is scheduled */
    public boolean runNext() {
        Event event = poll();
        if (event == null) {
            return false;
        }
        fire(event);
        return true;
    }

    /** Runs every event due at or before {@code end}, then sets the clock to {@code end}. */
    public void runUntil(Instant end) {
        runUntilNanos(toNanos(end));
    }

    public void runUntilNanos(long endNanos) {
        while (true) {
            Event head = peekLive();
            if (head == null || head.atNanos > endNanos) {
                break;
            }
            queue.poll();
            fire(head);
        }
        nowNanos = Math.max(nowNanos, endNanos);
    }

    public void advanceBy(Duration duration) {
        runUntilNanos(nowNanos + duration.toNanos());
    }

    /**
     * Runs events until none is left or {@code maxEvents} ran (periodic tasks never run out).
     *
     * @return the number of events run
     */
    public long runUntilIdle(long maxEvents) {
        long ran = 0;
        while (ran < maxEvents && runNext()) {
            ran++;
        }
        return ran;
    }

    /** Number of scheduled, not cancelled events. */
    public int pending() {
        int live = 0;
        for (Event e : queue) {
            if (!e.cancelled) {
                live++;
            }
        }
        return live;
    }

    /** Events run since construction (a measure of simulation work). */
    public long executedEvents() {
        return executed;
    }

    private Event poll() {
        Event head = peekLive();
        if (head != null) {
            queue.poll();
        }
        return head;
    }

    private Event peekLive() {
        Event head = queue.peek();
        while (head != null && head.cancelled) {
            queue.poll();
            head = queue.peek();
        }
        return head;
    }

    private void fire(Event event) {
        nowNanos = event.atNanos;
        executed++;
        if (event.periodNanos > 0) {
            // re-arm before running so the task may cancel itself
            Event next = new Event(event.atNanos + event.periodNanos, sequence++, event.task, event.periodNanos);
            event.successor = next;
            queue.add(next);
        }
        event.task.run();
    }

    private static long toNanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    private final class Clock implements InstantSource {
        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(0, nowNanos);
        }

        @Override
        public long millis() {
            return Math.floorDiv(nowNanos, 1_000_000L);
        }
    }

    private static final class Event implements Comparable<Event>, Cancellable {
        final long atNanos;
        final long seq;
        final Runnable task;
        final long periodNanos;
        boolean cancelled;
        Event successor;

        Event(long atNanos, long seq, Runnable task, long periodNanos) {
            this.atNanos = atNanos;
            this.seq = seq;
            this.task = task;
            this.periodNanos = periodNanos;
        }

        @Override
        public int compareTo(Event o) {
            int byTime = Long.compare(atNanos, o.atNanos);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }

        @Override
        public boolean cancel() {
            Event e = this;
            while (e.successor != null) {
                e = e.successor;
            }
            boolean wasLive = !e.cancelled;
            e.cancelled = true;
            cancelled = true;
            return wasLive;
        }
    }
}
