package io.fleetplan.pool.perf;

import io.fleetplan.pool.math.LeastSquares;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * y = intercept + sum(coef_i * x_i) fitted by least squares on retained samples, with Dynamo's sanity rule:
 * a negative coefficient rejects the fit (the model is "not ready"), except those listed as clippable, which
 * are forced to 0 and the rest refitted (decode's request-count term).
 */
public record LinearFit(double intercept, double[] coef) {

    /** @return the fit, or null when there are too few samples, the design is singular or a slope is negative */
    public static @Nullable LinearFit fit(
            List<BucketedSamples.Sample> samples, int minSamples, boolean @Nullable [] clippable) {
        if (samples.size() < Math.max(2, minSamples)) {
            return null;
        }
        int dims = samples.get(0).x().length;
        boolean[] active = new boolean[dims];
        Arrays.fill(active, true);
        for (int attempt = 0; attempt <= dims; attempt++) {
            double[] b = solve(samples, active);
            if (b == null) {
                return null;
            }
            double[] coef = new double[dims];
            int k = 1;
            boolean clipped = false;
            for (int d = 0; d < dims; d++) {
                if (!active[d]) {
                    continue;
                }
                coef[d] = b[k++];
                if (coef[d] < 0) {
                    if (clippable == null || !clippable[d]) {
                        return null;
                    }
                    active[d] = false;
                    clipped = true;
                }
            }
            if (!clipped) {
                return new LinearFit(b[0], coef);
            }
        }
        return null;
    }

    private static double @Nullable [] solve(List<BucketedSamples.Sample> samples, boolean[] active) {
        int cols = 1;
        for (boolean a : active) {
            cols += a ? 1 : 0;
        }
        double[][] x = new double[samples.size()][cols];
        double[] y = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            BucketedSamples.Sample s = samples.get(i);
            x[i][0] = 1;
            int k = 1;
            for (int d = 0; d < active.length; d++) {
                if (active[d]) {
                    x[i][k++] = s.x()[d];
                }
            }
            y[i] = s.y();
        }
        // a tiny ridge keeps a fit possible when one axis barely varies; it does not move a well-posed fit
        return LeastSquares.solve(x, y, 1e-9, true);
    }

    public double predict(double... x) {
        double y = intercept;
        for (int d = 0; d < coef.length; d++) {
            y += coef[d] * x[d];
        }
        return y;
    }
}
