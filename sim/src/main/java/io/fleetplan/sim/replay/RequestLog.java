package io.fleetplan.sim.replay;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Per-request outcomes of one replay, in flat arrays indexed by the request's position in the trace (a
 * one-hour trace is tens of thousands of requests; objects per request would dominate the heap).
 */
public final class RequestLog {

    /** Why a request failed. */
    public enum Failure {
        NO_READY_WORKER,
        REFUSED,
        ABORTED_ON_DRAIN,
        TIMED_OUT
    }

    private final long[] arrivalNanos;
    private final long[] firstTokenNanos;
    private final long[] finishNanos;
    private final int[] outputTokens;
    private final byte[] state;
    private final Map<Failure, Integer> failures = new EnumMap<>(Failure.class);
    private int resolved;

    static final byte PENDING = 0;
    static final byte DONE = 1;
    static final byte FAILED = 2;

    RequestLog(int n) {
        arrivalNanos = new long[n];
        firstTokenNanos = new long[n];
        finishNanos = new long[n];
        outputTokens = new int[n];
        state = new byte[n];
    }

    void arrived(int i, long nanos) {
        arrivalNanos[i] = nanos;
    }

    void firstToken(int i, long nanos) {
        if (firstTokenNanos[i] == 0) {
            firstTokenNanos[i] = nanos;
        }
    }

    void done(int i, long nanos, int tokens) {
        if (state[i] != PENDING) {
            return;
        }
        state[i] = DONE;
        finishNanos[i] = nanos;
        outputTokens[i] = tokens;
        resolved++;
    }

    void failed(int i, long nanos, Failure why) {
        if (state[i] != PENDING) {
            return;
        }
        state[i] = FAILED;
        finishNanos[i] = nanos;
        failures.merge(why, 1, Integer::sum);
        resolved++;
    }

    public int size() {
        return state.length;
    }

    public int resolved() {
        return resolved;
    }

    public boolean completed(int i) {
        return state[i] == DONE;
    }

    public boolean failed(int i) {
        return state[i] == FAILED;
    }

    public long arrivalNanos(int i) {
        return arrivalNanos[i];
    }

    /** Time to first token, ms; NaN if the request did not complete. */
    public double ttftMs(int i) {
        return state[i] == DONE ? (firstTokenNanos[i] - arrivalNanos[i]) / 1e6 : Double.NaN;
    }

    /** Mean inter-token latency over the tokens after the first, ms; 0 for a one-token answer, NaN if failed. */
    public double itlMs(int i) {
        if (state[i] != DONE) {
            return Double.NaN;
        }
        return outputTokens[i] > 1 ? (finishNanos[i] - firstTokenNanos[i]) / 1e6 / (outputTokens[i] - 1) : 0;
    }

    /** TTFT of a request whose first token is known, finished or not, ms. */
    double ttftMsRaw(int i) {
        return (firstTokenNanos[i] - arrivalNanos[i]) / 1e6;
    }

    public int outputTokens(int i) {
        return outputTokens[i];
    }

    public long finishNanos(int i) {
        return finishNanos[i];
    }

    public Map<Failure, Integer> failures() {
        return Map.copyOf(failures);
    }

    public int completedCount() {
        int n = 0;
        for (byte b : state) {
            n += b == DONE ? 1 : 0;
        }
        return n;
    }

    public int failedCount() {
        return failures.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Marks every request still in flight as timed out (end of the replay's tail). */
    void timeOutPending(long nanos) {
        for (int i = 0; i < state.length; i++) {
            if (state[i] == PENDING) {
                failed(i, nanos, Failure.TIMED_OUT);
            }
        }
    }

    @Override
    public String toString() {
        return "RequestLog[" + size() + " requests, " + resolved + " resolved, failures " + failures + "]"
                + (state.length == 0 ? "" : " first=" + Arrays.toString(new long[] {arrivalNanos[0]}));
    }
}
