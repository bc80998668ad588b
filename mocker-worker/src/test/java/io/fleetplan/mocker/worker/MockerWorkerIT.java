package io.fleetplan.mocker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.proto.v1.DrainRequest;
import io.fleetplan.proto.v1.DrainResponse;
import io.fleetplan.proto.v1.FinishReason;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.GetInfoRequest;
import io.fleetplan.proto.v1.StreamEventsRequest;
import io.fleetplan.proto.v1.WorkerEvent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockerWorkerIT {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private MockerWorker start(EngineConfig config) throws Exception {
        MockerWorker w = MockerWorker.start(WorkerSettings.loopback(config));
        closeables.add(w);
        return w;
    }

    private WorkerClient client(MockerWorker w) {
        WorkerClient c = new WorkerClient(w.grpcPort());
        closeables.add(c);
        return c;
    }

    @Test
    void generateStreamsEveryTokenThenAFinalMessageWithUsage() throws Exception {
        MockerWorker w = start(EngineConfig.builder().speedupRatio(10).build());
        List<GenerateResponse> got =
                client(w).generate(WorkerClient.request("r1", 300, 20)).get(10, TimeUnit.SECONDS);
        assertThat(got).hasSize(20);
        assertThat(got)
                .extracting(GenerateResponse::getIndex)
                .containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
        assertThat(got).allSatisfy(r -> {
            assertThat(r.getTokenIdsCount()).isEqualTo(1);
            assertThat(r.getTokenIds(0)).isBetween(1000, 1999);
            assertThat(r.getWorkerId()).isEqualTo(w.workerId());
        });
        assertThat(got).extracting(GenerateResponse::getEngineTimeMs).isSorted();
        GenerateResponse last = got.get(19);
        assertThat(last.getFinished()).isTrue();
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(last.getUsage().getPromptTokens()).isEqualTo(300);
        assertThat(last.getUsage().getCompletionTokens()).isEqualTo(20);
        assertThat(got.subList(0, 19)).noneMatch(GenerateResponse::getFinished);
    }

    @Test
    void badRequestsGetClearErrorsAndDoNotDisturbOthers() throws Exception {
        MockerWorker w = start(EngineConfig.builder()
                .speedupRatio(10)
                .numGpuBlocks(100)
                .blockSize(16)
                .modelName("m1")
                .build());
        WorkerClient c = client(w);
        WorkerClient.Call good = c.generate(WorkerClient.request("good", 100, 30));
        assertError(c, WorkerClient.request("zero", 100, 0), Status.Code.INVALID_ARGUMENT, "max_tokens");
        assertError(c, WorkerClient.request("noprompt", 0, 5), Status.Code.INVALID_ARGUMENT, "prompt_tokens");
        assertError(c, WorkerClient.request("huge", 100_000, 5), Status.Code.INVALID_ARGUMENT, "KV blocks");
        assertError(
                c,
                GenerateRequest.newBuilder(WorkerClient.request("other", 10, 5))
                        .setModel("llama")
                        .build(),
                Status.Code.NOT_FOUND,
                "model 'llama'");
        List<GenerateResponse> ok = good.get(10, TimeUnit.SECONDS);
        assertThat(ok).hasSize(30);
        assertThat(ok.get(29).getFinished()).isTrue();
    }

    private static void assertError(WorkerClient c, GenerateRequest r, Status.Code code, String text) {
        assertThatThrownBy(() -> c.generate(r).get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> {
                    assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(code);
                    assertThat(e.getMessage()).contains(text);
                });
    }

    @Test
    void eventStreamStartsWithInfoThenCarriesFpmKvAndLoad() throws Exception {
        MockerWorker w = start(EngineConfig.builder().speedupRatio(10).build());
        WorkerClient c = client(w);
        List<WorkerEvent> events = subscribe(c, true, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
        c.generate(WorkerClient.request("e1", 200, 10)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(events.get(0).hasInfo()).isTrue();
            assertThat(events.get(0).getInfo().getWorkerId()).isEqualTo(w.workerId());
            assertThat(events).anyMatch(WorkerEvent::hasFpm);
            assertThat(events).anyMatch(e -> e.hasKv() && e.getKv().hasStored());
            assertThat(events).anyMatch(WorkerEvent::hasLoad);
        });
        long prefill = events.stream()
                .filter(WorkerEvent::hasFpm)
                .mapToLong(e -> e.getFpm().getScheduledRequests().getSumPrefillTokens())
                .sum();
        assertThat(prefill).isEqualTo(200);
    }

    @Test
    void idleWorkerSendsHeartbeats() throws Exception {
        MockerWorker w = start(EngineConfig.builder().heartbeatIntervalMs(100).build());
        List<WorkerEvent> events = subscribe(client(w), false, true);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(events.stream().filter(WorkerEvent::hasHeartbeat).count())
                    .isGreaterThanOrEqualTo(3);
            assertThat(events).anyMatch(e -> e.hasFpm() && e.getFpm().getWallTime() == 0);
        });
    }

    private static List<WorkerEvent> subscribe(WorkerClient c, boolean kv, boolean fpm) {
        List<WorkerEvent> events = new CopyOnWriteArrayList<>();
        c.async.streamEvents(
                StreamEventsRequest.newBuilder()
                        .setIncludeKvEvents(kv)
                        .setIncludeFpm(fpm)
                        .build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(WorkerEvent value) {
                        events.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                });
        return events;
    }

    @Test
    void drainFinishesEverythingAcceptedAndRefusesNewWork() throws Exception {
        MockerWorker w = start(EngineConfig.builder().speedupRatio(5).build());
        WorkerClient c = client(w);
        List<WorkerClient.Call> calls = IntStream.range(0, 40)
                .mapToObj(i -> c.generate(WorkerClient.request("d" + i, 500, 40)))
                .toList();
        await().atMost(Duration.ofSeconds(5)).until(() -> w.bridge().inFlight.get() == 40);
        CompletableFuture<DrainResponse> drain = CompletableFuture.supplyAsync(() -> c.blocking.drain(
                DrainRequest.newBuilder().setGracePeriodMs(20_000).build()));
        await().atMost(Duration.ofSeconds(5)).until(w::isDraining);
        assertError(c, WorkerClient.request("late", 10, 5), Status.Code.UNAVAILABLE, "draining");
        for (WorkerClient.Call call : calls) {
            List<GenerateResponse> got = call.get(20, TimeUnit.SECONDS);
            assertThat(got).hasSize(40);
            assertThat(got.get(39).getFinishReason()).isEqualTo(FinishReason.LENGTH);
        }
        DrainResponse r = drain.get(20, TimeUnit.SECONDS);
        assertThat(r.getInFlightAtStart()).isEqualTo(40);
        assertThat(r.getCompleted()).isEqualTo(40);
        assertThat(r.getAborted()).isZero();
        assertThat(c.blocking.getInfo(GetInfoRequest.getDefaultInstance()).getDraining())
                .isTrue();
    }

    @Test
    void drainGraceExpiryAbortsAndSaysSo() throws Exception {
        MockerWorker w = start(EngineConfig.defaults());
        WorkerClient c = client(w);
        WorkerClient.Call slow = c.generate(WorkerClient.request("slow", 100, 100_000));
        await().atMost(Duration.ofSeconds(5)).until(() -> w.bridge().inFlight.get() == 1);
        DrainResponse r = w.drain(Duration.ofMillis(200), true).get(10, TimeUnit.SECONDS);
        assertThat(r.getAborted()).isEqualTo(1);
        List<GenerateResponse> got = slow.get(5, TimeUnit.SECONDS);
        assertThat(got.getLast().getFinishReason()).isEqualTo(FinishReason.ABORTED);
        w.awaitExit(); // returns: the drain asked to exit
    }

    @Test
    void metricsAndHealthOverHttp() throws Exception {
        MockerWorker w =
                start(EngineConfig.builder().speedupRatio(10).modelName("m2").build());
        client(w).generate(WorkerClient.request("m", 100, 5)).get(10, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + w.metricsPort();
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains(
                        "dynamo_component_kvstats_total_blocks{dynamo_component=\"backend\",dynamo_endpoint=\"generate\",dynamo_namespace=\"default\",model=\"m2\",worker_id=\""
                                + w.workerId() + "\"} 16384.0")
                .contains("dynamo_component_requests_total{")
                .contains("dynamo_component_kvstats_gpu_cache_usage_percent{")
                .contains("vllm:generation_tokens_total{engine=\"0\",model_name=\"m2\"} 5.0")
                .contains("fleetplan_mocker_fpm_scheduled_decode_requests{");
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"healthy\"").contains(w.workerId());
        w.drain(Duration.ofSeconds(1), false).get(5, TimeUnit.SECONDS);
        HttpResponse<String> draining = http.send(
                HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(draining.body()).contains("\"status\":\"draining\"");
    }
}
