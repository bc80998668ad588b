package io.fleetplan.pool.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetplan.pool.core.TrafficSample;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server scrapes an endpoint exporting the router's {@code dynamo_component_router_*} metrics
 * (exact names and labels); the planner's router-source PromQL must read back the numbers exported.
 */
class PrometheusSourceIT {

    @TempDir
    Path dir;

    @Test
    void routerPromQlReadsWhatTheRouterExported() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter requests = Counter.builder()
                .name("dynamo_component_router_requests")
                .help("requests")
                .labelNames("dynamo_namespace", "dynamo_component", "router_id")
                .register(registry);
        Histogram ttft = histogram(registry, "dynamo_component_router_time_to_first_token_seconds");
        Histogram itl = histogram(registry, "dynamo_component_router_inter_token_latency_seconds");
        Histogram isl = histogram(registry, "dynamo_component_router_input_sequence_tokens");
        Histogram osl = histogram(registry, "dynamo_component_router_output_sequence_tokens");
        String[] labels = {"pool_a", "router", "r1"};
        requests.labelValues(labels).inc(0);
        for (Histogram h : new Histogram[] {ttft, itl, isl, osl}) {
            h.labelValues(labels);
        }
        try (HTTPServer exporter = HTTPServer.builder()
                .hostname("127.0.0.1")
                .port(0)
                .registry(registry)
                .buildAndStart()) {
            try (LocalPrometheus prometheus = LocalPrometheus.scraping(exporter.getPort(), dir)) {
                PrometheusClient client = prometheus.client();
                prometheus.awaitScraped("dynamo_component_router_requests_total");
                for (int i = 0; i < 10; i++) {
                    requests.labelValues(labels).inc();
                    ttft.labelValues(labels).observe(0.2 + 0.01 * i);
                    itl.labelValues(labels).observe(0.02);
                    isl.labelValues(labels).observe(1000 + 100 * i);
                    osl.labelValues(labels).observe(100);
                }
                PrometheusSource source = new PrometheusSource(client, "router", "pool-a", "", null);
                Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            TrafficSample t = source.traffic(Instant.now(), 60);
                            return t != null && t.numRequests() > 0 && Double.isFinite(t.ttftMs());
                        });
                Thread.sleep(2000);
                TrafficSample t = source.traffic(Instant.now(), 60);
                System.out.println("router PromQL read back: " + t);
                assertThat(t.ttftMs()).isCloseTo(1000 * (0.2 + 0.045), within(1e-6));
                assertThat(t.itlMs()).isCloseTo(20.0, within(1e-6));
                assertThat(t.isl()).isCloseTo(1450.0, within(1e-6));
                assertThat(t.osl()).isCloseTo(100.0, within(1e-6));
                // increase() extrapolates to the window edges: at least the 10 exported, not wildly more
                assertThat(t.numRequests()).isBetween(10.0, 30.0);
                assertThat(new PrometheusSource(client, "router", "other-pool", "", null)
                                .traffic(Instant.now(), 60)
                                .numRequests())
                        .as("another namespace matches nothing")
                        .isNaN();
            }
        }
    }

    private static Histogram histogram(PrometheusRegistry registry, String name) {
        return Histogram.builder()
                .name(name)
                .help(name)
                .classicUpperBounds(0.01, 0.1, 1, 10, 100, 1000, 10000)
                .labelNames("dynamo_namespace", "dynamo_component", "router_id")
                .register(registry);
    }
}
