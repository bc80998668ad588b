package io.fleetplan.router.frontend;

import static io.fleetplan.router.testing.RawHttp.ascii;
import static io.fleetplan.router.testing.RawHttp.post;
import static io.fleetplan.router.testing.RawHttp.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.local.LocalRouter;
import io.fleetplan.router.testing.RawHttp;
import io.fleetplan.router.testing.RawHttp.Response;
import io.fleetplan.router.testing.Stack;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a client connection may cost the Frontend (HttpLimits), over raw loopback sockets: a body over the limit
 * gets an OpenAI-shaped 413, headers or a body that drip in too slowly get a 408 and the connection closes,
 * an idle keep-alive connection is closed (a stream longer than the idle timeout is not), and an HTTP version
 * other than 1.0/1.1 gets a 505. Timeouts here are short; the defaults are in HttpLimitsTest.
 */
class HttpBoundsIT {

    static final int BODY_LIMIT = 64 * 1024;
    static final int HEADER_MS = 400;
    static final int BODY_MS = 400;
    static final int IDLE_MS = 800;

    static Stack stack;

    @BeforeAll
    static void setUp() throws Exception {
        stack = new Stack();
        LocalRouter router = stack.router("bounds-pool");
        stack.worker(router, "w0", WorkerRole.AGGREGATED, 20);
        await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 1);
        stack.frontend(FrontendConfig.singlePool("m", "bounds-pool", Stack.address(router), 0)
                .withHttp(new HttpLimits(BODY_LIMIT, HEADER_MS, BODY_MS, IDLE_MS)));
    }

    @AfterAll
    static void tearDown() throws Exception {
        stack.close();
    }

    private static Socket connect() throws IOException {
        return RawHttp.connect(stack.frontend.port());
    }

    /** Reads until the server closes the connection; fails if it does not within the socket timeout. */
    private static void assertClosed(InputStream in) throws IOException {
        try {
            while (in.read() != -1) {
                // drain
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open", e);
        } catch (IOException reset) {
            // closed with unread input: reset, also closed
        }
    }

    @Test
    void aBodyOverTheLimitGetsAnOpenAiShaped413() throws Exception {
        try (Socket s = connect()) {
            String body = "{\"model\":\"m\",\"prompt\":\"" + "a ".repeat(BODY_LIMIT) + "\"}";
            s.getOutputStream().write(post("/v1/completions", body));
            Response r = read(new BufferedInputStream(s.getInputStream()));
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body())
                    .contains(
                            "\"type\":\"invalid_request_error\"",
                            "\"code\":\"body_too_large\"",
                            "larger than " + BODY_LIMIT + " bytes (http.max_body_bytes)");
        }
    }

    @Test
    void dripFedHeadersGet408AndTheConnectionCloses() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\n"));
            long start = System.nanoTime();
            Response r = null;
            InputStream in = new BufferedInputStream(s.getInputStream());
            try {
                // a header byte every 100 ms, for longer than the header timeout allows
                for (int i = 0; i < 50; i++) {
                    out.write('X');
                    out.flush();
                    Thread.sleep(100);
                    if (in.available() > 0) {
                        break;
                    }
                }
                r = read(in);
            } catch (IOException closed) {
                // the write after the close may fail first
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            if (r != null) {
                assertThat(r.status()).isEqualTo(408);
                assertThat(r.body()).contains("\"code\":\"request_timeout\"", "headers");
                assertClosed(in);
            }
        }
    }

    @Test
    void aBodyThatDripsInGets408() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write(ascii("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: "
                            + "application/json\r\nContent-Length: 100\r\n\r\n{\"model\""));
            InputStream in = new BufferedInputStream(s.getInputStream());
            Response r = read(in);
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.body()).contains("\"code\":\"request_timeout\"", "body");
            assertClosed(in);
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosed() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(ascii("GET /live HTTP/1.1\r\nHost: x\r\n\r\n"));
            InputStream in = new BufferedInputStream(s.getInputStream());
            assertThat(read(in).status()).isEqualTo(200);
            assertClosed(in);
        }
    }

    @Test
    void aStreamLongerThanTheIdleTimeoutRunsToItsEnd() throws Exception {
        try (Socket s = connect()) {
            // 60 tokens at 20 ms: 1.2 s, longer than the 0.8 s idle timeout
            s.getOutputStream()
                    .write(post(
                            "/v1/completions",
                            "{\"model\":\"m\",\"prompt\":\"long\",\"max_tokens\":60," + "\"stream\":true}"));
            InputStream in = new BufferedInputStream(s.getInputStream());
            Response r = read(in);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("\"finish_reason\":\"length\"").endsWith("data: [DONE]\n\n");
            // and the connection still serves
            s.getOutputStream().write(ascii("GET /live HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertThat(read(in).status()).isEqualTo(200);
        }
    }

    @Test
    void anUnknownHttpVersionGets505() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(ascii("GET /v1/models HTTP/7.7\r\nHost: x\r\n\r\n"));
            InputStream in = new BufferedInputStream(s.getInputStream());
            Response r = read(in);
            assertThat(r.status()).isEqualTo(505);
            assertThat(r.body()).contains("\"type\":\"invalid_request_error\"", "HTTP/7.7");
            assertClosed(in);
        }
    }
}
