package io.fleetplan.router.frontend;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.common.time.Scheduler;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.proto.net.SharedToken;
import io.fleetplan.router.global.PoolSelector;
import io.fleetplan.router.metrics.MetricsHttp;
import io.fleetplan.router.net.IoLoops;
import io.grpc.Context;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The OpenAI-compatible Frontend with the GlobalRouter inside: {@code GET /v1/models},
 * {@code POST /v1/completions}, {@code POST /v1/chat/completions} (SSE or unary), {@code /health}, {@code /live},
 * {@code /metrics}. HTTP/1.1 on Netty; each request's routing and prefill run on a virtual thread of its own,
 * while the decode pool's tokens are written to the client as SSE events straight from the gRPC callback that
 * delivers them (see {@link IoLoops}): no thread hand-off and no blocking write per token.
 */
public final class FrontendServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FrontendServer.class.getName());

    /** Longest request line (method, path and version): Netty's default. */
    static final int MAX_INITIAL_LINE = 4096;
    /** Largest header block: Netty's default. */
    static final int MAX_HEADER_BYTES = 8192;

    private final FrontendConfig config;
    private final FrontendMetrics metrics;
    private final IoLoops loops;
    private final PoolClients pools;
    private final GenerationFlow flow;
    private final RequestParser parser;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    /** When the model started being served (the model object's {@code created}). */
    private final long created = now();

    private final WallClockScheduler scheduler = new WallClockScheduler("frontend", 1);
    private final List<List<String>> roles;
    private Channel listener;
    private Scheduler.Cancellable poller;

    public FrontendServer(FrontendConfig config) {
        this.config = config;
        this.loops = new IoLoops("frontend-io", IoLoops.threads("fleetplan.frontend.io-threads"));
        this.pools = new PoolClients(
                config.poolRouters(),
                loops,
                config.routerTokenFile() == null
                        ? null
                        : SharedToken.read(Path.of(config.routerTokenFile()), "router_token_file"));
        this.roles = PoolHealth.roles(
                config.globalRouter(), List.copyOf(config.poolRouters().keySet()));
        this.metrics = new FrontendMetrics(config.dynamoNamespace(), config.model(), pools::readyCounts);
        metrics.exportWorkers(pools::workerLoads);
        metrics.exportModelConfig(
                pools::workerLoads,
                config.maxPromptTokens(),
                Math.max(0, config.globalRouter().allPools().size() - 1));
        this.flow = new GenerationFlow(
                new PoolSelector(config.globalRouter()),
                pools,
                config.retryAfterSeconds(),
                UnreadyWait.wall(Duration.ofMillis(config.unreadyWaitMs())),
                metrics::migrated);
        this.parser = new RequestParser(
                RequestParser.mapper(), config.model(), config.maxPromptTokens(), config.maxTokensLimit());
    }

    public FrontendServer start() throws IOException {
        pools.poll();
        Duration poll = Duration.ofMillis(config.poolPollMs());
        poller = scheduler.scheduleAtFixedRate(poll, poll, pools::poll);
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.group)
                .channel(loops.serverChannel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                // one small write per token: Nagle + delayed ACKs would hold them for tens of ms
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        HttpConnection conn = new HttpConnection(config.http(), ex -> {
                            // parsing a large body and the routing/prefill calls block: off the event loop
                            requests.execute(() -> handle(ex));
                        });
                        ch.pipeline()
                                .addLast(
                                        conn.firstBytes(),
                                        new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192),
                                        conn);
                    }
                });
        try {
            listener = b.bind(new InetSocketAddress(config.host(), config.httpPort()))
                    .sync()
                    .channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding", e);
        } catch (RuntimeException e) {
            throw new IOException(
                    "cannot listen on " + config.host() + ":" + config.httpPort() + ": " + e.getMessage(), e);
        }
        return this;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public FrontendMetrics metrics() {
        return metrics;
    }

    /** Re-reads pool readiness now (tests; the poller does it every pool_poll_ms). */
    public void pollPools() {
        pools.poll();
    }

    private void handle(Exchange ex) {
        try {
            String path = ex.path;
            String method = ex.method;
            switch (path) {
                case "/v1/chat/completions" -> post(ex, method, "chat_completions");
                case "/v1/completions" -> post(ex, method, "completions");
                case "/v1/models" -> {
                    if (requireGet(ex, method)) {
                        json(ex, 200, "{\"object\":\"list\",\"data\":[" + modelObject() + "]}");
                    }
                }
                case "/metrics" -> {
                    if (requireGet(ex, method)) {
                        ex.respond(
                                200, PrometheusTextFormatWriter.CONTENT_TYPE, MetricsHttp.scrape(metrics.registry()));
                    }
                }
                case "/live" -> json(ex, 200, "{\"status\":\"live\",\"message\":\"Service is live\"}");
                case "/health" -> {
                    PoolHealth h = PoolHealth.of(pools.readyCounts(), roles);
                    ObjectMapper m = new ObjectMapper();
                    json(
                            ex,
                            h.httpStatus(),
                            "{\"status\":\"" + h.status() + "\",\"pools\":" + m.writeValueAsString(h.pools())
                                    + ",\"unready_pools\":" + m.writeValueAsString(h.unreadyPools()) + "}");
                }
                default -> {
                    if (path.startsWith(MODELS_PREFIX)) {
                        model(ex, method, path.substring(MODELS_PREFIX.length()));
                    } else {
                        error(
                                ex,
                                new ApiError(
                                        404,
                                        "invalid_request_error",
                                        "Unknown path " + path + "; routes: "
                                                + "/v1/models, /v1/models/{model}, /v1/completions, /v1/chat/completions, /health, "
                                                + "/live, /metrics",
                                        null,
                                        "unknown_url",
                                        "not_found",
                                        null));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // a bug must not take the server down, but it must be seen
            LOG.log(System.Logger.Level.WARNING, "request to " + ex.path + " failed", e);
            error(ex, new ApiError(500, "internal_error", "Internal error", null, null, "internal", null));
        }
    }

    private static final String MODELS_PREFIX = "/v1/models/";

    /** OpenAI's model object for the served model. */
    private String modelObject() {
        return "{\"id\":" + OpenAiJson.str(config.model()) + ",\"object\":\"model\",\"created\":" + created
                + ",\"owned_by\":\"fleetplan\"}";
    }

    /** {@code GET /v1/models/{model}}: the model object, or OpenAI's 404 for a model this server does not serve. */
    private void model(Exchange ex, String method, String id) {
        if (!requireGet(ex, method)) {
            return;
        }
        if (id.equals(config.model())) {
            json(ex, 200, modelObject());
        } else {
            error(
                    ex,
                    ApiError.notFound(
                            "The model '" + id + "' does not exist; this server serves '" + config.model() + "'",
                            "model",
                            "model_not_found"));
        }
    }

    private boolean requireGet(Exchange ex, String method) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.header("Allow", "GET");
            error(
                    ex,
                    new ApiError(
                            405,
                            "invalid_request_error",
                            "Use GET for " + ex.path,
                            null,
                            "method_not_allowed",
                            "validation",
                            null));
            return false;
        }
        return true;
    }

    private void post(Exchange ex, String method, String endpoint) {
        if (!method.equals("POST")) {
            ex.header("Allow", "POST");
            error(
                    ex,
                    new ApiError(
                            405,
                            "invalid_request_error",
                            "Use POST for " + ex.path,
                            null,
                            "method_not_allowed",
                            "validation",
                            null));
            return;
        }
        long start = System.nanoTime();
        metrics.inflight.inc();
        String requestType = "unary";
        // a client that goes away cancels whatever this request has running upstream (prefill or decode call)
        Context.CancellableContext cancel = Context.current().withCancellation();
        ex.onGone(() -> cancel.cancel(null));
        Context previous = cancel.attach();
        try (StageTracker stages = new StageTracker(metrics)) {
            try {
                if (ex.bodyTooLarge()) {
                    throw new ApiError(
                            413,
                            "invalid_request_error",
                            "Request body larger than " + config.http().maxBodyBytes() + " bytes (http.max_body_bytes)",
                            null,
                            "body_too_large",
                            "validation",
                            null);
                }
                CompletionJob job = parser.parse(endpoint, ex.takeBody());
                requestType = job.requestType();
                metrics.started(job);
                metrics.isl.observe(job.promptTokens().length);
                stages.enter("route");
                Responder responder = new Responder(ex, job, flow.nextId(), now(), start, metrics, stages);
                GenerationFlow.Result result = flow.run(responder.id(), job, responder, stages);
                responder.finish(result);
                metrics.osl.observe(responder.completionTokens(result));
                metrics.cached.observe(result.cachedTokens());
                metrics.finished(endpoint, requestType, "");
            } catch (RuntimeException e) {
                String errorType = failed(ex, endpoint, e);
                if (errorType.equals("cancelled")) {
                    metrics.disconnected(endpoint, requestType);
                } else if (errorType.equals("unavailable") || errorType.equals("overload")) {
                    metrics.rejected(endpoint);
                }
                metrics.finished(endpoint, requestType, errorType);
            }
        } finally {
            cancel.detach(previous);
            cancel.cancel(null);
            metrics.inflight.dec();
            metrics.duration.observe((System.nanoTime() - start) / 1e9);
        }
    }

    /** Answers a failed request as well as its state allows; returns Dynamo's error_type label. */
    private static String failed(Exchange ex, String endpoint, RuntimeException e) {
        if (ex.gone() || e instanceof GenerationFlow.ClientGone) {
            return "cancelled";
        }
        if (e instanceof ApiError a) {
            error(ex, a);
            return a.errorType();
        }
        if (e instanceof GenerationFlow.StreamBroken) {
            Responder.abort(ex, e.getMessage());
            return "internal";
        }
        LOG.log(System.Logger.Level.WARNING, "internal error serving " + endpoint, e);
        error(ex, new ApiError(500, "internal_error", "Internal error", null, null, "internal", null));
        return "internal";
    }

    static void json(Exchange ex, int status, String body) {
        ex.respond(status, "application/json", body);
    }

    static void error(Exchange ex, ApiError e) {
        if (ex.status() != -1) {
            Responder.abort(ex, e.getMessage());
            return;
        }
        if (e.retryAfterSeconds() != null) {
            ex.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
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
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        scheduler.close();
        pools.close();
        requests.shutdownNow();
        loops.close();
    }
}
