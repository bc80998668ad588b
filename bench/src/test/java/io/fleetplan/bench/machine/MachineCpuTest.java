package io.fleetplan.bench.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MachineCpuTest {

    @Test
    void busyAndStealComeFromTheFirstCpuLine() {
        MachineCpu before = MachineCpu.parse("cpu  325414 111 79965 856360 1008 0 31002 7367 0 0");
        MachineCpu after = MachineCpu.parse("cpu  330763 111 82044 862667 1009 0 32446 7639 0 0");

        assertThat(before).isEqualTo(new MachineCpu(325414 + 111 + 79965 + 31002, 7367));
        // 8,872 busy ticks of 10 ms in 50 s = 1.77 cores; 272 stolen ticks = 54.4 ms per second
        assertThat(after.busyCoresSince(before, 50)).isCloseTo(1.7744, Offset.offset(1e-9));
        assertThat(after.stealMsPerSecondSince(before, 50)).isCloseTo(54.4, Offset.offset(1e-9));
    }

    @Test
    void otherTextIsUnknownAndSaysSo() {
        assertThat(MachineCpu.parse("intr 1 2 3 4 5 6 7 8 9")).isEqualTo(MachineCpu.UNKNOWN);
        assertThat(MachineCpu.parse("cpu 1 2 3")).isEqualTo(MachineCpu.UNKNOWN);
        assertThat(MachineCpu.parse("cpu a b c d e f g h")).isEqualTo(MachineCpu.UNKNOWN);
        assertThat(MachineCpu.UNKNOWN.stealMsPerSecondSince(MachineCpu.parse("cpu 1 1 1 1 1 1 1 1"), 1))
                .isEqualTo(-1);
        assertThat(MachineCpu.snapshot().known()).isEqualTo(Files.exists(Path.of("/proc/stat")));
    }
}
