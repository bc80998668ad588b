package io.fleetplan.pool.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.function.DoubleUnaryOperator;
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

    /** Prompts of a 10 s window, {tokens, ttft ms} pairs. */
    private static FinishedPrompts prompts(double[]... p) {
        FinishedPrompts.Builder b = new FinishedPrompts.Builder();
        for (double[] x : p) {
            b.add((int) x[0], x[1]);
        }
        return b.build();
    }

    /** An idle engine prefills 10 tokens per ms. */
    private static double idle(double tokens) {
        return tokens / 10;
    }

    private static TrafficSample window(double meanTtftMs, double oldestWaitMs, double oldestIsl, FinishedPrompts p) {
        return new TrafficSample(
                T0, 10, 4, 4500, 200, meanTtftMs, 20, Double.NaN, 4, oldestWaitMs, Double.NaN, oldestIsl, p);
    }

    @Test
    void aPromptWaitedWhenItsTtftIsOverTheSloAndTwiceItsOwnPrefill() {
        ObservedSlo slo = new ObservedSlo(500, 50, 0.01);
        FinishedPrompts p = prompts(
                new double[] {1000, 90}, // in time
                new double[] {1000, 600}, // 100 ms of prefill, 500 of waiting
                new double[] {8000, 1200}, // 800 ms alone: late on any number of engines, and it did not wait
                new double[] {8000, 1700}); // waited 900 ms on top of its 800
        assertThat(slo.waitedShare(p, ObservedSloTest::idle)).isEqualTo(0.5);
        assertThat(slo.waitedShare(FinishedPrompts.NONE, ObservedSloTest::idle)).isNaN();
        assertThat(slo.waitedShare(null, ObservedSloTest::idle)).isNaN();
    }

    @Test
    void shortPromptsWaitingBehindLongOnesAreAMissTheWindowsMeanDoesNotShow() {
        // mean TTFT 350 ms, under the 500 ms SLO; one short prompt in 20 waited
        double[][] fine = new double[19][];
        for (int i = 0; i < fine.length; i++) {
            fine[i] = new double[] {1000, 120};
        }
        FinishedPrompts p = prompts(java.util.stream.Stream.concat(
                        java.util.Arrays.stream(fine), java.util.stream.Stream.of(new double[] {1000, 900}))
                .toArray(double[][]::new));
        assertThat(new ObservedSlo(500, 50, 0.01)
                        .prefillMissed(window(350, 0, Double.NaN, p), 450, Double.NaN, ObservedSloTest::idle))
                .isTrue();
        assertThat(new ObservedSlo(500, 50, 0.1)
                        .prefillMissed(window(350, 0, Double.NaN, p), 450, Double.NaN, ObservedSloTest::idle))
                .as("5 %% waited, the planner tolerates 10 %%")
                .isFalse();
        assertThat(new ObservedSlo(500, 50, 0.01)
                        .prefillMissed(window(350, 0, Double.NaN, null), 450, Double.NaN, ObservedSloTest::idle))
                .as("a source that cannot tell the prompts apart: the means decide")
                .isFalse();
    }

    @Test
    void theOldestWaitingRequestIsHeldToItsOwnPromptsPrefill() {
        ObservedSlo slo = new ObservedSlo(500, 50, 0.01);
        // 2 s without a first token: a 90,000-token prompt in its 9 s prefill is no queue (Mooncake's long tail
        // grew a prefill pool from 15 to 23 engines when this was measured against the window's mean prompt)
        assertThat(slo.prefillMissed(
                        window(300, 2000, 90_000, FinishedPrompts.NONE), 450, idle(90_000), ObservedSloTest::idle))
                .isFalse();
        // a 1,000-token prompt waiting 2 s is
        assertThat(slo.prefillMissed(
                        window(300, 2000, 1000, FinishedPrompts.NONE), 450, idle(1000), ObservedSloTest::idle))
                .isTrue();
        // unknown prompt (an older router): the window's mean prompt stands in, 2 x 450 ms
        assertThat(slo.prefillMissed(window(300, 2000, Double.NaN, null), 450, Double.NaN, ObservedSloTest::idle))
                .isTrue();
        assertThat(slo.prefillMissed(window(300, 800, Double.NaN, null), 450, Double.NaN, ObservedSloTest::idle))
                .isFalse();
    }

    @Test
    void promptsAReaderCannotJudgeDoNotCountAsWaited() {
        // a router's NaN TTFT or an unsigned token count read as negative: the SLO alone is the bar, NaN is no miss
        ObservedSlo slo = new ObservedSlo(500, 50, 0.01);
        FinishedPrompts p = prompts(
                new double[] {-1, 900}, new double[] {1000, Double.NaN}, new double[] {1000, Double.POSITIVE_INFINITY});
        DoubleUnaryOperator idle = t -> t > 0 ? t / 10 : Double.NaN;
        assertThat(slo.waitedShare(p, idle)).isEqualTo(1.0 / 3);
    }
}
