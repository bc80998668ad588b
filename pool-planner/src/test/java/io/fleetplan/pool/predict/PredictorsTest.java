package io.fleetplan.pool.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class PredictorsTest {

    private static final PredictorSettings DEFAULTS = new PredictorSettings("arima", false, 50, 1.0, 0.1, 10.0, 5, 0);

    private static LoadPredictor fed(String name, double... values) {
        LoadPredictor p = DEFAULTS.withName(name).create();
        for (double v : values) {
            p.addDataPoint(v);
        }
        return p;
    }

    @Test
    void constantRepeatsTheLastValue() {
        assertThat(fed("constant", 3, 7, 5).predictNext()).isEqualTo(5);
        assertThat(fed("constant").predictNext()).isZero();
    }

    @Test
    void constantKeepsItsBufferLikeTheOthers() {
        // Dynamo's test_load_predictor.py numbers: each window's value is the next forecast, and the buffer holds
        // every window (it held one value, so a warm-up of N intervals read as one)
        LoadPredictor p = fed("constant");
        double[] seen = {10, 20, 30};
        for (double v : seen) {
            p.addDataPoint(v);
            assertThat(p.predictNext()).isEqualTo(v);
        }
        assertThat(p.size()).isEqualTo(3);
        // warm-up history (5, 7) then reset_idle_skip: both kept, leading idle zeros after the reset are not
        LoadPredictor warm = fed("constant", 5, 7);
        warm.resetIdleSkip();
        warm.addDataPoint(0);
        assertThat(warm.size()).isEqualTo(2);
        assertThat(warm.predictNext()).isEqualTo(7);
        // a zero after traffic is kept and is the last value, like every other predictor
        LoadPredictor seeded = fed("constant", 999);
        assertThat(seeded.predictNext()).isEqualTo(999);
        seeded.addDataPoint(0);
        assertThat(seeded.size()).isEqualTo(2);
        assertThat(seeded.lastValue()).isZero();
        for (String name : new String[] {"constant", "arima", "kalman", "prophet"}) {
            LoadPredictor q = fed(name, 0, 0, 4, 0, 6);
            assertThat(q.size()).as(name).isEqualTo(3);
            assertThat(q.lastValue()).as(name).isEqualTo(6);
        }
    }

    @Test
    void nonFiniteCountsAsZeroAndLeadingZerosAreSkippedUntilReset() {
        LoadPredictor p = fed("prophet", 0, Double.NaN, 0);
        assertThat(p.size()).isZero(); // idle start ignored
        p.addDataPoint(4);
        p.addDataPoint(Double.POSITIVE_INFINITY); // after traffic began, a non-finite value is a real 0
        assertThat(p.size()).isEqualTo(2);
        assertThat(p.lastValue()).isZero();
        p.resetIdleSkip();
        p.addDataPoint(0);
        assertThat(p.size()).isEqualTo(2);
    }

    @Test
    void everyPredictorReturnsTheValueOfAConstantSeries() {
        for (String name : new String[] {"constant", "arima", "kalman", "prophet"}) {
            double[] series = new double[30];
            Arrays.fill(series, 42);
            assertThat(fed(name, series).predictNext()).as(name).isCloseTo(42, within(0.5));
        }
    }

    @Test
    void fewerThanFivePointsGiveTheLastValue() {
        for (String name : new String[] {"arima", "kalman", "prophet"}) {
            assertThat(fed(name, 1, 5, 9, 13).predictNext()).as(name).isEqualTo(13);
        }
    }

    @Test
    void arimaExtrapolatesALinearTrendExactly() {
        // y = 10 + 3t: one difference leaves the constant 3, the drift; forecast = last + 3
        double[] y = new double[40];
        for (int t = 0; t < y.length; t++) {
            y[t] = 10 + 3 * t;
        }
        assertThat(fed("arima", y).predictNext()).isCloseTo(10 + 3 * 40, within(0.01));
        assertThat(AutoArima.differencingOrder(y)).isEqualTo(1);
    }

    @Test
    void arimaRecoversAnAr1Process() {
        // y_t - 100 = 0.8 (y_{t-1} - 100) + e_t; the best one-step forecast is 100 + 0.8 (y_n - 100)
        Random rnd = new Random(7);
        double[] y = new double[200];
        y[0] = 100;
        for (int t = 1; t < y.length; t++) {
            y[t] = 100 + 0.8 * (y[t - 1] - 100) + rnd.nextGaussian() * 5;
        }
        double expected = 100 + 0.8 * (y[199] - 100);
        assertThat(fed("arima", y).predictNext()).isCloseTo(expected, within(3.0));
    }

    // x0 = [10, 0], P0 = 1000 I. Point 12: predict P = [[2001, 1000], [1000, 1000.1]], S = 2011,
    // K = [2001/2011, 1000/2011], x = [10 + 2*2001/2011, 2*1000/2011]; forecast = level + trend.
    private static final double TWO_POINT_LEVEL = 10 + 2 * 2001.0 / 2011;
    private static final double TWO_POINT_TREND = 2 * 1000.0 / 2011;

    private static LoadPredictor kalmanFedTenThenTwelve(int minPoints) {
        LoadPredictor p = new KalmanPredictor(1.0, 0.1, 10.0, minPoints, false);
        p.addDataPoint(10);
        p.addDataPoint(12);
        return p;
    }

    @Test
    void kalmanMatchesAHandWorkedTwoPointExample() {
        LoadPredictor p = kalmanFedTenThenTwelve(1);
        double level = TWO_POINT_LEVEL;
        double trend = TWO_POINT_TREND;
        assertThat(p.predictNext()).isCloseTo(level + trend, within(1e-9));
        assertThat(p.predictNext())
                .as("a second call returns the cached forecast")
                .isCloseTo(level + trend, within(1e-9));
    }

    @Test
    void kalmanCarriesItsTrendAheadAndTheOthersALevel() {
        // the two-point example: level + trend next, level + 3 trend three intervals ahead
        LoadPredictor p = kalmanFedTenThenTwelve(1);
        double level = TWO_POINT_LEVEL;
        double trend = TWO_POINT_TREND;
        assertThat(p.predictAhead(3)).isCloseTo(level + 3 * trend, within(1e-9));
        assertThat(p.predictAhead(1)).isCloseTo(p.predictNext(), within(1e-9));
        assertThat(p.predictNext())
                .as("looking ahead does not advance the filter")
                .isCloseTo(level + trend, within(1e-9));
        assertThat(kalmanFedTenThenTwelve(5).predictAhead(3))
                .as("below kalman_min_points: last value")
                .isEqualTo(12);
        LoadPredictor falling = new KalmanPredictor(1.0, 0.1, 10.0, 1, false);
        for (int t = 0; t < 30; t++) {
            falling.addDataPoint(100 - 5 * t);
        }
        assertThat(falling.predictAhead(100)).as("never negative").isZero();
    }

    @Test
    void kalmanTracksALinearTrendAndHonoursMinPoints() {
        LoadPredictor p = new KalmanPredictor(1.0, 0.1, 10.0, 5, false);
        for (int t = 0; t < 4; t++) {
            p.addDataPoint(10 + 3 * t);
        }
        assertThat(p.predictNext()).as("below kalman_min_points: last value").isEqualTo(19);
        for (int t = 4; t < 60; t++) {
            p.addDataPoint(10 + 3 * t);
        }
        assertThat(p.predictNext()).isCloseTo(10 + 3 * 60, within(0.5));
    }

    @Test
    void kalmanLogModeStaysPositiveAndFollowsExponentialGrowth() {
        LoadPredictor p = new KalmanPredictor(1.0, 0.1, 10.0, 5, true);
        for (int t = 0; t < 40; t++) {
            p.addDataPoint(Math.expm1(0.1 * t));
        }
        assertThat(p.predictNext()).isCloseTo(Math.expm1(0.1 * 40), Percentage.withPercentage(5));
    }

    @Test
    void seasonalFitsTrendPlusSeasonExactly() {
        // period 12 steps, 3 periods kept: y = 50 + 0.5 t + 10 sin(2 pi t / 12)
        LoadPredictor p = new SeasonalPredictor(50, 12, false);
        for (int t = 0; t < 36; t++) {
            p.addDataPoint(50 + 0.5 * t + 10 * Math.sin(2 * Math.PI * t / 12));
        }
        assertThat(p.predictNext()).isCloseTo(50 + 0.5 * 36 + 10 * Math.sin(2 * Math.PI * 36 / 12), within(1e-6));
    }

    @Test
    void seasonalWithoutTwoPeriodsIsALinearTrendOverTheWindow() {
        LoadPredictor p = new SeasonalPredictor(10, 480, false);
        for (int t = 0; t < 30; t++) {
            p.addDataPoint(t < 20 ? 1000 : 5 + 2 * t); // only the last 10 points count
        }
        assertThat(p.predictNext()).isCloseTo(5 + 2 * 30, within(1e-6));
    }

    @RepeatedTest(5)
    void predictionsAreFiniteAndNonNegativeOnRandomSeries(RepetitionInfo info) {
        long seed = 1000 + info.getCurrentRepetition();
        Random rnd = new Random(seed);
        for (String name : new String[] {"constant", "arima", "kalman", "prophet"}) {
            for (boolean log : new boolean[] {false, true}) {
                LoadPredictor p = new PredictorSettings(name, log, 20, 1.0, 0.1, 10.0, 5, 8).create();
                for (int i = 0; i < 60; i++) {
                    double v = rnd.nextInt(10) == 0 ? Double.NaN : Math.max(0, 50 + rnd.nextGaussian() * 40);
                    p.addDataPoint(v);
                    double f = p.predictNext();
                    assertThat(f)
                            .as("seed %d %s log=%s step %d", seed, name, log, i)
                            .isFinite()
                            .isGreaterThanOrEqualTo(0);
                }
            }
        }
    }
}
