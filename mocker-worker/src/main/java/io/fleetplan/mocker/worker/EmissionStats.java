package io.fleetplan.mocker.worker;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * How late tokens leave the worker compared with their modelled times (wall time of the send minus the
 * engine's modelled token time), in microseconds. Recorded on the engine thread, read from anywhere.
 */
public final class EmissionStats {

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);

    void record(long lateNanos) {
        recorder.recordValue(Math.max(0, lateNanos / 1000));
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
