package io.fleetplan.pool.math;

/**
 * Ordinary least squares by the normal equations, small dense systems only (a handful of columns). An
 * optional ridge term keeps nearly collinear designs (few distinct x values) solvable.
 */
public final class LeastSquares {

    private LeastSquares() {
    }

    /**
     * Solves min |X b - y|^2 + ridge |b|^2 (the ridge skips column 0 when {@code interceptFirst}).
     *
     * @return the coefficients, or null when the system is singular
     */
    public static double[] solve(double[][] x, double[] y, double ridge, boolean interceptFirst) {
        int n = x.length;
        if (n == 0) {
            return null;
        }
        int k = x[0].length;
        double[][] a = new double[k][k + 1];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i][j] += x[r][i] * x[r][j];
                }
                a[i][k] += x[r][i] * y[r];
            }
        }
        for (int i = interceptFirst ? 1 : 0; i < k; i++) {
            a[i][i] += ridge;
        }
        return gauss(a, k);
    }

    /** Gaussian elimination with partial pivoting on an augmented k x (k+1) matrix. */
    static double[] gauss(double[][] a, int k) {
        for (int c = 0; c < k; c++) {
            int pivot = c;
            for (int r = c + 1; r < k; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][c]) < 1e-12) {
                return null;
            }
            double[] tmp = a[c];
            a[c] = a[pivot];
            a[pivot] = tmp;
            for (int r = 0; r < k; r++) {
                if (r != c) {
                    double f = a[r][c] / a[c][c];
                    for (int j = c; j <= k; j++) {
                        a[r][j] -= f * a[c][j];
                    }
                }
            }
        }
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = a[i][k] / a[i][i];
        }
        return b;
    }
}
