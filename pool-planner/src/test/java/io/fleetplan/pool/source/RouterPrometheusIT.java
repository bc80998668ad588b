package io.fleetplan.pool.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.proto.v1.GenerateRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: real mocker workers behind a real LocalRouter, a real Prometheus scraping the router; the planner's
 * router-source PromQL reads the same numbers the router exported on its /metrics page.
 */
class RouterPrometheusIT {

    @TempDir
    Path dir;

    @Test
    void plannerReadsWhatTheRouterExported() throws Exception {
        try (RouterFixture f = new RouterFixture("pool-a");
                LocalPrometheus prometheus = LocalPrometheus.scraping(f.router.metricsPort(), dir)) {
            prometheus.awaitScraped("dynamo_component_router_requests_total");
            f.send(
                    20,
                    i -> GenerateRequest.newBuilder()
                            .setRequestId("req-" + i)
                            .setPromptTokens(500 + 100 * i)
                            .setMaxTokens(20 + i)
                            .build());
            String page = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + f.router.metricsPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            double ttft = 1000
                    * value(page, "dynamo_component_router_time_to_first_token_seconds_sum")
                    / value(page, "dynamo_component_router_time_to_first_token_seconds_count");
            double itl = 1000
                    * value(page, "dynamo_component_router_inter_token_latency_seconds_sum")
                    / value(page, "dynamo_component_router_inter_token_latency_seconds_count");
            double isl = value(page, "dynamo_component_router_input_sequence_tokens_sum")
                    / value(page, "dynamo_component_router_input_sequence_tokens_count");
            double osl = value(page, "dynamo_component_router_output_sequence_tokens_sum")
                    / value(page, "dynamo_component_router_output_sequence_tokens_count");
            PrometheusSource source = new PrometheusSource(prometheus.client(), "router", "pool-a", "", null);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        TrafficSample t = source.traffic(Instant.now(), 120);
                        return t != null && Double.isFinite(t.isl()) && Math.abs(t.isl() - isl) < 1e-6;
                    });
            TrafficSample t = source.traffic(Instant.now(), 120);
            System.out.printf(
                    "router /metrics: ttft %.3f ms, itl %.3f ms, isl %.1f, osl %.1f; planner via PromQL: %s%n",
                    ttft, itl, isl, osl, t);
            assertThat(isl).isCloseTo(500 + 100 * 9.5, within(1e-6));
            assertThat(t.ttftMs()).isCloseTo(ttft, within(1e-6 * ttft));
            assertThat(t.itlMs()).isCloseTo(itl, within(1e-6 * itl));
            assertThat(t.osl()).isCloseTo(osl, within(1e-9));
            assertThat(t.numRequests()).isBetween(20.0, 60.0); // increase() extrapolates to the window edges
        }
    }

    /** Sum of a metric's samples on a Prometheus text page (all label sets). */
    private static double value(String page, String name) {
        double total = 0;
        for (String line : page.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String rest = line.indexOf('}') >= 0
                        ? line.substring(line.lastIndexOf('}') + 1)
                        : line.substring(name.length());
                total += Double.parseDouble(rest.trim().split("\\s+")[0]);
            }
        }
        return total;
    }
}
