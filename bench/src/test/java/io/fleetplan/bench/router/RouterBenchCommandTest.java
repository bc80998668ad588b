package io.fleetplan.bench.router;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RouterBenchCommandTest {

    @Test
    void aValueBelowItsMinimumIsNamedWithTheMinimumAndWhatWasGiven() {
        assertThat(RouterBenchCommand.firstBelowMinimum(
                        new Object[][] {{"--streams", 0, 0}, {"--hop-warmup-s", -1, 0}}))
                .isEqualTo("--hop-warmup-s must be >= 0 (got -1)");
        assertThat(RouterBenchCommand.firstBelowMinimum(new Object[][] {{"--workers", 1, 1}, {"--itl-ms", 5L, 1}}))
                .isNull();
    }

    @Test
    void theCommandRefusesBadCountsWithExitCode2BeforeRunningAnything() {
        int code = new CommandLine(new RouterBenchCommand()).execute("--max-tokens", "0");
        assertThat(code).isEqualTo(2);
    }
}
