package io.fleetplan.pool.math;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/** Derivative-free minimisation (Nelder-Mead simplex) for the few parameters of an ARMA fit. */
public final class NelderMead {

    private NelderMead() {}

    public static double[] minimize(ToDoubleFunction<double[]> f, double[] start, double step, int maxIterations) {
        int n = start.length;
        if (n == 0) {
            return start.clone();
        }
        double[][] simplex = new double[n + 1][];
        double[] values = new double[n + 1];
        simplex[0] = start.clone();
        for (int i = 0; i < n; i++) {
            double[] p = start.clone();
            p[i] += p[i] == 0 ? step : step * Math.max(1.0, Math.abs(p[i]));
            simplex[i + 1] = p;
        }
        for (int i = 0; i <= n; i++) {
            values[i] = f.applyAsDouble(simplex[i]);
        }
        Integer[] order = new Integer[n + 1];
        for (int it = 0; it < maxIterations; it++) {
            for (int i = 0; i <= n; i++) {
                order[i] = i;
            }
            final double[] vs = values;
            Arrays.sort(order, (a, b) -> Double.compare(vs[a], vs[b]));
            int best = order[0];
            int worst = order[n];
            int second = order[n - 1];
            if (Math.abs(values[worst] - values[best]) <= 1e-10 * (Math.abs(values[best]) + 1e-12)) {
                break;
            }
            double[] centroid = new double[n];
            for (int i = 0; i <= n; i++) {
                if (i != worst) {
                    for (int j = 0; j < n; j++) {
                        centroid[j] += simplex[i][j] / n;
                    }
                }
            }
            double[] reflected = along(centroid, simplex[worst], -1.0);
            double fr = f.applyAsDouble(reflected);
            if (fr < values[best]) {
                double[] expanded = along(centroid, simplex[worst], -2.0);
                double fe = f.applyAsDouble(expanded);
                replace(simplex, values, worst, fe < fr ? expanded : reflected, Math.min(fe, fr));
            } else if (fr < values[second]) {
                replace(simplex, values, worst, reflected, fr);
            } else {
                double[] contracted = along(centroid, simplex[worst], 0.5);
                double fc = f.applyAsDouble(contracted);
                if (fc < values[worst]) {
                    replace(simplex, values, worst, contracted, fc);
                } else {
                    for (int i = 0; i <= n; i++) {
                        if (i != best) {
                            simplex[i] = along(simplex[best], simplex[i], 0.5);
                            values[i] = f.applyAsDouble(simplex[i]);
                        }
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i <= n; i++) {
            if (values[i] < values[best]) {
                best = i;
            }
        }
        return simplex[best];
    }

    // centroid + t * (point - centroid)
    private static double[] along(double[] centroid, double[] point, double t) {
        double[] out = new double[centroid.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = centroid[j] + t * (point[j] - centroid[j]);
        }
        return out;
    }

    private static void replace(double[][] simplex, double[] values, int i, double[] p, double v) {
        simplex[i] = p;
        values[i] = v;
    }
}
