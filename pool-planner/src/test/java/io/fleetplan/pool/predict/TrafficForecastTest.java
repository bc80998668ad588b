package io.fleetplan.pool.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The idle-window rule of Dynamo's {@code _observe_traffic} (no unit test vector of Dynamo's covers it; the
 * windows below are built from the described behaviour: steady 3000-token prompts, then idle windows).
 */
class TrafficForecastTest {

    private static final PredictorSettings KALMAN = new PredictorSettings("kalman", false, 50, 1.0, 0.1, 10.0, 5, 0);

    @Test
    void idleWindowsCarryTheLastRequestShapeToTheLengthPredictors() {
        TrafficForecast f = new TrafficForecast(KALMAN);
        for (int w = 0; w < 10; w++) {
            f.observe(100, 3000, 150);
        }
        for (int w = 0; w < 3; w++) {
            f.observe(0, 0, 0); // an idle window as TrafficSample.normalizeIdle() leaves it
        }
        TrafficForecast.Next next = f.predict();
        assertThat(next.isl()).isCloseTo(3000, within(1e-6));
        assertThat(next.osl()).isCloseTo(150, within(1e-6));
        assertThat(next.requests())
                .as("the request count does see the idle windows")
                .isLessThan(50);
    }

    @Test
    void feedingTheIdleZerosAsLengthsIsWhatWentWrong() {
        LoadPredictor isl = KALMAN.create();
        for (int w = 0; w < 10; w++) {
            isl.addDataPoint(3000);
        }
        for (int w = 0; w < 3; w++) {
            isl.addDataPoint(0);
        }
        assertThat(isl.predictNext()).isLessThan(1000);
    }

    @Test
    void beforeAnyRequestIdleWindowsAreLeadingIdleTime() {
        TrafficForecast f = new TrafficForecast(KALMAN.withName("constant"));
        f.observe(0, 0, 0);
        f.observe(0, 0, 0);
        assertThat(f.predict()).isEqualTo(new TrafficForecast.Next(0, 0, 0));
        f.observe(10, 2000, 100);
        f.observe(0, 0, 0);
        assertThat(f.predict()).isEqualTo(new TrafficForecast.Next(0, 2000, 100));
    }

    @Test
    void afterAWarmUpTheIdleMinutesOfTheDeployAreSkippedThenLiveShapesCarry() {
        TrafficForecast f = new TrafficForecast(KALMAN.withName("constant"));
        f.warmUp(List.of(new TraceBuckets.IntervalLoad(10, 1000, 50), new TraceBuckets.IntervalLoad(20, 2000, 60)));
        f.observe(0, 0, 0);
        assertThat(f.predict())
                .as("leading idle skipped: the warm-up's last window stands")
                .isEqualTo(new TrafficForecast.Next(20, 2000, 60));
        f.observe(5, 500, 40);
        f.observe(0, 0, 0);
        assertThat(f.predict()).isEqualTo(new TrafficForecast.Next(0, 500, 40));
    }

    @Test
    void anUnknownLengthIsLeftOut() {
        TrafficForecast f = new TrafficForecast(KALMAN.withName("constant"));
        f.observe(10, 2000, 100);
        f.observe(10, Double.NaN, 120);
        assertThat(f.predict()).isEqualTo(new TrafficForecast.Next(10, 2000, 120));
        f.observe(0, 0, 0);
        assertThat(f.predict().isl())
                .as("the last known ISL, not the unknown one")
                .isEqualTo(2000);
    }

    @Test
    void aFloorCoversTheRisingRateOverItsHorizonButNotAFallingOne() {
        TrafficForecast up = new TrafficForecast(KALMAN);
        TrafficForecast down = new TrafficForecast(KALMAN);
        for (int k = 1; k <= 20; k++) {
            up.observe(100 * k, 1000, 200);
            down.observe(3000 - 100 * k, 1000, 200);
        }
        // a steady trend of +100 per interval: three intervals ahead is about 200 over the next one
        assertThat(up.predict(3).requests() - up.predict(1).requests()).isBetween(180.0, 220.0);
        assertThat(up.predict(3).isl()).isEqualTo(up.predict(1).isl());
        // falling: the next interval is the larger, so the floor is the next interval's forecast
        assertThat(down.predict(3).requests()).isEqualTo(down.predict(1).requests());
    }

    @Test
    void aLevelPredictorForecastsTheSameForEveryHorizon() {
        TrafficForecast f = new TrafficForecast(KALMAN.withName("constant"));
        for (int k = 1; k <= 10; k++) {
            f.observe(100 * k, 1000, 200);
        }
        assertThat(f.predict(4)).isEqualTo(f.predict(1));
    }
}
