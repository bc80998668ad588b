package io.fleetplan.pool.predict;

import io.fleetplan.pool.math.NelderMead;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A small automatic ARIMA(p,d,q) in the spirit of pmdarima's {@code auto_arima}: the differencing order d
 * (0..2) comes from repeated KPSS level-stationarity tests at the 5% level, then every ARMA(p,q) with
 * p,q in 0..2 is fitted to the differenced series by conditional sum of squares (Nelder-Mead) and the lowest
 * AIC wins. A mean (a drift after one difference) is fitted when d &lt; 2, as pmdarima's
 * {@code with_intercept="auto"} does.
 */
final class AutoArima {

    static final int MAX_ORDER = 2;
    private static final double KPSS_CRITICAL_5PCT = 0.463;

    /** A fitted model and its one-step forecast in the units of the input series. */
    record Fit(int p, int d, int q, double aic, double forecast) {}

    private AutoArima() {}

    static @Nullable Fit fit(double[] z) {
        int d = differencingOrder(z);
        double[] w = difference(z, d);
        boolean withMean = d < 2;
        Fit best = null;
        for (int p = 0; p <= MAX_ORDER; p++) {
            for (int q = 0; q <= MAX_ORDER; q++) {
                if (w.length < MAX_ORDER + p + q + 3) {
                    continue;
                }
                Fit f = fitArma(w, p, q, withMean, z, d);
                if (f != null && (best == null || f.aic() < best.aic() - 1e-9)) {
                    best = f;
                }
            }
        }
        return best;
    }

    static int differencingOrder(double[] z) {
        int d = 0;
        double[] w = z;
        while (d < 2 && w.length > 4 && kpss(w) > KPSS_CRITICAL_5PCT) {
            w = difference(w, 1);
            d++;
        }
        return d;
    }

    /** KPSS level-stationarity statistic with a Bartlett long-run variance (lag trunc(3 sqrt(n)/13)). */
    static double kpss(double[] x) {
        int n = x.length;
        double mean = 0;
        for (double v : x) {
            mean += v / n;
        }
        double[] e = new double[n];
        double s0 = 0;
        for (int i = 0; i < n; i++) {
            e[i] = x[i] - mean;
            s0 += e[i] * e[i];
        }
        if (s0 <= 1e-12 * n * Math.max(1.0, mean * mean)) {
            return 0; // constant: stationary
        }
        int lags = (int) (3 * Math.sqrt(n) / 13);
        double lrv = s0 / n;
        for (int l = 1; l <= lags; l++) {
            double c = 0;
            for (int i = l; i < n; i++) {
                c += e[i] * e[i - l];
            }
            lrv += 2 * (1 - l / (lags + 1.0)) * c / n;
        }
        double partial = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            partial += e[i];
            sum += partial * partial;
        }
        return sum / ((double) n * n * lrv);
    }

    static double[] difference(double[] z, int d) {
        double[] w = z;
        for (int k = 0; k < d; k++) {
            double[] next = new double[w.length - 1];
            for (int i = 1; i < w.length; i++) {
                next[i - 1] = w[i] - w[i - 1];
            }
            w = next;
        }
        return w;
    }

    private static @Nullable Fit fitArma(double[] w, int p, int q, boolean withMean, double[] z, int d) {
        int k = (withMean ? 1 : 0) + p + q;
        double[] start = new double[k];
        if (withMean) {
            double m = 0;
            for (double v : w) {
                m += v / w.length;
            }
            start[0] = m;
        }
        double scale = 0;
        for (double v : w) {
            scale = Math.max(scale, Math.abs(v));
        }
        final double step = Math.max(0.1, 0.1 * scale);
        double[] params = NelderMead.minimize(par -> sse(w, par, p, q, withMean), start, step, 400 * (k + 1));
        double sse = sse(w, params, p, q, withMean);
        if (!Double.isFinite(sse) || sse >= 1e299) {
            return null;
        }
        int m = w.length - MAX_ORDER;
        double sigma2 = Math.max(sse / m, 1e-12);
        double aic = m * Math.log(sigma2) + 2.0 * (k + 1);
        double next = forecastDifferenced(w, params, p, q, withMean);
        return new Fit(p, d, q, aic, integrate(z, d, next));
    }

    /** Conditional sum of squares from index MAX_ORDER on; non-stationary or non-invertible = infinite. */
    static double sse(double[] w, double[] par, int p, int q, boolean withMean) {
        double[] e = residuals(w, par, p, q, withMean);
        if (e == null) {
            return 1e300;
        }
        double s = 0;
        for (int t = MAX_ORDER; t < w.length; t++) {
            s += e[t] * e[t];
        }
        return s;
    }

    private static double @Nullable [] residuals(double[] w, double[] par, int p, int q, boolean withMean) {
        int off = withMean ? 1 : 0;
        double mu = withMean ? par[0] : 0;
        double sumPhi = 0;
        double sumTheta = 0;
        for (int i = 0; i < p; i++) {
            sumPhi += Math.abs(par[off + i]);
        }
        for (int j = 0; j < q; j++) {
            sumTheta += Math.abs(par[off + p + j]);
        }
        // a sufficient condition for stationarity and invertibility; keeps the search in the sane region
        if (sumPhi >= 0.999 || sumTheta >= 0.999) {
            return null;
        }
        double[] e = new double[w.length];
        for (int t = 0; t < w.length; t++) {
            double pred = mu;
            for (int i = 1; i <= p; i++) {
                pred += par[off + i - 1] * (t - i >= 0 ? w[t - i] - mu : 0);
            }
            for (int j = 1; j <= q; j++) {
                pred += par[off + p + j - 1] * (t - j >= 0 ? e[t - j] : 0);
            }
            e[t] = t < MAX_ORDER ? 0 : w[t] - pred;
        }
        return e;
    }

    private static double forecastDifferenced(double[] w, double[] par, int p, int q, boolean withMean) {
        int off = withMean ? 1 : 0;
        double mu = withMean ? par[0] : 0;
        // fitArma only forecasts parameters whose residuals (and so whose SSE) are finite
        double[] e = Objects.requireNonNull(residuals(w, par, p, q, withMean), "residuals of a fitted model");
        int n = w.length;
        double pred = mu;
        for (int i = 1; i <= p; i++) {
            pred += par[off + i - 1] * (w[n - i] - mu);
        }
        for (int j = 1; j <= q; j++) {
            pred += par[off + p + j - 1] * e[n - j];
        }
        return pred;
    }

    private static double integrate(double[] z, int d, double nextDiff) {
        int n = z.length;
        return switch (d) {
            case 0 -> nextDiff;
            case 1 -> z[n - 1] + nextDiff;
            default -> z[n - 1] + (z[n - 1] - z[n - 2]) + nextDiff;
        };
    }
}
