package io.fleetplan.mocker.worker;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * How late tokens leave the worker compared with their modelled times (wall time of the hand-off to the
 * token's gRPC stream minus the engine's modelled token time), in microseconds, and how far apart in wall time
 * the sends of one iteration are (ns per token, see {@link EmissionBatch}). Written on the engine thread in
 * bulk once per iteration, read from anywhere; a reader sees everything up to the last finished iteration.
 */
public final class EmissionStats {

    // fixed ranges (1 us .. 10 min, 1 ns .. 1 s) so recording never resizes on the engine thread
    private static final long MAX_MICROS = 600_000_000L;
    private static final long MAX_SPACING_NANOS = 1_000_000_000L;
    private final Recorder recorder = new Recorder(1, MAX_MICROS, 3);
    private final Histogram total = new Histogram(1, MAX_MICROS, 3);
    private final Recorder spacingRecorder = new Recorder(1, MAX_SPACING_NANOS, 3);
    private final Histogram spacingTotal = new Histogram(1, MAX_SPACING_NANOS, 3);
    private final Recorder writtenRecorder = new Recorder(1, MAX_MICROS, 3);
    private final Histogram writtenTotal = new Histogram(1, MAX_MICROS, 3);
    private final Recorder firstRecorder = new Recorder(1, MAX_MICROS, 3);
    private final Histogram firstTotal = new Histogram(1, MAX_MICROS, 3);

    void recordError(long lateNanos) {
        recorder.recordValue(Math.min(MAX_MICROS, Math.max(1, lateNanos / 1000)));
    }

    void recordWritten(long lateNanos) {
        writtenRecorder.recordValue(Math.min(MAX_MICROS, Math.max(1, lateNanos / 1000)));
    }

    void recordFirstError(long lateNanos) {
        firstRecorder.recordValue(Math.min(MAX_MICROS, Math.max(1, lateNanos / 1000)));
    }

    void recordSpacing(long nanosPerToken) {
        spacingRecorder.recordValue(Math.min(MAX_SPACING_NANOS, Math.max(1, nanosPerToken)));
    }

    /** Everything recorded since the previous call to {@link #reset()} (or start). */
    public synchronized Histogram snapshotMicros() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }

    /**
     * Per iteration (one value per iteration that sent at least two tokens at the same modelled time): the mean
     * wall time between consecutive sends, ns, since the previous {@link #reset()} (or start).
     */
    public synchronized Histogram snapshotSpacingNanos() {
        spacingTotal.add(spacingRecorder.getIntervalHistogram());
        return spacingTotal.copy();
    }

    /**
     * Per iteration: the error of its first token, us (how late the iteration's sends began), since the previous
     * {@link #reset()} (or start).
     */
    public synchronized Histogram snapshotFirstMicros() {
        firstTotal.add(firstRecorder.getIntervalHistogram());
        return firstTotal.copy();
    }

    /**
     * Per iteration: when the transport had written all of its tokens to the socket (the flush that follows the
     * iteration's sends), minus their modelled time, us, since the previous {@link #reset()} (or start). Every
     * token of the iteration was on the wire by then; the per-token error above is taken at the hand-off to
     * gRPC, before this flush.
     */
    public synchronized Histogram snapshotWrittenMicros() {
        writtenTotal.add(writtenRecorder.getIntervalHistogram());
        return writtenTotal.copy();
    }

    public synchronized void reset() {
        writtenRecorder.reset();
        writtenTotal.reset();
        firstRecorder.reset();
        firstTotal.reset();
        recorder.reset();
        total.reset();
        spacingRecorder.reset();
        spacingTotal.reset();
    }
}
