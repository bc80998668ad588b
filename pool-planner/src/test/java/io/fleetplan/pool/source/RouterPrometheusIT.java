package io.fleetplan.pool.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.worker.MockerWorker;
import io.fleetplan.mocker.worker.WorkerSettings;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.local.LocalRouter;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
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
        File binary = new File("/usr/bin/prometheus");
        if (!binary.canExecute()) {
            System.out.println("SKIPPED: no prometheus binary (apt-get install -y prometheus)");
            Assumptions.abort("prometheus binary absent");
        }
        EngineConfig engine = EngineConfig.builder().speedupRatio(10).build();
        try (LocalRouter router = new LocalRouter(new LocalRouter.Options("pool-a", "r1", "127.0.0.1", 0, 0,
                RouterConfig.defaults())).start();
             MockerWorker w1 = MockerWorker.start(WorkerSettings.loopback(engine).withWorkerId("w1")
                     .withRouter("127.0.0.1:" + router.grpcPort()));
             MockerWorker w2 = MockerWorker.start(WorkerSettings.loopback(engine).withWorkerId("w2")
                     .withRouter("127.0.0.1:" + router.grpcPort()))) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> router.workers().size() == 2);
            int port = freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: router
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(router.metricsPort()));
            Process prom = new ProcessBuilder(binary.getPath(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            ManagedChannel channel = ManagedChannelBuilder.forTarget("127.0.0.1:" + router.grpcPort()).usePlaintext().build();
            try {
                PrometheusClient client = new PrometheusClient("http://127.0.0.1:" + port, Duration.ofSeconds(2));
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                        .until(() -> !client.query("dynamo_component_router_requests_total").isEmpty());
                Thread.sleep(2500);
                RouterGrpc.RouterBlockingStub stub = RouterGrpc.newBlockingStub(channel);
                for (int i = 0; i < 20; i++) {
                    stub.withDeadlineAfter(30, TimeUnit.SECONDS).generate(GenerateRequest.newBuilder()
                            .setRequestId("req-" + i).setPromptTokens(500 + 100 * i).setMaxTokens(20 + i).build())
                            .forEachRemaining(r -> { });
                }
                String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + router.metricsPort() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                double ttft = 1000 * value(page, "dynamo_component_router_time_to_first_token_seconds_sum")
                        / value(page, "dynamo_component_router_time_to_first_token_seconds_count");
                double itl = 1000 * value(page, "dynamo_component_router_inter_token_latency_seconds_sum")
                        / value(page, "dynamo_component_router_inter_token_latency_seconds_count");
                double isl = value(page, "dynamo_component_router_input_sequence_tokens_sum")
                        / value(page, "dynamo_component_router_input_sequence_tokens_count");
                double osl = value(page, "dynamo_component_router_output_sequence_tokens_sum")
                        / value(page, "dynamo_component_router_output_sequence_tokens_count");
                PrometheusSource source = new PrometheusSource(client, "router", "pool-a", "", null);
                Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    TrafficSample t = source.traffic(Instant.now(), 120);
                    return t != null && Double.isFinite(t.isl()) && Math.abs(t.isl() - isl) < 1e-6;
                });
                TrafficSample t = source.traffic(Instant.now(), 120);
                System.out.printf("router /metrics: ttft %.3f ms, itl %.3f ms, isl %.1f, osl %.1f; planner via PromQL: %s%n",
                        ttft, itl, isl, osl, t);
                assertThat(isl).isCloseTo(500 + 100 * 9.5, within(1e-6));
                assertThat(t.ttftMs()).isCloseTo(ttft, within(1e-6 * ttft));
                assertThat(t.itlMs()).isCloseTo(itl, within(1e-6 * itl));
                assertThat(t.osl()).isCloseTo(osl, within(1e-9));
                assertThat(t.numRequests()).isBetween(20.0, 60.0); // increase() extrapolates to the window edges
            } finally {
                channel.shutdownNow();
                prom.destroy();
                if (!prom.waitFor(10, TimeUnit.SECONDS)) {
                    prom.destroyForcibly();
                }
            }
        }
    }

    /** Sum of a metric's samples on a Prometheus text page (all label sets). */
    private static double value(String page, String name) {
        double total = 0;
        for (String line : page.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String rest = line.indexOf('}') >= 0 ? line.substring(line.lastIndexOf('}') + 1) : line.substring(name.length());
                total += Double.parseDouble(rest.trim().split("\\s+")[0]);
            }
        }
        return total;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
