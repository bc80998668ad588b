package io.fleetplan.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadStatsTest {

    @Test
    void nearestRankQuantiles() {
        double[] v = {5, 1, 4, 2, 3, 0, 0};
        assertThat(LoadStats.quantile(v, 5, 0.5)).isEqualTo(3);
        assertThat(LoadStats.quantile(v, 5, 0.99)).isEqualTo(5);
        assertThat(LoadStats.quantile(v, 0, 0.5)).isNaN();
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
        assertThat(f).containsEntry("ok", 2L).containsEntry("errors", 1L).containsEntry("ttft_p50_ms", 100.0)
                .containsEntry("ttft_p99_ms", 300.0).containsEntry("itl_p50_ms", 20.0).containsEntry("max_send_lag_ms", 2.0)
                .containsEntry("output_tokens_per_s", 10.0);
        assertThat(s.errors()).containsEntry("HTTP 503: no pool", 1L);
        assertThat(s.table(2.0)).contains("TTFT").contains("error x1: HTTP 503: no pool");
        assertThat(new LoadStats(0).figures(0)).containsEntry("ttft_p50_ms", null);
    }
}
