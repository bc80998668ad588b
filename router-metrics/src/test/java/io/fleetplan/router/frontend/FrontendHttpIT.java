package io.fleetplan.router.frontend;

import static io.fleetplan.router.testing.RawHttp.ascii;
import static io.fleetplan.router.testing.RawHttp.line;
import static io.fleetplan.router.testing.RawHttp.post;
import static io.fleetplan.router.testing.RawHttp.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.local.LocalRouter;
import io.fleetplan.router.testing.FakeWorker;
import io.fleetplan.router.testing.RawHttp;
import io.fleetplan.router.testing.RawHttp.Response;
import io.fleetplan.router.testing.Stack;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Frontend's HTTP/1.1 layer over raw loopback sockets: client disconnect cancels the upstream stream, an
 * oversized body gets a 413 and the connection keeps serving, pipelined requests are answered in order, a
 * malformed request gets a 400.
 */
class FrontendHttpIT {

    static Stack stack;
    static LocalRouter router;
    static FakeWorker worker;

    @BeforeAll
    static void setUp() throws Exception {
        stack = new Stack();
        router = stack.router("http-pool");
        worker = stack.worker(router, "w0", WorkerRole.AGGREGATED, 20);
        await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 1);
        stack.frontend(FrontendConfig.singlePool("m", "http-pool", Stack.address(router), 0));
    }

    @AfterAll
    static void tearDown() throws Exception {
        stack.close();
    }

    private static Socket connect() throws IOException {
        return RawHttp.connect(stack.frontend.port());
    }

    @Test
    void clientThatDisconnectsMidStreamCancelsTheWorkerStream() throws Exception {
        int before = worker.cancelled.size();
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write(
                            post(
                                    "/v1/chat/completions",
                                    "{\"model\":\"m\",\"stream\":true,"
                                            + "\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"hang up on me\"}]}"));
            InputStream in = new BufferedInputStream(s.getInputStream());
            assertThat(line(in)).startsWith("HTTP/1.1 200");
            String l;
            do {
                l = line(in);
            } while (!l.startsWith("data: "));
        }
        // 500 tokens at 20 ms would take 10 s: the cancel must come long before
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.cancelled.size() > before);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> stack.get("/metrics").body().contains("error_type=\"cancelled\""));
        String metrics = stack.get("/metrics").body();
        assertThat(metrics)
                .containsPattern(
                        "dynamo_frontend_disconnected_clients\\{dynamo_namespace=\"dynamo\"," + "model=\"m\"} [1-9]");
        assertThat(metrics)
                .containsPattern("dynamo_frontend_model_cancellation_total\\{dynamo_namespace=\"dynamo\","
                        + "endpoint=\"chat_completions\",model=\"m\",request_type=\"stream\"} [1-9]");
    }

    @Test
    void oversizedBodyGets413AndTheConnectionKeepsServing() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            int size = HttpLimits.defaults().maxBodyBytes() + 1;
            out.write(ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"));
            // chunked, so the limit is found while reading and not from a Content-Length header
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) ' ');
            for (int sent = 0; sent < size; sent += chunk.length) {
                out.write(ascii(Integer.toHexString(chunk.length) + "\r\n"));
                out.write(chunk);
                out.write(ascii("\r\n"));
            }
            out.write(ascii("0\r\n\r\n"));
            out.write(ascii("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n"));
            InputStream in = new BufferedInputStream(s.getInputStream());
            Response tooLarge = read(in);
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("\"code\":\"body_too_large\"").contains("\"type\":");
            Response models = read(in);
            assertThat(models.status()).isEqualTo(200);
            assertThat(models.body()).contains("\"id\":\"m\"");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = connect()) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"one\",\"max_tokens\":3}"));
            both.write(ascii("GET /live HTTP/1.1\r\nHost: x\r\n\r\n"));
            both.write(post(
                    "/v1/completions", "{\"model\":\"m\",\"prompt\":\"two\",\"max_tokens\":2," + "\"stream\":true}"));
            s.getOutputStream().write(both.toByteArray());
            InputStream in = new BufferedInputStream(s.getInputStream());
            Response first = read(in);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).contains("\"completion_tokens\":3");
            Response second = read(in);
            assertThat(second.body()).contains("\"status\":\"live\"");
            Response third = read(in);
            assertThat(third.headers().get("content-type")).isEqualTo("text/event-stream");
            assertThat(third.body()).endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void malformedRequestGets400AndTheServerKeepsServing() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write(ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"));
            Response r = read(new BufferedInputStream(s.getInputStream()));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("\"type\":\"invalid_request_error\"");
        }
        assertThat(stack.get("/live").statusCode()).isEqualTo(200);
    }

    /** FakeWorker's output: token 1000 + index, rendered by the Tokenizer. */
    private static String fakeText(int tokens) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            b.append(Tokenizer.decode(1000 + i));
        }
        return b.toString();
    }

    /** The fewest of FakeWorker's tokens whose text contains {@code stop}. */
    private static int tokensUntil(String stop) {
        int n = 1;
        while (!fakeText(n).contains(stop)) {
            n++;
        }
        return n;
    }

    @Test
    void outputEndsBeforeAStopSequenceWithFinishReasonStop() throws Exception {
        // a stop sequence that spans two tokens: the end of the third word and the start of the fourth
        String third = Tokenizer.decode(1002);
        String stop =
                third.substring(third.length() - 2) + Tokenizer.decode(1003).substring(0, 3);
        String expected = fakeText(10).substring(0, fakeText(10).indexOf(stop));
        int tokens = tokensUntil(stop);
        ObjectMapper json = new ObjectMapper();

        var unary = json.readTree(stack.post(
                        "/v1/completions",
                        "{\"model\":\"m\",\"prompt\":\"s\",\"max_tokens\":10," + "\"stop\":[\"never here\","
                                + OpenAiJson.str(stop) + "]}")
                .body());
        assertThat(unary.at("/choices/0/text").asText()).isEqualTo(expected);
        assertThat(unary.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(unary.at("/usage/completion_tokens").asInt()).isEqualTo(tokens);

        String sse = stack.post(
                        "/v1/chat/completions",
                        "{\"model\":\"m\",\"max_tokens\":10,\"stream\":true,"
                                + "\"stream_options\":{\"include_usage\":true},\"stop\":" + OpenAiJson.str(stop)
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"s\"}]}")
                .body();
        StringBuilder text = new StringBuilder();
        String finish = null;
        int usage = -1;
        for (String l : sse.split("\n")) {
            if (!l.startsWith("data: {")) {
                continue;
            }
            var ev = json.readTree(l.substring(6));
            if (ev.path("choices").size() > 0) {
                text.append(ev.at("/choices/0/delta/content").asText(""));
                if (!ev.at("/choices/0/finish_reason").isNull()) {
                    finish = ev.at("/choices/0/finish_reason").asText();
                }
            } else {
                usage = ev.at("/usage/completion_tokens").asInt();
            }
        }
        assertThat(text.toString()).isEqualTo(expected);
        assertThat(finish).isEqualTo("stop");
        assertThat(usage).isEqualTo(tokens);
        assertThat(sse).endsWith("data: [DONE]\n\n");

        var noMatch = json.readTree(stack.post(
                        "/v1/completions",
                        "{\"model\":\"m\",\"prompt\":\"s\"," + "\"max_tokens\":4,\"stop\":\"never here\"}")
                .body());
        assertThat(noMatch.at("/choices/0/text").asText()).isEqualTo(fakeText(4));
        assertThat(noMatch.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void aModelIsRetrievedByIdAndAnUnknownOneIs404() throws Exception {
        var ok = stack.get("/v1/models/m");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"id\":\"m\"", "\"object\":\"model\"", "\"owned_by\":", "\"created\":");
        var missing = stack.get("/v1/models/gpt-nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"code\":\"model_not_found\"", "\"param\":\"model\"", "gpt-nope");
    }
}
