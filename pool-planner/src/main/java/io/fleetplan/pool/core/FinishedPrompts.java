package io.fleetplan.pool.core;

import java.util.Arrays;

/**
 * Requests that got their first token in a window, one by one: the prompt tokens the engine had to compute (the
 * prompt less the router's predicted prefix-cache hit) and the TTFT the pool's router timed. Means cannot tell a
 * queue from a long prompt (TTFT grows faster than the prompt, and a few 90,000-token prompts lift a window's mean
 * with no queue at all); per request, a TTFT far above the prompt's own prefill is a wait. Immutable.
 */
public final class FinishedPrompts {

    public static final FinishedPrompts NONE = new FinishedPrompts(new int[0], new double[0]);

    private final int[] newTokens;
    private final double[] ttftMs;

    private FinishedPrompts(int[] newTokens, double[] ttftMs) {
        this.newTokens = newTokens;
        this.ttftMs = ttftMs;
    }

    /** Copies the first {@code n} entries of both arrays. */
    public static FinishedPrompts of(int[] newTokens, double[] ttftMs, int n) {
        if (n < 0 || n > newTokens.length || n > ttftMs.length) {
            throw new IllegalArgumentException("n " + n + " outside the arrays' lengths");
        }
        return n == 0 ? NONE : new FinishedPrompts(Arrays.copyOf(newTokens, n), Arrays.copyOf(ttftMs, n));
    }

    public int size() {
        return newTokens.length;
    }

    public int newTokens(int i) {
        return newTokens[i];
    }

    public double ttftMs(int i) {
        return ttftMs[i];
    }

    /** Accumulates entries (sources build one per window). Not thread-safe. */
    public static final class Builder {
        private int[] tokens = new int[16];
        private double[] ttft = new double[16];
        private int n;

        public Builder add(int newTokens, double ttftMs) {
            if (n == tokens.length) {
                tokens = Arrays.copyOf(tokens, n * 2);
                ttft = Arrays.copyOf(ttft, n * 2);
            }
            tokens[n] = newTokens;
            ttft[n] = ttftMs;
            n++;
            return this;
        }

        public int size() {
            return n;
        }

        public FinishedPrompts build() {
            return of(tokens, ttft, n);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FinishedPrompts f
                && Arrays.equals(newTokens, f.newTokens)
                && Arrays.equals(ttftMs, f.ttftMs);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(newTokens) + Arrays.hashCode(ttftMs);
    }

    /** A summary: a window may hold thousands (the planner's FINE log prints samples whole). */
    @Override
    public String toString() {
        return "FinishedPrompts[n=" + size() + "]";
    }
}
