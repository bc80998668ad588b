package io.fleetplan.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class SyntheticTracesTest {

    @Test
    void sameSeed_sameTrace_otherSeed_otherTrace() {
        Trace a = SyntheticTraces.generate("diurnal:rate=4,duration=300", 7);
        Trace b = SyntheticTraces.generate("diurnal:rate=4,duration=300", 7);
        Trace c = SyntheticTraces.generate("diurnal:rate=4,duration=300", 8);
        assertThat(a.requests()).usingRecursiveFieldByFieldElementComparator().isEqualTo(b.requests());
        assertThat(a.requests().get(0).arrivalNanos()).isNotEqualTo(c.requests().get(0).arrivalNanos());
    }

    @RepeatedTest(5)
    void poissonCount_isNearRateTimesDuration(org.junit.jupiter.api.RepetitionInfo info) {
        long seed = 1000 + info.getCurrentRepetition();
        Trace t = SyntheticTraces.generate("poisson:rate=10,duration=400", seed);
        assertThat(t.requests().size()).as("seed %d", seed).isBetween(3700, 4300);
        for (int i = 1; i < t.requests().size(); i++) {
            assertThat(t.requests().get(i).arrivalNanos()).as("seed %d", seed)
                    .isGreaterThanOrEqualTo(t.requests().get(i - 1).arrivalNanos());
        }
    }

    @Test
    void step_andBursts_changeTheRate() {
        Trace step = SyntheticTraces.generate("step:rate=2,rate2=20,at=100,duration=200", 3);
        long before = step.requests().stream().filter(r -> r.arrivalSeconds() < 100).count();
        long after = step.requests().size() - before;
        assertThat(after).isGreaterThan(5 * before);
        Trace bursts = SyntheticTraces.generate("bursts:rate=1,burst_rate=30,burst_seconds=10,every=100,duration=200", 3);
        long inBurst = bursts.requests().stream().filter(r -> r.arrivalSeconds() % 100 < 10 && r.arrivalSeconds() >= 90).count();
        assertThat(inBurst).isGreaterThan(bursts.requests().size() / 2);
    }

    @Test
    void badSpecs_nameTheProblem() {
        assertThatThrownBy(() -> SyntheticTraces.generate("sawtooth", 1)).hasMessageContaining("poisson");
        assertThatThrownBy(() -> SyntheticTraces.generate("poisson:rate=x", 1)).hasMessageContaining("rate");
        assertThatThrownBy(() -> SyntheticTraces.generate("poisson:period=3", 1)).hasMessageContaining("period=3");
        assertThat(SyntheticTraces.isSpec("poisson:rate=3")).isTrue();
        assertThat(SyntheticTraces.isSpec("/tmp/trace.csv")).isFalse();
    }
}
