package io.fleetplan.pool.math;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.QRPDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.jspecify.annotations.Nullable;

/**
 * Ordinary least squares by a column-pivoting Householder QR solve (EJML), small dense systems only (a handful of columns).
 * QR works on the design matrix itself, so its error grows with the condition number of X, not of X^T X as
 * the normal equations' does: a time column next to the intercept, or a quadratic term, stays accurate. An
 * optional ridge term keeps nearly collinear designs (few distinct x values) solvable; it enters as extra rows
 * {@code sqrt(ridge) * e_j} with target 0, which minimizes exactly {@code |X b - y|^2 + ridge |b|^2}.
 */
public final class LeastSquares {

    private LeastSquares() {}

    /**
     * Solves min |X b - y|^2 + ridge |b|^2 (the ridge skips column 0 when {@code interceptFirst}).
     *
     * @return the coefficients, or null when the system is singular
     */
    public static double @Nullable [] solve(double[][] x, double[] y, double ridge, boolean interceptFirst) {
        int n = x.length;
        if (n == 0) {
            return null;
        }
        int k = x[0].length;
        int first = interceptFirst ? 1 : 0;
        int ridgeRows = ridge > 0 ? k - first : 0;
        int rows = n + ridgeRows;
        if (rows < k) {
            return null;
        }
        DMatrixRMaj a = new DMatrixRMaj(rows, k);
        DMatrixRMaj b = new DMatrixRMaj(rows, 1);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < k; c++) {
                a.unsafe_set(r, c, x[r][c]);
            }
            b.unsafe_set(r, 0, y[r]);
        }
        double s = Math.sqrt(ridge);
        for (int j = 0; j < ridgeRows; j++) {
            a.unsafe_set(n + j, first + j, s);
        }
        // column pivoting reveals the rank: a column that is a combination of others (to rounding) is singular
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.leastSquaresQrPivot(false, false);
        if (!solver.setA(a) || ((QRPDecomposition_F64<?>) solver.getDecomposition()).getRank() < k) {
            return null;
        }
        DMatrixRMaj coef = new DMatrixRMaj(k, 1);
        solver.solve(b, coef);
        double[] out = coef.getData().clone();
        for (double v : out) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        return out;
    }
}
