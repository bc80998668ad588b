package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.global.GlobalRouterConfig;
import io.fleetplan.router.local.LocalRouter;
import io.fleetplan.router.testing.FakeWorker;
import io.fleetplan.router.testing.Stack;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A disaggregated stack on loopback: prefill pool, two decode pools (one without workers), Frontend. */
class FrontendIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static Stack stack;
    static FakeWorker prefill;
    static FakeWorker decode1;
    static FakeWorker decode2;

    @BeforeAll
    static void setUp() throws Exception {
        stack = new Stack();
        LocalRouter prefillRouter = stack.router("prefill-a");
        LocalRouter emptyDecode = stack.router("decode-empty");
        LocalRouter decodeRouter = stack.router("decode-a");
        prefill = stack.worker(prefillRouter, "p0", WorkerRole.PREFILL, 1);
        decode1 = stack.worker(decodeRouter, "d0", WorkerRole.DECODE, 1);
        decode2 = stack.worker(decodeRouter, "d1", WorkerRole.DECODE, 1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> decodeRouter.workers().size() == 2
                        && prefillRouter.workers().size() == 1);
        // the grid sends every request to decode-empty first: it has no worker, so decode-a must serve
        GlobalRouterConfig gr = ConfigLoader.parse("""
                mode: disagg
                num_prefill_pools: 1
                num_decode_pools: 2
                prefill_pool_dynamo_namespaces: [prefill-a]
                decode_pool_dynamo_namespaces: [decode-empty, decode-a]
                prefill_pool_selection_strategy: {isl_min: 0, isl_max: 1000, isl_resolution: 1, ttft_min: 0,
                  ttft_max: 1000, ttft_resolution: 1, prefill_pool_mapping: [[0]]}
                decode_pool_selection_strategy: {context_length_min: 0, context_length_max: 1000,
                  context_length_resolution: 1, itl_min: 0, itl_max: 100, itl_resolution: 1,
                  decode_pool_mapping: [[0]]}
                """, "gr.yaml", GlobalRouterConfig.class);
        stack.frontend(new FrontendConfig(
                "mock-model",
                "default-fleet",
                null,
                0,
                Stack.pools(prefillRouter, emptyDecode, decodeRouter),
                gr,
                2000,
                1000,
                2,
                50));
    }

    @AfterAll
    static void tearDown() throws Exception {
        stack.close();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void chatCompletionRunsPrefillThenDecodeWithTheKvHandoff() throws Exception {
        int prefillBefore = prefill.received.size();
        int d1Before = decode1.received.size();
        int d2Before = decode2.received.size();
        HttpResponse<String> r = stack.post("/v1/chat/completions", """
                {"model":"mock-model","messages":[{"role":"system","content":"You are terse."},
                 {"role":"user","content":"Say hello to the fleet"}],"max_tokens":5}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("choices").get(0).path("message").path("role").asText())
                .isEqualTo("assistant");
        assertThat(body.path("choices").get(0).path("message").path("content").asText())
                .isNotBlank();
        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
        int isl = body.path("usage").path("prompt_tokens").asInt();
        assertThat(isl).isGreaterThan(10);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(isl + 5);
        GenerateRequest prefillReq = prefill.received.get(prefillBefore);
        assertThat(prefillReq.getMaxTokens()).isEqualTo(1);
        // this request's decode call, on whichever decode worker took it (not the last of one worker's list:
        // the other may have served an earlier test's request)
        GenerateRequest decodeReq = Stream.concat(
                        decode1.received.subList(d1Before, decode1.received.size()).stream(),
                        decode2.received.subList(d2Before, decode2.received.size()).stream())
                .filter(g -> !g.getRequestId().isEmpty())
                .findFirst()
                .orElseThrow();
        assertThat(decodeReq.getKvTransfer().getPrefillWorkerId()).isEqualTo("p0");
        assertThat(decodeReq.getMaxTokens()).isEqualTo(5);
        assertThat(decodeReq.getTokenIdsCount()).isEqualTo(isl);
    }

    @Test
    void streamingCompletionSendsChunksUsageAndDone() throws Exception {
        HttpResponse<String> r = stack.post("/v1/completions", """
                {"model":"mock-model","prompt":"Once upon a time","max_tokens":4,"stream":true,
                 "stream_options":{"include_usage":true}}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<String> events = r.body()
                .lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream()
                .map(s -> {
                    try {
                        return JSON.readTree(s);
                    } catch (Exception e) {
                        throw new IllegalStateException(s, e);
                    }
                })
                .toList();
        assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("text_completion"));
        // every generated token renders as " word"; the prefill worker's token rides with the first decode token
        long words = chunks.stream()
                .filter(c -> c.path("choices").size() == 1)
                .mapToLong(c -> c.path("choices")
                        .get(0)
                        .path("text")
                        .asText()
                        .chars()
                        .filter(ch -> ch == ' ')
                        .count())
                .sum();
        assertThat(words).isEqualTo(4);
        JsonNode usage = chunks.getLast();
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(chunks.get(chunks.size() - 2)
                        .path("choices")
                        .get(0)
                        .path("finish_reason")
                        .asText())
                .isEqualTo("length");
    }

    @Test
    void tokenIdPromptsAreUsedAsGiven() throws Exception {
        HttpResponse<String> r = stack.post(
                "/v1/completions",
                "{\"model\":\"mock-model\",\"prompt\":[5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21],\"max_tokens\":2}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("usage").path("prompt_tokens").asInt()).isEqualTo(17);
        assertThat(Stream.concat(decode1.received.stream(), decode2.received.stream()))
                .anyMatch(g -> g.getTokenIdsCount() == 17 && g.getTokenIds(0) == 5 && g.getTokenIds(16) == 21);
    }

    @Test
    void badBodiesGetA400InOpenAiShapeAndTheServerKeepsServing() throws Exception {
        Map<String, String> cases = Map.of(
                "{not json",
                "not valid JSON",
                "{\"model\":\"mock-model\"}",
                "'messages' is required",
                "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":-3}",
                "must be >= 1",
                "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(5000)
                        + "\"}]}",
                "more than this server's maximum",
                "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}",
                "role",
                "[1,2]",
                "JSON object");
        for (var c : cases.entrySet()) {
            HttpResponse<String> r = stack.post("/v1/chat/completions", c.getKey());
            assertThat(r.statusCode()).as(c.getValue()).isEqualTo(400);
            JsonNode err = json(r).path("error");
            assertThat(err.path("message").asText()).contains(c.getValue());
            assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(err.has("param")).isTrue();
            assertThat(err.has("code")).isTrue();
        }
        HttpResponse<String> unknown = stack.post(
                "/v1/chat/completions", "{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(stack.get("/v1/chat/completions").statusCode()).isEqualTo(405);
        assertThat(stack.get("/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> ok = stack.post(
                "/v1/chat/completions",
                "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"still there?\"}],\"max_tokens\":2}");
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void modelsHealthAndMetrics() throws Exception {
        JsonNode models = json(stack.get("/v1/models"));
        assertThat(models.path("data").get(0).path("id").asText()).isEqualTo("mock-model");
        assertThat(stack.get("/health").statusCode()).isEqualTo(200);
        assertThat(stack.get("/live").statusCode()).isEqualTo(200);
        stack.post(
                "/v1/chat/completions",
                "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}],\"max_tokens\":3}");
        String metrics = stack.get("/metrics").body();
        assertThat(metrics)
                .contains("dynamo_frontend_requests_total{dynamo_namespace=\"default_fleet\","
                        + "endpoint=\"chat_completions\",error_type=\"\",model=\"mock-model\",request_type=\"unary\","
                        + "status=\"success\"}");
        for (String name : List.of(
                "dynamo_frontend_time_to_first_token_seconds_count",
                "dynamo_frontend_inter_token_latency_seconds_count",
                "dynamo_frontend_request_duration_seconds_count",
                "dynamo_frontend_input_sequence_tokens_count",
                "dynamo_frontend_output_sequence_tokens_count",
                "dynamo_frontend_inflight_requests",
                "dynamo_frontend_queued_requests",
                "fleetplan_frontend_stage_requests",
                "dynamo_frontend_disconnected_clients")) {
            assertThat(metrics).contains(name + "{dynamo_namespace=\"default_fleet\",model=\"mock-model\"");
        }
        assertThat(metrics)
                .contains("dynamo_frontend_requests_started_total{dynamo_namespace=\"default_fleet\","
                        + "endpoint=\"chat_completions\",model=\"mock-model\",request_type=\"unary\"}");
        assertThat(metrics)
                .contains("dynamo_frontend_queued_requests{dynamo_namespace=\"default_fleet\","
                        + "model=\"mock-model\"} 0.0");
    }
}
