package io.fleetplan.bench.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.sim.trace.Trace;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class SweepTest {

    @Test
    void aSyntheticSpecIsGeneratedWithTheSeedAndScaled() {
        String spec = "poisson:rate=5,duration=100";
        Trace once = Sweep.trace(spec, 1.0, 1);
        Trace again = Sweep.trace(spec, 1.0, 1);
        Trace doubled = Sweep.trace(spec, 2.0, 1);

        assertThat(once.requests()).isNotEmpty().isEqualTo(again.requests());
        assertThat(doubled.requests()).hasSameSizeAs(once.requests());
        assertThat(doubled.durationSeconds()).isLessThan(once.durationSeconds() * 0.6);
        assertThat(Sweep.trace(spec, 1.0, 7).requests()).isNotEqualTo(once.requests());
    }

    @Test
    void aMissingFileThatIsNoSpecIsAnError() {
        assertThatThrownBy(() -> Sweep.trace("no-such-trace.csv", 1.0, 1)).isInstanceOf(UncheckedIOException.class);
    }
}
