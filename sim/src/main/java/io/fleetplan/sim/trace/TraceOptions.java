package io.fleetplan.sim.trace;

/**
 * How to read a trace.
 *
 * @param rateScale multiplies the arrival rate (arrival times are divided by it), > 0; 1 = as recorded
 * @param window the part of the trace to keep, in the trace's own time before rate scaling; null = all
 * @param skipBadRows drop malformed rows (counted in {@link Trace#skippedRows()}) instead of failing
 * @param maxRequests keep at most this many requests (after windowing); 0 = all
 */
public record TraceOptions(double rateScale, TimeWindow window, boolean skipBadRows, int maxRequests) {

    public static final TraceOptions DEFAULTS = new TraceOptions(1.0, null, false, 0);

    public TraceOptions {
        if (!(rateScale > 0) || Double.isInfinite(rateScale)) {
            throw new IllegalArgumentException("--rate-scale: " + rateScale + " must be a finite number > 0");
        }
        if (maxRequests < 0) {
            throw new IllegalArgumentException("max requests: " + maxRequests + " must be >= 0");
        }
    }

    public TraceOptions withRateScale(double k) {
        return new TraceOptions(k, window, skipBadRows, maxRequests);
    }

    public TraceOptions withWindow(TimeWindow w) {
        return new TraceOptions(rateScale, w, skipBadRows, maxRequests);
    }

    public TraceOptions withSkipBadRows(boolean skip) {
        return new TraceOptions(rateScale, window, skip, maxRequests);
    }

    public TraceOptions withMaxRequests(int n) {
        return new TraceOptions(rateScale, window, skipBadRows, n);
    }

    /** Applies window, limit and rate scale, in that order. */
    public Trace apply(Trace trace) {
        Trace t = window == null ? trace : trace.window(window.fromSeconds(), window.toSeconds());
        t = maxRequests > 0 ? t.limit(maxRequests) : t;
        return t.rateScaled(rateScale);
    }
}
