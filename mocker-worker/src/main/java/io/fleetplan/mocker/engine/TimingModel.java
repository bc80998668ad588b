package io.fleetplan.mocker.engine;

/**
 * How long one engine iteration takes on the modelled GPU, in milliseconds of model time (before
 * {@code speedup_ratio}). Replaceable: a profiled table or a fitted regression can stand in for the
 * default {@link PolynomialTimingModel}. Implementations must be pure and cheap (called once per iteration).
 */
public interface TimingModel {

    /**
     * Prefill compute of one iteration.
     *
     * @param numRequests prefill requests (or chunks) scheduled in the iteration, >= 1
     * @param newTokens uncached prompt tokens computed in the iteration (sum over requests), >= 1
     * @param kvReadTokens cached and earlier-chunk tokens those prefills attend to
     * @return milliseconds, >= 0
     */
    double prefillMs(int numRequests, long newTokens, long kvReadTokens);

    /**
     * One decode step: every decoding sequence produces one token.
     *
     * @param numSequences sequences producing a token, >= 1
     * @param activeKvTokens KV tokens held by running requests (active blocks x block size)
     * @param totalKvTokens KV capacity in tokens (blocks x block size)
     * @param sumContextTokens sum of the decoding sequences' context lengths
     * @return milliseconds, >= 0
     */
    double decodeMs(int numSequences, long activeKvTokens, long totalKvTokens, long sumContextTokens);
}
