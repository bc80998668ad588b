package io.fleetplan.cli.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadStatsTest {

    private static Outcome ok(long ttftMs, long... itlMs) {
        long[] gaps = new long[itlMs.length];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = itlMs[i] * 1_000_000;
        }
        return new Outcome(true, null, ttftMs * 1_000_000, ttftMs * 2_000_000, 1, gaps, 0);
    }

    @Test
    void nearestRankQuantilesWithinAThousandth() {
        LoadStats s = new LoadStats(5);
        for (long ms : new long[] {5, 1, 4, 2, 3}) {
            s.record(ok(ms));
        }
        Map<String, Object> f = s.figures(1);
        assertThat((Double) f.get("ttft_p50_ms")).isCloseTo(3.0, withinPercentage(0.1));
        assertThat((Double) f.get("ttft_p99_ms")).isCloseTo(5.0, withinPercentage(0.1));
        assertThat((Double) f.get("e2e_p90_ms")).isCloseTo(10.0, withinPercentage(0.1));
    }

    @Test
    void aMillionGapsKeepConstantMemoryAndTheirQuantiles() {
        LoadStats s = new LoadStats(1000);
        for (int r = 0; r < 1000; r++) {
            long[] gaps = new long[1000];
            for (int i = 0; i < gaps.length; i++) {
                gaps[i] = (i + 1) * 1_000_000L; // 1..1000 ms
            }
            s.record(new Outcome(true, null, 1_000_000, 2_000_000, 1000, gaps, 0));
        }
        Map<String, Object> f = s.figures(10);
        assertThat((Double) f.get("itl_p50_ms")).isCloseTo(500.0, withinPercentage(0.1));
        assertThat((Double) f.get("itl_p99_ms")).isCloseTo(990.0, withinPercentage(0.1));
    }

    @Test
    void figuresCountErrorsAndLatencies() {
        LoadStats s = new LoadStats(3);
        s.sent();
        s.sent();
        s.sent();
        s.record(new Outcome(true, null, 100_000_000, 500_000_000, 10, new long[] {10_000_000, 30_000_000}, 0));
        s.record(new Outcome(true, null, 300_000_000, 700_000_000, 10, new long[] {20_000_000}, 2_000_000));
        s.record(Outcome.failed("HTTP 503: no pool", -1, 1_000_000, 0));
        Map<String, Object> f = s.figures(2.0);
        assertThat(f)
                .containsEntry("ok", 2L)
                .containsEntry("errors", 1L)
                .containsEntry("max_send_lag_ms", 2.0)
                .containsEntry("output_tokens_per_s", 10.0);
        assertThat((Double) f.get("ttft_p50_ms")).isCloseTo(100.0, withinPercentage(0.1));
        assertThat((Double) f.get("ttft_p99_ms")).isCloseTo(300.0, withinPercentage(0.1));
        assertThat((Double) f.get("itl_p50_ms")).isCloseTo(20.0, withinPercentage(0.1));
        assertThat(s.errors()).containsEntry("HTTP 503: no pool", 1L);
        assertThat(s.table(2.0)).contains("TTFT").contains("error x1: HTTP 503: no pool");
        assertThat(new LoadStats(0).figures(0)).containsEntry("ttft_p50_ms", null);
    }
}
