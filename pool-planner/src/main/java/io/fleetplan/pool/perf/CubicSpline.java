package io.fleetplan.pool.perf;

import java.util.Arrays;

/**
 * Natural cubic spline through (x, y) with x strictly increasing after sorting and de-duplication; queries
 * are clamped to [min x, max x] as Dynamo clamps the ISL. Two points interpolate linearly, one is constant.
 */
final class CubicSpline {

    private final double[] x;
    private final double[] y;
    private final double[] m; // second derivatives

    CubicSpline(double[] xs, double[] ys) {
        Integer[] order = new Integer[xs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(xs[a], xs[b]));
        double[] sx = new double[xs.length];
        double[] sy = new double[xs.length];
        int n = 0;
        for (int i : order) {
            if (n > 0 && sx[n - 1] == xs[i]) {
                sy[n - 1] = (sy[n - 1] + ys[i]) / 2; // average duplicate x
                continue;
            }
            sx[n] = xs[i];
            sy[n] = ys[i];
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException("no data points");
        }
        this.x = Arrays.copyOf(sx, n);
        this.y = Arrays.copyOf(sy, n);
        this.m = new double[n];
        if (n >= 3) {
            solveSecondDerivatives();
        }
    }

    private void solveSecondDerivatives() {
        int n = x.length;
        double[] a = new double[n];
        double[] b = new double[n];
        double[] c = new double[n];
        double[] d = new double[n];
        b[0] = 1;
        b[n - 1] = 1;
        for (int i = 1; i < n - 1; i++) {
            double h0 = x[i] - x[i - 1];
            double h1 = x[i + 1] - x[i];
            a[i] = h0 / 6;
            b[i] = (h0 + h1) / 3;
            c[i] = h1 / 6;
            d[i] = (y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0;
        }
        for (int i = 1; i < n; i++) { // Thomas algorithm
            double w = a[i] / b[i - 1];
            b[i] -= w * c[i - 1];
            d[i] -= w * d[i - 1];
        }
        m[n - 1] = d[n - 1] / b[n - 1];
        for (int i = n - 2; i >= 0; i--) {
            m[i] = (d[i] - c[i] * m[i + 1]) / b[i];
        }
    }

    double at(double q) {
        int n = x.length;
        if (n == 1) {
            return y[0];
        }
        double v = Math.max(x[0], Math.min(x[n - 1], q));
        int i = Arrays.binarySearch(x, v);
        if (i >= 0) {
            return y[i];
        }
        int hi = -i - 1;
        int lo = hi - 1;
        double h = x[hi] - x[lo];
        double t1 = (x[hi] - v) / h;
        double t2 = (v - x[lo]) / h;
        return t1 * y[lo] + t2 * y[hi] + ((t1 * t1 * t1 - t1) * m[lo] + (t2 * t2 * t2 - t2) * m[hi]) * h * h / 6;
    }

    double minX() {
        return x[0];
    }

    double maxX() {
        return x[x.length - 1];
    }
}
