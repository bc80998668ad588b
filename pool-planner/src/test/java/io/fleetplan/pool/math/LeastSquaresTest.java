package io.fleetplan.pool.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LeastSquaresTest {

    @Test
    void fitsALineExactly() {
        double[][] x = {{1, 0}, {1, 1}, {1, 2}, {1, 3}};
        double[] y = {1, 3, 5, 7};
        assertThat(LeastSquares.solve(x, y, 0, true)).containsExactly(new double[] {1, 2}, within(1e-12));
    }

    /**
     * Läuchli's matrix: X^T X = [[1 + e^2, 1], [1, 1 + e^2]] loses e^2 = 1e-14 next to 1, so the normal
     * equations see a singular (or wildly wrong) system; QR on X itself solves it to about 1e-9.
     */
    @Test
    void solvesAnIllConditionedDesignThatTheNormalEquationsCannot() {
        double e = 1e-7;
        double[][] x = {{1, 1}, {e, 0}, {0, e}};
        double[] y = {2, e, e};
        double[] b = LeastSquares.solve(x, y, 0, false);
        assertThat(b).isNotNull();
        assertThat(b).containsExactly(new double[] {1, 1}, within(1e-6));
    }

    /** A quadratic in ISL-sized x values (1e4..1e4+100): the squared column is ~1e8 times the intercept. */
    @Test
    void fitsAQuadraticOnLargeOffsetsAccurately() {
        int n = 101;
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double v = 10_000 + i;
            x[i] = new double[] {1, v, v * v};
            y[i] = 3 - 0.5 * v + 2e-5 * v * v;
        }
        double[] b = LeastSquares.solve(x, y, 0, true);
        assertThat(b).isNotNull();
        for (int i = 0; i < n; i++) {
            double fit = b[0] + b[1] * x[i][1] + b[2] * x[i][2];
            assertThat(fit).isCloseTo(y[i], within(1e-6 * Math.abs(y[i]) + 1e-6));
        }
    }

    @Test
    void theRidgeKeepsAConstantColumnSolvableAndLeavesTheInterceptFree() {
        double[][] x = {{1, 5}, {1, 5}, {1, 5}};
        double[] y = {4, 4, 4};
        double[] b = LeastSquares.solve(x, y, 1e-9, true);
        assertThat(b).isNotNull();
        assertThat(b[0] + 5 * b[1]).isCloseTo(4, within(1e-6));
        assertThat(LeastSquares.solve(x, y, 0, true)).isNull();
        assertThat(LeastSquares.solve(new double[0][], new double[0], 0, true)).isNull();
    }
}
