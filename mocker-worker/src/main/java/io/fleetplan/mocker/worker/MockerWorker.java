package io.fleetplan.mocker.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.MockEngine;
import io.fleetplan.mocker.engine.Role;
import io.fleetplan.mocker.profile.TimingModels;
import io.fleetplan.proto.net.Keepalive;
import io.fleetplan.proto.net.LeakDetection;
import io.fleetplan.proto.v1.DrainResponse;
import io.fleetplan.proto.v1.WorkerHeartbeatRequest;
import io.fleetplan.proto.v1.WorkerInfo;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A worker process around one {@link MockEngine}: the gRPC Worker service, HTTP {@code /metrics} and
 * {@code /health}, LocalRouter registration, and drain. The engine runs on its own one-thread wall-clock
 * scheduler; everything that touches it is handed to that thread with {@link #onEngine}.
 */
public final class MockerWorker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MockerWorker.class.getName());
    // Netty logs a stack trace per open stream when a client connection drops with tokens still queued; for a
    // worker serving hundreds of streams that is noise, not news (the request is cancelled and cleaned up)
    private static final Logger NETTY_STREAM_ERRORS = Logger.getLogger("io.grpc.netty.NettyServerHandler");

    static {
        NETTY_STREAM_ERRORS.setLevel(Level.SEVERE);
        // about twice per 256-token iteration a stack trace on the thread that sends tokens; the worker's buffers
        // are gRPC's own
        LeakDetection.offUnlessAsked();
    }

    private final WorkerSettings settings;
    private final String workerId;
    private final PreciseScheduler engineThread;
    private final MockEngine engine;
    private final WorkerBridge bridge;
    private final EventHub hub = new EventHub();
    private final WorkerMetrics metrics;
    private final EmissionStats emission = new EmissionStats();
    private final Instant startedAt;
    private final CudaProbe.Result cuda;
    private final CountDownLatch exit = new CountDownLatch(1);
    private Server grpc;
    private ExecutorService grpcExecutor;
    private final EventLoopGroup eventLoops;
    private HttpServer http;
    private RouterLink router;
    private volatile boolean draining;
    private CompletableFuture<DrainResponse> drainFuture;
    private volatile boolean closed;

    private MockerWorker(WorkerSettings settings) {
        this.settings = settings;
        this.workerId = settings.workerId() == null || settings.workerId().isEmpty()
                ? "mocker-" + UUID.randomUUID().toString().substring(0, 8)
                : settings.workerId();
        EngineConfig config = settings.engine();
        // One Netty event loop runs the engine and every gRPC connection of this worker: tokens written from
        // the engine are queued without cross-thread hand-offs and flushed once per connection per iteration.
        // NIO timers have millisecond granularity, so iteration ends wake 1.5 ms early and spin.
        this.eventLoops = new NioEventLoopGroup(1, named("mocker-netty-" + workerId));
        this.engineThread = new PreciseScheduler(eventLoops.next(), Duration.ofNanos(1_500_000), false);
        this.startedAt = engineThread.now();
        String component = config.role() == Role.PREFILL ? "prefill" : "backend";
        this.metrics = new WorkerMetrics(
                settings.pool(),
                component,
                workerId,
                config.modelName(),
                config.dpRank(),
                config.blockSize(),
                config.numGpuBlocks(),
                engineThread.clock().instant());
        this.bridge = new WorkerBridge(
                workerId, config.dpRank(), engineThread.clock(), hub, metrics, emission, eventLoops.next());
        this.engine = new MockEngine(config, TimingModels.of(config), engineThread, bridge);
        bridge.initialLoad(engine.load());
        metrics.load(engine.load());
        this.cuda = settings.cudaProbe() ? CudaProbe.probe() : null;
        if (cuda != null) {
            LOG.log(System.Logger.Level.INFO, "CUDA probe: {0}", cuda.message());
            metrics.cuda(cuda);
        }
    }

    /** Starts a worker: engine, gRPC server, HTTP server, router registration. */
    public static MockerWorker start(WorkerSettings settings) throws IOException {
        MockerWorker w = new MockerWorker(settings);
        try {
            w.startServers();
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    private void startServers() throws IOException {
        onEngine(engine::start);
        // the worker's own, named threads: benches attribute CPU to the worker by these names
        grpcExecutor = Executors.newFixedThreadPool(4, named("mocker-grpc-" + workerId));
        grpc = Keepalive.permittingPings(
                        NettyServerBuilder.forAddress(new InetSocketAddress(settings.bindHost(), settings.grpcPort())))
                .channelType(NioServerSocketChannel.class)
                .bossEventLoopGroup(eventLoops)
                .workerEventLoopGroup(eventLoops)
                .executor(grpcExecutor)
                .addService(new WorkerService(this))
                .build()
                .start();
        if (settings.metricsPort() >= 0) {
            http = HttpServer.create(new InetSocketAddress(settings.bindHost(), settings.metricsPort()), 0);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.createContext("/metrics", this::serveMetrics);
            http.createContext("/health", this::serveHealth);
            http.start();
        }
        if (settings.routerAddress() != null && !settings.routerAddress().isBlank()) {
            router = new RouterLink(settings.routerAddress(), settings.routerToken(), this::info, this::heartbeat);
            router.start();
        }
        LOG.log(
                System.Logger.Level.INFO,
                "mocker worker {0} serving {1} ({2}) on gRPC {3}, metrics {4}",
                workerId,
                settings.engine().modelName(),
                settings.engine().disaggregationMode(),
                String.valueOf(grpcPort()),
                metricsUrl().isEmpty() ? "off" : metricsUrl());
    }

    public String workerId() {
        return workerId;
    }

    public int grpcPort() {
        return grpc.getPort();
    }

    /** HTTP port of /metrics and /health, or -1 when off. */
    public int metricsPort() {
        return http == null ? -1 : http.getAddress().getPort();
    }

    public boolean isDraining() {
        return draining;
    }

    /** Token timing error (send time minus modelled time) recorded so far. */
    public EmissionStats emissionStats() {
        return emission;
    }

    /** The CUDA probe result, or null when not probed. */
    public CudaProbe.Result cuda() {
        return cuda;
    }

    /** Whether the router link is registered right now (false without a router). */
    public boolean isRegistered() {
        return router != null && router.isRegistered();
    }

    /** Successful Register calls so far. */
    public int registrations() {
        return router == null ? 0 : router.registrations();
    }

    public WorkerInfo info() {
        EngineConfig c = settings.engine();
        return WorkerInfo.newBuilder()
                .setWorkerId(workerId)
                .setModel(c.modelName())
                .setRole(ProtoMapping.toProto(c.role()))
                .setGrpcAddress(settings.advertiseHost() + ":" + grpcPort())
                .setMetricsUrl(metricsUrl())
                .setBlockSize(c.blockSize())
                .setNumGpuBlocks(c.numGpuBlocks())
                .setMaxNumSeqs(c.maxNumSeqs())
                .setMaxNumBatchedTokens(c.maxNumBatchedTokens())
                .setGpus(settings.gpus())
                .setDraining(draining)
                .setDataParallelSize(1)
                .setPool(settings.pool())
                .build();
    }

    private String metricsUrl() {
        return http == null ? "" : "http://" + settings.advertiseHost() + ":" + metricsPort() + "/metrics";
    }

    private WorkerHeartbeatRequest heartbeat() {
        return WorkerHeartbeatRequest.newBuilder()
                .setWorkerId(workerId)
                .setDraining(draining)
                .setLoad(bridge.lastLoad())
                .build();
    }

    EngineConfig engineConfig() {
        return settings.engine();
    }

    MockEngine engine() {
        return engine;
    }

    WorkerBridge bridge() {
        return bridge;
    }

    EventHub hub() {
        return hub;
    }

    WorkerMetrics metrics() {
        return metrics;
    }

    /** Runs {@code task} on the engine thread. */
    void onEngine(Runnable task) {
        engineThread.execute(task);
    }

    /**
     * Stops accepting requests, lets in-flight ones finish within {@code grace} (null = the configured
     * default), aborts what is left, deregisters from the router. Idempotent: later calls get the same result.
     *
     * @param exitWhenDrained release {@link #awaitExit()} once drained
     */
    public synchronized CompletableFuture<DrainResponse> drain(Duration grace, boolean exitWhenDrained) {
        if (exitWhenDrained) {
            CompletableFuture<DrainResponse> f = drainFuture != null ? drainFuture : startDrain(grace);
            f.whenComplete((r, e) -> exit.countDown());
            return f;
        }
        return drainFuture != null ? drainFuture : startDrain(grace);
    }

    private CompletableFuture<DrainResponse> startDrain(Duration grace) {
        Duration g = grace == null ? settings.drainGrace() : grace;
        draining = true;
        bridge.draining = true;
        metrics.draining.set(1);
        drainFuture = new CompletableFuture<>();
        if (router != null) {
            router.nudge();
        }
        LOG.log(System.Logger.Level.INFO, "worker {0} draining (grace {1} ms)", workerId, String.valueOf(g.toMillis()));
        onEngine(() -> {
            int atStart = engine.inFlight();
            long completedBefore = bridge.completed.get();
            Instant deadline = engineThread.now().plus(g);
            pollDrain(atStart, completedBefore, deadline);
        });
        return drainFuture;
    }

    private void pollDrain(int atStart, long completedBefore, Instant deadline) {
        int aborted = 0;
        if (engine.inFlight() > 0) {
            if (engineThread.now().isBefore(deadline)) {
                // plain event-loop timer: polling needs no spin-assisted precision
                eventLoops
                        .next()
                        .schedule(() -> pollDrain(atStart, completedBefore, deadline), 10, TimeUnit.MILLISECONDS);
                return;
            }
            aborted = engine.abortAll();
            LOG.log(System.Logger.Level.WARNING, "drain grace expired: aborted {0} request(s)", aborted);
        }
        DrainResponse response = DrainResponse.newBuilder()
                .setInFlightAtStart(atStart)
                .setCompleted((int) (bridge.completed.get() - completedBefore))
                .setAborted(aborted)
                .build();
        // deregistering blocks on a network call: not on the engine thread
        Thread.ofVirtual().name("drain-" + workerId).start(() -> {
            if (router != null) {
                router.deregister();
            }
            LOG.log(
                    System.Logger.Level.INFO,
                    "worker {0} drained: {1} in flight at start, {2} completed, {3} aborted",
                    workerId,
                    atStart,
                    response.getCompleted(),
                    response.getAborted());
            drainFuture.complete(response);
        });
    }

    /** Blocks until a drain asked to exit has finished, or the worker is closed. */
    public void awaitExit() throws InterruptedException {
        exit.await();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (router != null) {
            router.close();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        engineThread.execute(() -> {
            engine.stop();
            hub.completeAll();
            stopped.countDown();
        });
        try {
            stopped.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (grpc != null) {
            grpc.shutdown();
            try {
                if (!grpc.awaitTermination(2, TimeUnit.SECONDS)) {
                    grpc.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                grpc.shutdownNow();
            }
        }
        if (http != null) {
            http.stop(0);
        }
        if (grpcExecutor != null) {
            grpcExecutor.shutdownNow();
        }
        engineThread.close();
        eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        exit.countDown();
    }

    /** Prefix of the names of every thread this worker runs (engine, gRPC, Netty). */
    public String threadNamePrefix() {
        return "mocker-";
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private void serveMetrics(HttpExchange exchange) throws IOException {
        metrics.uptime.set(Duration.between(startedAt, engineThread.now()).toMillis() / 1000.0);
        ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
        metrics.write(body);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        respond(exchange, 200, body.toByteArray());
    }

    private void serveHealth(HttpExchange exchange) throws IOException {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"status\":\"")
                .append(draining ? "draining" : "healthy")
                .append('"')
                .append(",\"worker_id\":\"")
                .append(workerId)
                .append('"')
                .append(",\"model\":\"")
                .append(escape(settings.engine().modelName()))
                .append('"')
                .append(",\"role\":\"")
                .append(settings.engine().disaggregationMode())
                .append('"')
                .append(",\"in_flight\":")
                .append(bridge.inFlight.get())
                .append(",\"registered\":")
                .append(isRegistered());
        if (cuda != null) {
            json.append(",\"cuda\":{\"available\":")
                    .append(cuda.available())
                    .append(",\"devices\":")
                    .append(cuda.deviceCount())
                    .append(",\"h2d_gbps\":")
                    .append(cuda.h2dGbps())
                    .append(",\"message\":\"")
                    .append(escape(cuda.message()))
                    .append("\"}");
        }
        json.append('}');
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        // 503 while draining so readiness probes take the worker out of rotation
        respond(exchange, draining ? 503 : 200, json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
