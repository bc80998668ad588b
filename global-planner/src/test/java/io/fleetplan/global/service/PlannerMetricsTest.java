package io.fleetplan.global.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlannerMetricsTest {

    @Test
    void requestAndDecisionSeriesExistAtZeroBeforeTheFirstScaleRequest() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create()
                .write(out, new PlannerMetrics().registry().scrape());
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        "global_scale_request_total{reason=\"success\",result=\"success\"} 0.0",
                        "global_scale_request_total{reason=\"budget_exceeded\",result=\"rejected\"} 0.0",
                        "global_scale_request_latency_seconds_count{result=\"success\"} 0",
                        "fleetplan_global_planner_decisions_total{kind=\"proposal\",reason=\"WITHIN_BUDGET\",status=\"GRANTED\"} 0.0");
    }
}
