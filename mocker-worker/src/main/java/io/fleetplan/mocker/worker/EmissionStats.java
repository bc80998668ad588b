package io.fleetplan.mocker.worker;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * How late tokens leave the worker compared with their modelled times (wall time of the send minus the
 * engine's modelled token time), in microseconds. Recorded on the engine thread, read from anywhere.
 */
public final class EmissionStats {

    // fixed range (1 us .. 10 min) so recording never resizes on the engine thread
    private static final long MAX_MICROS = 600_000_000L;
    private final Recorder recorder = new Recorder(1, MAX_MICROS, 3);
    private final Histogram total = new Histogram(1, MAX_MICROS, 3);

    void record(long lateNanos) {
        recorder.recordValue(Math.min(MAX_MICROS, Math.max(1, lateNanos / 1000)));
    }

    /** Everything recorded since the previous call to {@link #reset()} (or start). */
    public synchronized Histogram snapshotMicros() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }

    public synchronized void reset() {
        recorder.reset();
        total.reset();
    }
}
