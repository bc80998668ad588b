package io.fleetplan.mocker.engine;

/**
 * Dynamo mocker's default polynomial perf model.
 *
 * <ul>
 *   <li>Prefill: with {@code T} = new (uncached) tokens of the iteration,
 *       {@code 4.209989e-7 T^2 + 0.01518344 T + 16.50142} ms, 0 when {@code T = 0}. Dynamo's newer code feeds
 *       {@code batch x mean new tokens}, which is the iteration's sum; that is what this model uses.</li>
 *   <li>Decode: with {@code p = min(1, active KV tokens / total KV tokens)},
 *       {@code max(1, -25.74 p^2 + 54.01 p + 5.74)} ms. <b>The batch size does not appear</b>: a step with
 *       one sequence costs the same as one with 256 at equal KV utilisation. This is Dynamo's formula, kept
 *       for fidelity; use another {@link TimingModel} where batch-dependent ITL matters.</li>
 * </ul>
 */
public final class PolynomialTimingModel implements TimingModel {

    public static final PolynomialTimingModel INSTANCE = new PolynomialTimingModel();

    /** Prefill milliseconds for {@code tokens} new tokens. */
    public static double prefillFormula(double tokens) {
        if (tokens <= 0) {
            return 0;
        }
        return Math.max(0, 4.209989e-7 * tokens * tokens + 0.01518344 * tokens + 16.50142);
    }

    /** Decode ITL milliseconds at KV utilisation {@code p} (clamped to [0, 1]). */
    public static double decodeFormula(double p) {
        double u = Math.min(1.0, Math.max(0.0, p));
        return Math.max(1.0, -25.74 * u * u + 54.01 * u + 5.74);
    }

    @Override
    public double prefillMs(int numRequests, long newTokens, long kvReadTokens) {
        return prefillFormula(newTokens);
    }

    @Override
    public double decodeMs(int numSequences, long activeKvTokens, long totalKvTokens, long sumContextTokens) {
        return decodeFormula(totalKvTokens <= 0 ? 0 : (double) activeKvTokens / totalKvTokens);
    }
}
