package io.fleetplan.router.frontend;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fleetplan.common.time.Scheduler;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.router.global.PoolSelector;
import io.fleetplan.router.metrics.MetricsHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The OpenAI-compatible Frontend with the GlobalRouter inside: {@code GET /v1/models},
 * {@code POST /v1/completions}, {@code POST /v1/chat/completions} (SSE or unary), {@code /health}, {@code /live},
 * {@code /metrics}. JDK HttpServer, one virtual thread per request.
 */
public final class FrontendServer implements AutoCloseable {

    static {
        // SSE writes one small chunk per token: without TCP_NODELAY, Nagle + delayed ACKs hold them for tens of ms.
        // The JDK server reads this once, when its first instance is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // the JDK server keeps only 200 idle keep-alive connections by default and closes the rest: with hundreds
        // of streaming clients that turns into reconnects (or failed requests on clients that do not retry)
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        }
    }

    private static final System.Logger LOG = System.getLogger(FrontendServer.class.getName());

    /** Dynamo's default HTTP body limit (DYN_HTTP_BODY_LIMIT_MB = 45). */
    static final int BODY_LIMIT = 45 * 1024 * 1024;

    private final FrontendConfig config;
    private final FrontendMetrics metrics;
    private final PoolClients pools;
    private final GenerationFlow flow;
    private final RequestParser parser;
    private final WallClockScheduler scheduler = new WallClockScheduler("frontend", 1);
    private HttpServer http;
    private Scheduler.Cancellable poller;

    public FrontendServer(FrontendConfig config) {
        this.config = config;
        this.pools = new PoolClients(config.poolRouters());
        this.metrics = new FrontendMetrics(config.dynamoNamespace(), config.model(), pools::readyCounts);
        this.flow = new GenerationFlow(new PoolSelector(config.globalRouter()), pools, config.retryAfterSeconds());
        this.parser = new RequestParser(new ObjectMapper(), config.model(), config.maxPromptTokens(),
                config.maxTokensLimit());
    }

    public FrontendServer start() throws IOException {
        pools.poll();
        Duration poll = Duration.ofMillis(config.poolPollMs());
        poller = scheduler.scheduleAtFixedRate(poll, poll, pools::poll);
        http = HttpServer.create(new InetSocketAddress(config.host(), config.httpPort()), 1024);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", this::handle);
        http.start();
        return this;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public FrontendMetrics metrics() {
        return metrics;
    }

    /** Re-reads pool readiness now (tests; the poller does it every pool_poll_ms). */
    public void pollPools() {
        pools.poll();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            switch (path) {
                case "/v1/chat/completions" -> post(ex, method, "chat_completions");
                case "/v1/completions" -> post(ex, method, "completions");
                case "/v1/models" -> {
                    if (requireGet(ex, method)) {
                        json(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":" + OpenAiJson.str(config.model())
                                + ",\"object\":\"model\",\"created\":" + now() + ",\"owned_by\":\"fleetplan\"}]}");
                    }
                }
                case "/metrics" -> MetricsHttp.serve(ex, metrics.registry());
                case "/live" -> json(ex, 200, "{\"status\":\"live\",\"message\":\"Service is live\"}");
                case "/health" -> {
                    boolean ok = pools.readyCounts().values().stream().anyMatch(n -> n > 0);
                    json(ex, ok ? 200 : 503, "{\"status\":\"" + (ok ? "healthy" : "not_ready") + "\",\"pools\":"
                            + new ObjectMapper().writeValueAsString(pools.readyCounts()) + "}");
                }
                default -> error(ex, new ApiError(404, "invalid_request_error", "Unknown path " + path
                        + "; routes: /v1/models, /v1/completions, /v1/chat/completions, /health, /live, /metrics",
                        null, "unknown_url", "not_found", null));
            }
        } catch (IOException e) {
            // the client went away; the exchange is closed above
        } catch (RuntimeException e) {
            // a bug must not take the server down, but it must be seen
            LOG.log(System.Logger.Level.WARNING, "request to " + ex.getRequestURI() + " failed", e);
        }
    }

    private boolean requireGet(HttpExchange ex, String method) throws IOException {
        if (!method.equals("GET")) {
            ex.getResponseHeaders().set("Allow", "GET");
            error(ex, new ApiError(405, "invalid_request_error", "Use GET for " + ex.getRequestURI().getPath(), null,
                    "method_not_allowed", "validation", null));
            return false;
        }
        return true;
    }

    private void post(HttpExchange ex, String method, String endpoint) throws IOException {
        if (!method.equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            error(ex, new ApiError(405, "invalid_request_error", "Use POST for " + ex.getRequestURI().getPath(), null,
                    "method_not_allowed", "validation", null));
            return;
        }
        long start = System.nanoTime();
        metrics.inflight.inc();
        String requestType = "unary";
        try (StageTracker stages = new StageTracker(metrics)) {
            try {
                byte[] body = readBody(ex);
                CompletionJob job = parser.parse(endpoint, body);
                requestType = job.requestType();
                metrics.started(job);
                metrics.isl.observe(job.promptTokens().length);
                stages.enter("route");
                Responder responder = new Responder(ex, job, flow.nextId(), now(), start, metrics, stages);
                GenerationFlow.Result result = flow.run(responder.id(), job, responder, stages);
                responder.finish(result);
                metrics.osl.observe(result.completionTokens());
                metrics.cached.observe(result.cachedTokens());
                metrics.finished(endpoint, requestType, "");
            } catch (ApiError e) {
                error(ex, e);
                metrics.finished(endpoint, requestType, e.errorType());
            } catch (GenerationFlow.ClientGone e) {
                metrics.finished(endpoint, requestType, "cancelled");
            } catch (GenerationFlow.StreamBroken e) {
                Responder.abort(ex, e.getMessage());
                metrics.finished(endpoint, requestType, "internal");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "internal error serving " + endpoint, e);
                error(ex, new ApiError(500, "internal_error", "Internal error", null, null, "internal", null));
                metrics.finished(endpoint, requestType, "internal");
            }
        } finally {
            metrics.inflight.dec();
            metrics.duration.observe((System.nanoTime() - start) / 1e9);
        }
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(BODY_LIMIT + 1);
            if (body.length > BODY_LIMIT) {
                throw new ApiError(413, "invalid_request_error", "Request body larger than " + BODY_LIMIT + " bytes",
                        null, "body_too_large", "validation", null);
            }
            return body;
        }
    }

    static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    static void error(HttpExchange ex, ApiError e) throws IOException {
        if (ex.getResponseCode() != -1) {
            Responder.abort(ex, e.getMessage());
            return;
        }
        if (e.retryAfterSeconds() != null) {
            ex.getResponseHeaders().set("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        json(ex, e.status(), OpenAiJson.error(e));
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.cancel();
        }
        if (http != null) {
            http.stop(0);
        }
        scheduler.close();
        pools.close();
    }
}
