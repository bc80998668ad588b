package io.fleetplan.router.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetplan.proto.v1.ActiveLoad;
import io.fleetplan.proto.v1.FinishedPrompt;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.ListWorkersRequest;
import io.fleetplan.proto.v1.PoolMetrics;
import io.fleetplan.proto.v1.PoolMetricsRequest;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.core.WorkerView;
import io.fleetplan.router.testing.FakeWorker;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalRouterIT {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private LocalRouter router;
    private RouterGrpc.RouterBlockingStub client;

    private void startRouter(RouterConfig config) throws Exception {
        router = new LocalRouter(new LocalRouter.Options("pool-a", "router-test", "127.0.0.1", 0, 0, config)).start();
        closeables.add(router);
        ManagedChannel ch = NettyChannelBuilder.forTarget("127.0.0.1:" + router.grpcPort())
                .usePlaintext()
                .build();
        closeables.add(ch::shutdownNow);
        client = RouterGrpc.newBlockingStub(ch);
    }

    private FakeWorker worker(String id) throws Exception {
        FakeWorker w = new FakeWorker(id, 2);
        closeables.add(w);
        w.registerWith("127.0.0.1:" + router.grpcPort());
        return w;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private static GenerateRequest request(String id, int promptTokens, int family, int maxTokens) {
        GenerateRequest.Builder b =
                GenerateRequest.newBuilder().setRequestId(id).setMaxTokens(maxTokens);
        for (int i = 0; i < promptTokens; i++) {
            b.addTokenIds(family * 100_000 + i);
        }
        return b.build();
    }

    private List<GenerateResponse> generate(GenerateRequest r) {
        List<GenerateResponse> out = new ArrayList<>();
        client.generate(r).forEachRemaining(out::add);
        return out;
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.metricsPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void kvAwareChoicePrefersTheWorkerHoldingThePrefix() throws Exception {
        startRouter(RouterConfig.builder().seed(1).build());
        for (int i = 0; i < 3; i++) {
            worker("w" + i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 3);
        for (int family = 1; family <= 4; family++) {
            List<GenerateResponse> first = generate(request("a" + family, 256, family, 4));
            String holder = first.getLast().getWorkerId();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> router.workers().stream()
                                    .filter(v -> v.id().equals(holder))
                                    .mapToInt(WorkerView::cachedBlocks)
                                    .sum()
                            >= 16);
            // same 256-token prefix plus a different tail: must land on the holder
            GenerateRequest.Builder longer = request("b" + family, 256, family, 4).toBuilder();
            IntStream.range(0, 40).forEach(i -> longer.addTokenIds(-1 - i));
            List<GenerateResponse> second = generate(longer.build());
            assertThat(second.getLast().getWorkerId()).as("family %d", family).isEqualTo(holder);
            assertThat(second).extracting(GenerateResponse::getTokenIdsCount).containsOnly(1);
        }
        String metrics = scrape();
        assertThat(metrics)
                .contains("dynamo_component_router_requests_total{dynamo_component=\"router\","
                        + "dynamo_namespace=\"pool_a\",router_id=\"router-test\"} 8.0");
        assertThat(metrics).contains("dynamo_component_router_kv_hit_rate_count{");
        assertThat(metrics).contains("dynamo_component_router_time_to_first_token_seconds_bucket{");
        assertThat(metrics)
                .contains("dynamo_component_router_output_sequence_tokens_sum{dynamo_component=\"router\","
                        + "dynamo_namespace=\"pool_a\",router_id=\"router-test\"} 32.0");
    }

    @Test
    void everyRegisteredWorkerHasLoadGaugesEvenWhenIdle() throws Exception {
        startRouter(RouterConfig.defaults());
        for (int i = 0; i < 3; i++) {
            worker("idle-" + i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 3);
        String metrics = scrape();
        for (String gauge : List.of(
                "dynamo_frontend_worker_active_prefill_tokens",
                "dynamo_frontend_worker_active_decode_blocks",
                "fleetplan_router_worker_kv_usage",
                "fleetplan_router_worker_waiting_requests")) {
            for (int i = 0; i < 3; i++) {
                assertThat(metrics)
                        .as(gauge)
                        .containsPattern(gauge + "\\{[^}]*worker_id=\"idle-" + i + "\"[^}]*\\} 0.0");
            }
        }
        assertThat(metrics).contains("dynamo_component_router_worker_registered{");
        assertThat(client.listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersCount())
                .isEqualTo(3);
    }

    @Test
    void aBusyRefusalCountsAsRouterQueueBackpressureAndNothingIsEverPending() throws Exception {
        startRouter(RouterConfig.builder().activePrefillTokensThreshold(100).build());
        FakeWorker w = worker("hot");
        await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 1);
        assertThat(scrape())
                .contains("dynamo_frontend_router_queue_backpressure_total{dynamo_namespace=\"pool_a\","
                        + "reason=\"all_workers_busy\",router_id=\"router-test\"} 0.0");
        w.publishLoad(ActiveLoad.newBuilder()
                .setWorkerId("hot")
                .setActivePrefillTokens(5000)
                .setKvTotalBlocks(1000)
                .build());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> router.workers().getFirst().engineLoad().activePrefillTokens() == 5000);
        assertThatThrownBy(() -> generate(request("refused", 64, 1, 2))).hasMessageContaining("RESOURCE_EXHAUSTED");
        String metrics = scrape();
        assertThat(metrics)
                .contains("dynamo_frontend_router_queue_backpressure_total{dynamo_namespace=\"pool_a\","
                        + "reason=\"all_workers_busy\",router_id=\"router-test\"} 1.0");
        for (String pending : List.of("requests", "isl_tokens", "cached_tokens")) {
            assertThat(metrics)
                    .containsPattern("dynamo_frontend_router_queue_pending_" + pending
                            + "\\{dynamo_namespace=\"pool_a\",router_id=\"router-test\",worker_type=\"[a-z]+\"\\} 0.0");
        }
    }

    @Test
    void drainingWorkersGetNoNewRequests() throws Exception {
        startRouter(RouterConfig.builder().mode("round-robin").build());
        FakeWorker a = worker("a");
        worker("b");
        await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 2);
        a.setDraining(true);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> router.workers().stream().anyMatch(v -> v.id().equals("a") && v.draining()));
        int before = a.received.size();
        for (int i = 0; i < 6; i++) {
            assertThat(generate(request("d" + i, 32, i, 2)).getLast().getWorkerId())
                    .isEqualTo("b");
        }
        assertThat(a.received).hasSize(before);
        assertThat(scrape()).containsPattern("fleetplan_router_worker_draining\\{[^}]*worker_id=\"a\"[^}]*\\} 1.0");
    }

    @Test
    void retriesOnAnotherWorkerWhenTheChosenOneDiesBeforeTheFirstToken() throws Exception {
        startRouter(RouterConfig.builder().seed(3).build());
        FakeWorker doomed = worker("doomed");
        FakeWorker healthy = worker("healthy");
        await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 2);
        // make the doomed worker the KV-preferred one, then kill it
        GenerateRequest warm = request("warm", 512, 7, 2);
        String first =
                generate(GenerateRequest.newBuilder(warm).build()).getLast().getWorkerId();
        FakeWorker holder = first.equals("doomed") ? doomed : healthy;
        FakeWorker other = holder == doomed ? healthy : doomed;
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        router.workers().stream().anyMatch(v -> v.id().equals(holder.id()) && v.cachedBlocks() >= 32));
        holder.kill();
        List<GenerateResponse> out = generate(request("after-death", 512, 7, 5));
        assertThat(out.getLast().getWorkerId()).isEqualTo(other.id());
        assertThat(out.stream().mapToInt(GenerateResponse::getTokenIdsCount).sum())
                .isEqualTo(5);
        assertThat(scrape())
                .contains("fleetplan_router_retries_total{dynamo_component=\"router\","
                        + "dynamo_namespace=\"pool_a\",router_id=\"router-test\"} 1.0");
        // an engine error (not a dead process) is retried as well
        other.failBeforeTokens(true);
        assertThatThrownBy(() -> generate(request("no-one-left", 64, 8, 2)))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("UNAVAILABLE");
    }

    @Test
    void silentWorkersAreRemovedAndPoolMetricsStreamCoversAllWorkers() throws Exception {
        startRouter(RouterConfig.builder().heartbeatTimeoutMs(400).build());
        FakeWorker stays = worker("stays");
        FakeWorker dies = worker("dies");
        await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 2);
        for (int i = 0; i < 4; i++) {
            generate(request("m" + i, 100, i, 3));
        }
        Iterator<PoolMetrics> stream = client.streamPoolMetrics(
                PoolMetricsRequest.newBuilder().setIntervalMs(100).build());
        PoolMetrics m = stream.next();
        assertThat(m.getWorkersCount()).isEqualTo(2);
        assertThat(m.getRequestsTotal()).isEqualTo(4);
        assertThat(m.getPool()).isEqualTo("pool-a");
        dies.kill();
        await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 1);
        assertThat(router.workers().getFirst().id()).isEqualTo(stays.id());
        assertThat(scrape()).doesNotContain("worker_id=\"dies\"");
    }

    @Test
    void thePoolMetricsStreamCarriesFinishedPromptsOneByOne() throws Exception {
        startRouter(RouterConfig.defaults());
        worker("w");
        await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 1);
        Iterator<PoolMetrics> stream = client.streamPoolMetrics(
                PoolMetricsRequest.newBuilder().setIntervalMs(100).build());
        stream.next(); // the stream is open: what finishes from now on comes in its messages
        generate(request("a", 300, 1, 3));
        generate(request("b", 700, 2, 3));
        List<FinishedPrompt> prompts = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (prompts.size() < 2 && System.nanoTime() < deadline) {
            PoolMetrics m = stream.next();
            prompts.addAll(m.getFinishedPromptsList());
            assertThat(m.getOldestWaitingMs()).as("nothing waits").isZero();
        }
        assertThat(prompts)
                .as("each once, with the prompt tokens its engine computed (no cache hit for new families)")
                .extracting(FinishedPrompt::getNewTokens)
                .containsExactly(300, 700);
        assertThat(prompts).allSatisfy(p -> assertThat(p.getTtftMs()).isPositive());
    }

    @Test
    void badRequestsAreRejectedWithAClearStatus() throws Exception {
        startRouter(RouterConfig.defaults());
        assertThatThrownBy(() -> generate(request("x", 10, 1, 0)))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("INVALID_ARGUMENT")
                .hasMessageContaining("max_tokens");
        assertThatThrownBy(() -> generate(request("y", 10, 1, 3)))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("UNAVAILABLE")
                .hasMessageContaining("no ready worker");
    }
}
