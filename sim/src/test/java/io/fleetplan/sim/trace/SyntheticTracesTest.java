package io.fleetplan.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class SyntheticTracesTest {

    @Test
    void sameSeed_sameTrace_otherSeed_otherTrace() {
        Trace a = SyntheticTraces.generate("diurnal:rate=4,duration=300", 7);
        Trace b = SyntheticTraces.generate("diurnal:rate=4,duration=300", 7);
        Trace c = SyntheticTraces.generate("diurnal:rate=4,duration=300", 8);
        assertThat(a.requests()).usingRecursiveFieldByFieldElementComparator().isEqualTo(b.requests());
        assertThat(a.requests().get(0).arrivalNanos())
                .isNotEqualTo(c.requests().get(0).arrivalNanos());
    }

    @RepeatedTest(5)
    void poissonCount_isNearRateTimesDuration(RepetitionInfo info) {
        long seed = 1000 + info.getCurrentRepetition();
        Trace t = SyntheticTraces.generate("poisson:rate=10,duration=400", seed);
        assertThat(t.requests().size()).as("seed %d", seed).isBetween(3700, 4300);
        for (int i = 1; i < t.requests().size(); i++) {
            assertThat(t.requests().get(i).arrivalNanos())
                    .as("seed %d", seed)
                    .isGreaterThanOrEqualTo(t.requests().get(i - 1).arrivalNanos());
        }
    }

    @Test
    void step_andBursts_changeTheRate() {
        Trace step = SyntheticTraces.generate("step:rate=2,rate2=20,at=100,duration=200", 3);
        long before =
                step.requests().stream().filter(r -> r.arrivalSeconds() < 100).count();
        long after = step.requests().size() - before;
        assertThat(after).isGreaterThan(5 * before);
        Trace bursts =
                SyntheticTraces.generate("bursts:rate=1,burst_rate=30,burst_seconds=10,every=100,duration=200", 3);
        long inBurst = bursts.requests().stream()
                .filter(r -> r.arrivalSeconds() % 100 < 10 && r.arrivalSeconds() >= 90)
                .count();
        assertThat(inBurst).isGreaterThan(bursts.requests().size() / 2);
    }

    @Test
    void phased_alternatesPrefillHeavyAndDecodeHeavyEvery90Seconds() {
        Trace t = SyntheticTraces.generate("phased:duration=360", 5);
        assertThat(t.requests().size()).isBetween(360 * 8 * 9 / 10, 360 * 8 * 11 / 10);
        for (TraceRequest r : t.requests()) {
            boolean prefillHeavy = ((int) (r.arrivalSeconds() / 90)) % 2 == 0;
            if (prefillHeavy) {
                assertThat(r.inputTokens()).isBetween(6000, 18000);
                assertThat(r.outputTokens()).isBetween(100, 300);
            } else {
                assertThat(r.inputTokens()).isBetween(250, 750);
                assertThat(r.outputTokens()).isBetween(4000, 12000);
            }
        }
        Trace custom = SyntheticTraces.generate("phased:rate=2,period=30,isl=100,osl2=50,duration=60", 5);
        assertThat(custom.requests())
                .allSatisfy(r -> assertThat(r.arrivalSeconds() < 30 ? r.inputTokens() <= 150 : r.outputTokens() <= 75)
                        .isTrue());
        assertThat(SyntheticTraces.generate("phased:duration=100", 9).requests())
                .usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(SyntheticTraces.generate("phased:duration=100", 9).requests());
    }

    @Test
    void badSpecs_nameTheProblem() {
        assertThatThrownBy(() -> SyntheticTraces.generate("phased:period=0", 1))
                .hasMessageContaining("period")
                .hasMessageContaining("> 0");
        assertThatThrownBy(() -> SyntheticTraces.generate("phased:every=3", 1)).hasMessageContaining("isl2");
        assertThatThrownBy(() -> SyntheticTraces.generate("sawtooth", 1)).hasMessageContaining("phased");
        assertThatThrownBy(() -> SyntheticTraces.generate("sawtooth", 1)).hasMessageContaining("poisson");
        assertThatThrownBy(() -> SyntheticTraces.generate("poisson:rate=x", 1)).hasMessageContaining("rate");
        assertThatThrownBy(() -> SyntheticTraces.generate("poisson:period=3", 1))
                .hasMessageContaining("period=3");
        assertThat(SyntheticTraces.isSpec("poisson:rate=3")).isTrue();
        assertThat(SyntheticTraces.isSpec("traces/trace.csv")).isFalse();
    }
}
