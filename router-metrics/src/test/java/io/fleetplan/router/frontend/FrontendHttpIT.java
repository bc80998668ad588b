package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.local.LocalRouter;
import io.fleetplan.router.testing.FakeWorker;
import io.fleetplan.router.testing.Stack;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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

    /** One parsed HTTP/1.1 response. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", stack.frontend.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] post(String path, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return ascii("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + b.length + "\r\n\r\n" + body);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Reads one response: Content-Length or chunked body. */
    private static Response read(InputStream in) throws IOException {
        String status = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equals(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            line(in);
        } else {
            body.write(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))));
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
    }

    @Test
    void clientThatDisconnectsMidStreamCancelsTheWorkerStream() throws Exception {
        int before = worker.cancelled.size();
        try (Socket s = connect()) {
            s.getOutputStream().write(post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true,"
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
        await().atMost(Duration.ofSeconds(5)).until(() -> stack.get("/metrics").body()
                .contains("error_type=\"cancelled\""));
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
            java.util.Arrays.fill(chunk, (byte) ' ');
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
            both.write(post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"two\",\"max_tokens\":2,"
                    + "\"stream\":true}"));
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
            s.getOutputStream().write(ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"));
            Response r = read(new BufferedInputStream(s.getInputStream()));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("\"type\":\"invalid_request_error\"");
        }
        assertThat(stack.get("/live").statusCode()).isEqualTo(200);
    }
}
