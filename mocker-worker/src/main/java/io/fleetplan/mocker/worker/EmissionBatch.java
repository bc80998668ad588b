package io.fleetplan.mocker.worker;

import java.util.Arrays;

/**
 * Token timing errors of the sends in progress, kept in a plain array on the engine thread and handed to the
 * shared histograms in bulk after the iteration's tokens have gone out. Recording a token is then one array
 * store, so histogram and Prometheus bookkeeping no longer sit between one token's send and the next one's
 * (with 256 tokens leaving at the same modelled instant, every nanosecond spent per token delays the last one
 * by 255 of them). Not thread-safe: engine thread only.
 *
 * <p>It also measures the spacing of sends within one iteration: tokens sharing a modelled time form a group,
 * and a group of {@code n >= 2} tokens yields {@code (error of the last - error of the first) / (n - 1)}, the
 * mean wall time between consecutive sends. Its median over iterations is the per-token cost of the send path
 * with little sensitivity to machine load (a preempted iteration is an outlier, not a shift).
 */
final class EmissionBatch {

    /** Receives what a {@link #drain} hands over. */
    interface Sink {
        /** One token's error: wall time of its send minus its modelled time, ns (may be negative). */
        void error(long lateNanos);

        /** One iteration's mean wall time between consecutive sends, ns. */
        void spacing(long nanosPerToken);

        /**
         * The error of the first token of one group (an iteration's tokens share a modelled time): how late
         * the iteration's sends started, before any per-token cost (wake-up, scheduling, GC).
         */
        void firstError(long lateNanos);
    }

    private long[] late = new long[512];
    private int size;
    private boolean grouping;
    private long groupModelNanos;
    private long groupFirstLate;
    private long groupLastLate;
    private int groupCount;
    private final long[] spacings = new long[16];
    private final long[] firstErrors = new long[16];
    private int spacingCount;
    private int firstCount;

    /** A token modelled at {@code modelNanos} was handed to its stream at {@code sendNanos} (same clock). */
    void record(long modelNanos, long sendNanos) {
        long error = sendNanos - modelNanos;
        if (!grouping || modelNanos != groupModelNanos) {
            closeGroup();
            grouping = true;
            groupModelNanos = modelNanos;
            groupFirstLate = error;
            groupCount = 0;
        }
        groupLastLate = error;
        groupCount++;
        if (size == late.length) {
            late = Arrays.copyOf(late, size * 2);
        }
        late[size++] = error;
    }

    /** Tokens recorded and not yet drained. */
    int pending() {
        return size;
    }

    /** Hands every recorded error and finished group to {@code sink} and starts empty. */
    void drain(Sink sink) {
        closeGroup();
        grouping = false;
        for (int i = 0; i < size; i++) {
            sink.error(late[i]);
        }
        size = 0;
        for (int i = 0; i < spacingCount; i++) {
            sink.spacing(spacings[i]);
        }
        spacingCount = 0;
        for (int i = 0; i < firstCount; i++) {
            sink.firstError(firstErrors[i]);
        }
        firstCount = 0;
    }

    private void closeGroup() {
        // many groups between two drains (handoffs outside iterations) keep only the first ones' figures
        if (grouping && groupCount >= 1 && firstCount < firstErrors.length) {
            firstErrors[firstCount++] = groupFirstLate;
        }
        if (grouping && groupCount >= 2 && spacingCount < spacings.length) {
            spacings[spacingCount++] = Math.max(0, groupLastLate - groupFirstLate) / (groupCount - 1);
        }
        groupCount = 0;
    }
}
