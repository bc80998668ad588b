package io.fleetplan.mocker.worker;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Live timing figures of a worker. Written on the engine thread (in bulk once per iteration, see
 * {@link EmissionBatch}), read from anywhere; a reader sees everything up to the last finished iteration.
 * Each snapshot holds what was recorded since the previous {@link #reset()} (or start).
 */
public final class EmissionStats {

    // fixed ranges (1 us .. 10 min, 1 ns .. 1 s) so recording never resizes on the engine thread
    private static final long MAX_MICROS = 600_000_000L;
    private static final long MAX_SPACING_NANOS = 1_000_000_000L;

    /** One recorded quantity: a recorder written by the engine thread and the total read so far. */
    private static final class Series {
        private final long max;
        private final Recorder recorder;
        private final Histogram total;

        Series(long max) {
            this.max = max;
            this.recorder = new Recorder(1, max, 3);
            this.total = new Histogram(1, max, 3);
        }

        void record(long value) {
            recorder.recordValue(Math.min(max, Math.max(1, value)));
        }

        Histogram snapshot() {
            total.add(recorder.getIntervalHistogram());
            return total.copy();
        }

        void reset() {
            recorder.reset();
            total.reset();
        }
    }

    private final Series errors = new Series(MAX_MICROS);
    private final Series firstErrors = new Series(MAX_MICROS);
    private final Series written = new Series(MAX_MICROS);
    private final Series spacing = new Series(MAX_SPACING_NANOS);

    void recordError(long lateNanos) {
        errors.record(lateNanos / 1000);
    }

    void recordFirstError(long lateNanos) {
        firstErrors.record(lateNanos / 1000);
    }

    void recordWritten(long lateNanos) {
        written.record(lateNanos / 1000);
    }

    void recordSpacing(long nanosPerToken) {
        spacing.record(nanosPerToken);
    }

    /**
     * Per token, us: wall time just before its message was handed to its gRPC stream minus its modelled time
     * (negative and zero errors count as 1 us).
     */
    public synchronized Histogram snapshotMicros() {
        return errors.snapshot();
    }

    /** Per iteration, us: the error of its first token (how late the iteration's sends began). */
    public synchronized Histogram snapshotFirstMicros() {
        return firstErrors.snapshot();
    }

    /**
     * Per iteration, us: when the transport had written all of its tokens to the socket (the flush that follows
     * the iteration's sends), minus their modelled time. Every token of the iteration was on the wire by then;
     * the per-token error is taken at the hand-off to gRPC, before this flush.
     */
    public synchronized Histogram snapshotWrittenMicros() {
        return written.snapshot();
    }

    /**
     * Per iteration that sent at least two tokens at one modelled time, ns: the mean wall time between two
     * consecutive sends.
     */
    public synchronized Histogram snapshotSpacingNanos() {
        return spacing.snapshot();
    }

    public synchronized void reset() {
        errors.reset();
        firstErrors.reset();
        written.reset();
        spacing.reset();
    }
}
