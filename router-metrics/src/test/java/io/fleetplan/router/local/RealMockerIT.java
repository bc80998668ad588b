package io.fleetplan.router.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.Role;
import io.fleetplan.mocker.worker.MockerWorker;
import io.fleetplan.mocker.worker.WorkerSettings;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.core.WorkerView;
import io.fleetplan.router.frontend.FrontendConfig;
import io.fleetplan.router.frontend.FrontendServer;
import io.fleetplan.router.global.GlobalRouterConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The LocalRouter (and Frontend) against real mocker workers over loopback gRPC. */
class RealMockerIT {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private LocalRouter router(String pool) throws Exception {
        LocalRouter r = new LocalRouter(new LocalRouter.Options(
                        pool,
                        "rt-" + pool,
                        "127.0.0.1",
                        0,
                        0,
                        RouterConfig.builder().seed(11).build()))
                .start();
        closeables.add(r);
        return r;
    }

    private MockerWorker mocker(LocalRouter router, String id, Role role) throws Exception {
        return mocker(router, id, role, 20);
    }

    private MockerWorker mocker(LocalRouter router, String id, Role role, double speedup) throws Exception {
        EngineConfig engine = EngineConfig.builder()
                .modelName("mock-model")
                .blockSize(16)
                .numGpuBlocks(4000)
                .speedupRatio(speedup)
                .heartbeatIntervalMs(200)
                .role(role)
                .build();
        MockerWorker w = MockerWorker.start(
                WorkerSettings.loopback(engine).withWorkerId(id).withRouter("127.0.0.1:" + router.grpcPort()));
        closeables.add(w);
        return w;
    }

    private RouterGrpc.RouterBlockingStub client(LocalRouter router) {
        ManagedChannel ch = NettyChannelBuilder.forTarget("127.0.0.1:" + router.grpcPort())
                .usePlaintext()
                .build();
        closeables.add(ch::shutdownNow);
        return RouterGrpc.newBlockingStub(ch);
    }

    private static GenerateRequest prompt(String id, int family, int tokens, int maxTokens) {
        GenerateRequest.Builder b =
                GenerateRequest.newBuilder().setRequestId(id).setMaxTokens(maxTokens);
        for (int i = 0; i < tokens; i++) {
            b.addTokenIds(family * 10_000 + i);
        }
        return b.build();
    }

    private static GenerateResponse last(RouterGrpc.RouterBlockingStub stub, GenerateRequest r) {
        GenerateResponse last = null;
        for (var it = stub.generate(r); it.hasNext(); ) {
            last = it.next();
        }
        return last;
    }

    private static String scrape(LocalRouter router) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.metricsPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static int cached(LocalRouter router, String worker) {
        return router.workers().stream()
                .filter(v -> v.id().equals(worker))
                .mapToInt(WorkerView::cachedBlocks)
                .sum();
    }

    @Test
    void kvAwareChoiceFollowsThePrefixAndIdleWorkersAreVisible() throws Exception {
        LocalRouter router = router("pool-real");
        for (int i = 0; i < 3; i++) {
            mocker(router, "m" + i, Role.AGGREGATED);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> router.workers().size() == 3);
        RouterGrpc.RouterBlockingStub stub = client(router);
        for (int family = 1; family <= 3; family++) {
            String holder = last(stub, prompt("warm-" + family, family, 640, 2)).getWorkerId();
            int before = cached(router, holder);
            await().atMost(Duration.ofSeconds(5)).until(() -> cached(router, holder) >= Math.max(before, 40));
            GenerateRequest.Builder longer = prompt("hit-" + family, family, 640, 3).toBuilder();
            for (int i = 0; i < 48; i++) {
                longer.addTokenIds(900_000 + i);
            }
            GenerateResponse done = last(stub, longer.build());
            assertThat(done.getWorkerId()).as("family %d", family).isEqualTo(holder);
            assertThat(done.getUsage().getCachedTokens())
                    .as("engine reused the prefix")
                    .isGreaterThanOrEqualTo(600);
        }
        String metrics = scrape(router);
        for (int i = 0; i < 3; i++) {
            for (String g : List.of(
                    "fleetplan_router_worker_kv_usage",
                    "fleetplan_router_worker_waiting_requests",
                    "dynamo_frontend_worker_active_prefill_tokens",
                    "dynamo_frontend_worker_active_decode_blocks")) {
                assertThat(metrics).as(g).containsPattern(g + "\\{[^}]*worker_id=\"m" + i + "\"");
            }
        }
        assertThat(metrics).containsPattern("dynamo_component_router_kv_hit_rate_sum\\{[^}]*\\} [1-9]");
    }

    @Test
    void drainingWorkerIsSkippedAndADeadWorkerIsRetriedAround() throws Exception {
        LocalRouter router = router("pool-drain");
        // real-time engines: the long request below must outlast the checks while its worker drains
        MockerWorker a = mocker(router, "a", Role.AGGREGATED, 1);
        MockerWorker b = mocker(router, "b", Role.AGGREGATED, 1);
        MockerWorker c = mocker(router, "c", Role.AGGREGATED, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> router.workers().size() == 3);
        RouterGrpc.RouterBlockingStub stub = client(router);
        // a long request keeps a busy while it drains, so it stays registered but draining for a while
        Thread.ofVirtual().start(() -> {
            try {
                last(stub, prompt("long", 99, 64, 20_000));
            } catch (RuntimeException closedAtTeardown) {
                // the worker is closed when the test ends
            }
        });
        await().atMost(Duration.ofSeconds(15))
                .until(() -> router.workers().stream().anyMatch(v -> v.inFlight() > 0));
        String busy = router.workers().stream()
                .filter(v -> v.inFlight() > 0)
                .findFirst()
                .orElseThrow()
                .id();
        MockerWorker draining = Map.of("a", a, "b", b, "c", c).get(busy);
        draining.drain(Duration.ofSeconds(30), false);
        // the mocker reports draining until its in-flight work is done, then deregisters: either way it is skipped
        await().atMost(Duration.ofSeconds(15))
                .until(() -> router.workers().stream().noneMatch(v -> v.id().equals(busy) && !v.draining()));
        for (int i = 0; i < 6; i++) {
            assertThat(last(stub, prompt("d" + i, 200 + i, 64, 2)).getWorkerId())
                    .isNotEqualTo(busy);
        }
        // now kill (no deregistration) the KV-preferred worker of a prefix and send that prefix again
        String holder = last(stub, prompt("pin", 55, 640, 2)).getWorkerId();
        await().atMost(Duration.ofSeconds(5)).until(() -> cached(router, holder) >= 40);
        Map.of("a", a, "b", b, "c", c).get(holder).close();
        GenerateResponse after = last(stub, prompt("after-death", 55, 640, 3));
        assertThat(after.getWorkerId()).isNotEqualTo(holder);
        assertThat(after.getUsage().getCompletionTokens()).isEqualTo(3);
        assertThat(scrape(router)).containsPattern("fleetplan_router_retries_total\\{[^}]*\\} [1-9]");
    }

    @Test
    void frontendRunsTheDisaggregatedFlowOnRealPrefillAndDecodeWorkers() throws Exception {
        LocalRouter prefill = router("prefill-real");
        LocalRouter decode = router("decode-real");
        mocker(prefill, "p0", Role.PREFILL);
        mocker(decode, "d0", Role.DECODE);
        mocker(decode, "d1", Role.DECODE);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> prefill.workers().size() == 1 && decode.workers().size() == 2);
        GlobalRouterConfig gr = ConfigLoader.parse("""
                num_prefill_pools: 1
                num_decode_pools: 1
                prefill_pool_dynamo_namespaces: [prefill-real]
                decode_pool_dynamo_namespaces: [decode-real]
                prefill_pool_selection_strategy: {isl_min: 0, isl_max: 1000, isl_resolution: 1, ttft_min: 0,
                  ttft_max: 1000, ttft_resolution: 1, prefill_pool_mapping: [[0]]}
                decode_pool_selection_strategy: {context_length_min: 0, context_length_max: 1000,
                  context_length_resolution: 1, itl_min: 0, itl_max: 100, itl_resolution: 1, decode_pool_mapping: [[0]]}
                """, "gr.yaml", GlobalRouterConfig.class);
        FrontendServer fe = new FrontendServer(new FrontendConfig(
                        "mock-model",
                        "ns",
                        null,
                        0,
                        Map.of(
                                "prefill-real",
                                "127.0.0.1:" + prefill.grpcPort(),
                                "decode-real",
                                "127.0.0.1:" + decode.grpcPort()),
                        gr,
                        null,
                        null,
                        null,
                        50))
                .start();
        closeables.add(fe);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fe.port() + "/v1/chat/completions"))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\""
                                                + "tell me a story ".repeat(20) + "\"}],\"max_tokens\":6}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"completion_tokens\":6");
        assertThat(scrape(prefill)).containsPattern("dynamo_component_router_requests_total\\{[^}]*\\} 1.0");
        assertThat(scrape(decode)).containsPattern("dynamo_component_router_requests_total\\{[^}]*\\} 1.0");
    }
}
