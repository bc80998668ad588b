package io.fleetplan.pool.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.proto.v1.GenerateRequest;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The Prometheus-free inputs against a real LocalRouter with two mocker workers: the gRPC stream and the scrape. */
class RouterDirectSourcesIT {

    @Test
    void streamAndScrapeSeeEveryWorkerAndTheTraffic() throws Exception {
        try (RouterFixture f = new RouterFixture("pool-b");
                RouterStreamSource stream = RouterStreams.connect(f.address(), 200, 64)) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stream.engines(Instant.now()) != null);
            assertThat(stream.traffic(Instant.now(), 60))
                    .as("first read opens the window")
                    .isNull();
            f.send(
                    12,
                    i -> GenerateRequest.newBuilder()
                            .setRequestId("s-" + i)
                            .setPromptTokens(800)
                            .setMaxTokens(16)
                            .build());
            Thread.sleep(600); // a few stream messages after the last request
            TrafficSample t = stream.traffic(Instant.now(), 60);
            System.out.println("router stream: " + t + ", FPMs received: "
                    + stream.drainFpms().size());
            assertThat(t.numRequests()).isEqualTo(12);
            assertThat(t.isl()).isEqualTo(800);
            assertThat(t.ttftMs()).isPositive();
            EngineSnapshot viaStream = stream.engines(Instant.now());
            assertThat(viaStream.prefill().size() + viaStream.decode().size()).isEqualTo(2);

            MetricsScrapeSource scrape = new MetricsScrapeSource(
                    "http://127.0.0.1:" + f.router.metricsPort() + "/metrics",
                    "",
                    Duration.ofSeconds(2),
                    64,
                    EngineLimits.UNKNOWN);
            EngineSnapshot viaScrape = scrape.engines(Instant.now());
            System.out.println("router scrape: " + viaScrape);
            assertThat(viaScrape.prefill().size() + viaScrape.decode().size())
                    .as("idle workers are listed too")
                    .isEqualTo(2);
        }
    }
}
