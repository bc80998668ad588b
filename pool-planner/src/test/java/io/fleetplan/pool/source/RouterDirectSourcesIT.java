package io.fleetplan.pool.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.worker.MockerWorker;
import io.fleetplan.mocker.worker.WorkerSettings;
import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.local.LocalRouter;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The Prometheus-free inputs against a real LocalRouter with two mocker workers: the gRPC stream and the scrape. */
class RouterDirectSourcesIT {

    @Test
    void streamAndScrapeSeeEveryWorkerAndTheTraffic() throws Exception {
        EngineConfig engine = EngineConfig.builder().speedupRatio(10).build();
        try (LocalRouter router = new LocalRouter(new LocalRouter.Options("pool-b", "r1", "127.0.0.1", 0, 0,
                RouterConfig.defaults())).start();
             MockerWorker w1 = MockerWorker.start(WorkerSettings.loopback(engine).withWorkerId("w1")
                     .withRouter("127.0.0.1:" + router.grpcPort()));
             MockerWorker w2 = MockerWorker.start(WorkerSettings.loopback(engine).withWorkerId("w2")
                     .withRouter("127.0.0.1:" + router.grpcPort()));
             RouterStreamSource stream = RouterStreams.connect("127.0.0.1:" + router.grpcPort(), 200, 64)) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> router.workers().size() == 2);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stream.engines(Instant.now()) != null);
            assertThat(stream.traffic(Instant.now(), 60)).as("first read opens the window").isNull();
            ManagedChannel channel = ManagedChannelBuilder.forTarget("127.0.0.1:" + router.grpcPort()).usePlaintext().build();
            try {
                RouterGrpc.RouterBlockingStub stub = RouterGrpc.newBlockingStub(channel);
                for (int i = 0; i < 12; i++) {
                    stub.withDeadlineAfter(30, TimeUnit.SECONDS).generate(GenerateRequest.newBuilder().setRequestId("s-" + i)
                            .setPromptTokens(800).setMaxTokens(16).build()).forEachRemaining(r -> { });
                }
            } finally {
                channel.shutdownNow();
            }
            Thread.sleep(600); // a few stream messages after the last request
            TrafficSample t = stream.traffic(Instant.now(), 60);
            System.out.println("router stream: " + t + ", FPMs received: " + stream.drainFpms().size());
            assertThat(t.numRequests()).isEqualTo(12);
            assertThat(t.isl()).isEqualTo(800);
            assertThat(t.ttftMs()).isPositive();
            EngineSnapshot viaStream = stream.engines(Instant.now());
            assertThat(viaStream.prefill().size() + viaStream.decode().size()).isEqualTo(2);

            MetricsScrapeSource scrape = new MetricsScrapeSource("http://127.0.0.1:" + router.metricsPort() + "/metrics",
                    Duration.ofSeconds(2), 64, EngineLimits.UNKNOWN);
            EngineSnapshot viaScrape = scrape.engines(Instant.now());
            System.out.println("router scrape: " + viaScrape);
            assertThat(viaScrape.prefill().size() + viaScrape.decode().size()).as("idle workers are listed too").isEqualTo(2);
        }
    }
}
