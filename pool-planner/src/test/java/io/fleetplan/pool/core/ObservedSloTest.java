package io.fleetplan.pool.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ObservedSloTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A 10 s window in which {@code arrivals} arrived and {@code finished} finished. */
    private static TrafficSample window(double arrivals, double finished) {
        return new TrafficSample(T0, 10, finished, 2000, 200, 900, 60, Double.NaN, arrivals, Double.NaN);
    }

    @Test
    void saturatedEnginesNeedArrivalsOverCompletionsTimesThemselves() {
        // requests of 2 s fit in the window: 2 engines finishing 40 while 150 arrive need 2 x 150/40 = 7.5 -> 8
        assertThat(ObservedSlo.neededForArrivals(window(150, 40), 2, 2)).isEqualTo(8);
    }

    @Test
    void requestsLongerThanTheWindowDoubleTheServingEnginesAtMost() {
        // 8,000-token outputs at 50 ms run 400 s: a filling pool finishes 3 in 10 s while 40 arrive; the ratio says
        // 2 x 40/3 -> 27 engines, but those completions are not the engines' rate
        assertThat(ObservedSlo.neededForArrivals(window(40, 3), 2, 400)).isEqualTo(4);
        assertThat(ObservedSlo.neededForArrivals(window(40, 30), 2, 400)).isEqualTo(3);
    }

    @Test
    void aWindowThatCannotTellNeedsNothing() {
        assertThat(ObservedSlo.neededForArrivals(window(40, 0), 2, 2)).isZero();
        assertThat(ObservedSlo.neededForArrivals(window(Double.NaN, 10), 2, 2)).isZero();
        assertThat(ObservedSlo.neededForArrivals(window(40, 10), 0, 2)).isZero();
    }
}
