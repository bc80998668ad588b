package io.fleetplan.router.local;

import com.sun.net.httpserver.HttpServer;
import io.fleetplan.common.time.Scheduler;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.proto.net.Keepalive;
import io.fleetplan.proto.net.SharedToken;
import io.fleetplan.proto.v1.DeregisterRequest;
import io.fleetplan.proto.v1.DeregisterResponse;
import io.fleetplan.proto.v1.FinishedPrompt;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.ListWorkersRequest;
import io.fleetplan.proto.v1.ListWorkersResponse;
import io.fleetplan.proto.v1.PoolMetrics;
import io.fleetplan.proto.v1.PoolMetricsRequest;
import io.fleetplan.proto.v1.RegisterRequest;
import io.fleetplan.proto.v1.RegisterResponse;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.WorkerEvent;
import io.fleetplan.proto.v1.WorkerHeartbeatRequest;
import io.fleetplan.proto.v1.WorkerHeartbeatResponse;
import io.fleetplan.router.core.KvEvent;
import io.fleetplan.router.core.PoolRouter;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.core.WorkerSpec;
import io.fleetplan.router.core.WorkerView;
import io.fleetplan.router.metrics.MetricsHttp;
import io.fleetplan.router.net.IoLoops;
import io.fleetplan.router.net.RawRequest;
import io.fleetplan.router.net.RawResponse;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool's LocalRouter process: the gRPC {@code Router} service (worker registration and heartbeats, Generate
 * routed KV-aware to a worker with retry, pool metrics stream, worker list), each worker's event stream feeding
 * the prefix index and load, and an HTTP server with {@code /metrics} and {@code /health}.
 */
public final class LocalRouter extends RouterGrpc.RouterImplBase implements AutoCloseable {

    /**
     * How to run one router.
     *
     * @param workerToken the shared token that Register, WorkerHeartbeat, Deregister and ListWorkers must carry
     *                    ({@code authorization: Bearer TOKEN}); null = no check (loopback only, see RouterCommand)
     */
    public record Options(
            String pool,
            String routerId,
            String host,
            int grpcPort,
            int metricsPort,
            RouterConfig config,
            String workerToken) {

        public Options(String pool, String routerId, String host, int grpcPort, int metricsPort, RouterConfig config) {
            this(pool, routerId, host, grpcPort, metricsPort, config, null);
        }
    }

    /**
     * What only the pool's own members may call: joining or leaving the pool (a rogue Register receives user
     * prompts, a forged Deregister or draining heartbeat takes a worker out) and listing the workers' addresses.
     */
    static final Set<String> MEMBER_METHODS = Set.of(
            RouterGrpc.getRegisterMethod().getFullMethodName(),
            RouterGrpc.getWorkerHeartbeatMethod().getFullMethodName(),
            RouterGrpc.getDeregisterMethod().getFullMethodName(),
            RouterGrpc.getListWorkersMethod().getFullMethodName());

    private static final System.Logger LOG = System.getLogger(LocalRouter.class.getName());

    private final Options options;
    private final RouterState state;
    private final RouterMetrics metrics;
    private final PoolStats stats = new PoolStats();
    private final WallClockScheduler scheduler;
    private final IoLoops loops;
    private final WorkerLinks links;
    private final AtomicLong sequence = new AtomicLong();
    private Server server;
    private HttpServer http;
    private Scheduler.Cancellable expiry;

    public LocalRouter(Options options) {
        this.options = options;
        this.scheduler = new WallClockScheduler("router-" + options.pool(), 2);
        long seed = options.config().seed() != null ? options.config().seed() : System.nanoTime();
        this.state = new RouterState(new PoolRouter(options.config(), scheduler.clock(), new SplittableRandom(seed)));
        this.metrics = new RouterMetrics(options.pool(), "router", options.routerId(), state::workers);
        this.loops = new IoLoops("router-io", IoLoops.threads("fleetplan.router.io-threads"));
        this.links = new WorkerLinks(scheduler, loops, this::onWorkerEvent);
    }

    /** Starts the gRPC and HTTP servers. */
    public LocalRouter start() throws IOException {
        server = Keepalive.permittingPings(
                        NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.grpcPort())))
                .bossEventLoopGroup(loops.group)
                .workerEventLoopGroup(loops.group)
                .channelType(loops.serverChannel)
                .directExecutor()
                .addService(guarded(service()))
                .build()
                .start();
        http = HttpServer.create(new InetSocketAddress(options.host(), options.metricsPort()), 64);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/metrics", ex -> MetricsHttp.serve(ex, metrics.registry()));
        http.createContext("/health", ex -> {
            try (ex) {
                int ready = state.readyWorkers();
                byte[] body = ("{\"status\":\"" + (ready > 0 ? "healthy" : "no_ready_worker") + "\",\"pool\":\""
                                + options.pool() + "\",\"ready_workers\":" + ready + "}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(body);
                }
            }
        });
        http.start();
        Duration period = Duration.ofMillis(Math.max(10, options.config().heartbeatIntervalMs()));
        expiry = scheduler.scheduleAtFixedRate(period, period, this::expireWorkers);
        return this;
    }

    private ServerServiceDefinition guarded(ServerServiceDefinition service) {
        if (options.workerToken() == null) {
            return service;
        }
        return ServerInterceptors.intercept(
                service, SharedToken.of(options.workerToken()).guarding(MEMBER_METHODS, "the pool's worker token"));
    }

    public int grpcPort() {
        return server.getPort();
    }

    public int metricsPort() {
        return http.getAddress().getPort();
    }

    public String pool() {
        return options.pool();
    }

    public String routerId() {
        return options.routerId();
    }

    IoLoops loops() {
        return loops;
    }

    RouterConfig config() {
        return options.config();
    }

    RouterState state() {
        return state;
    }

    public RouterMetrics metrics() {
        return metrics;
    }

    PoolStats stats() {
        return stats;
    }

    WorkerLinks links() {
        return links;
    }

    /** Every registered worker (tests, diagnostics). */
    public List<WorkerView> workers() {
        return state.workers();
    }

    private void expireWorkers() {
        for (String gone : state.expire()) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "pool {0}: worker {1} missed heartbeats for {2} ms: removed",
                    options.pool(),
                    gone,
                    options.config().heartbeatTimeoutMs());
            links.remove(gone);
            metrics.forget(gone);
        }
    }

    private void onWorkerEvent(String workerId, WorkerEvent event) {
        boolean known = switch (event.getEventCase()) {
            case KV -> {
                KvEvent kv = ProtoMapping.kv(event.getKv());
                yield kv == null ? state.seen(workerId) : state.applyKvEvent(workerId, kv) || state.seen(workerId);
            }
            case LOAD -> state.heartbeat(workerId, null, ProtoMapping.load(event.getLoad()));
            case HEARTBEAT -> state.heartbeat(workerId, event.getHeartbeat().getDraining(), null);
            case INFO -> state.heartbeat(workerId, event.getInfo().getDraining(), null);
            default -> state.seen(workerId);
        };
        if (!known) {
            links.remove(workerId);
        }
    }

    // ------------------------------------------------------------------ Router service

    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
        var info = request.getWorker();
        if (info.getWorkerId().isBlank()) {
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("worker.worker_id must not be empty")
                    .asRuntimeException());
            return;
        }
        if (!info.getGrpcAddress().matches("[^:\\s]+:\\d{1,5}")) {
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("worker.grpc_address must be host:port, was '" + info.getGrpcAddress() + "'")
                    .asRuntimeException());
            return;
        }
        WorkerSpec spec;
        try {
            spec = ProtoMapping.spec(info);
        } catch (IllegalArgumentException e) {
            response.onError(
                    Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        boolean fresh = state.register(spec);
        LOG.log(
                System.Logger.Level.INFO,
                "pool {0}: worker {1} {2} at {3}",
                options.pool(),
                spec.id(),
                fresh ? "registered" : "re-registered",
                spec.address());
        if (info.getDraining()) {
            state.heartbeat(spec.id(), true, null);
        }
        links.connect(spec.id(), spec.address());
        response.onNext(RegisterResponse.newBuilder()
                .setRouterId(options.routerId())
                .setHeartbeatIntervalMs(options.config().heartbeatIntervalMs())
                .setHeartbeatTimeoutMs(options.config().heartbeatTimeoutMs())
                .build());
        response.onCompleted();
    }

    @Override
    public void workerHeartbeat(WorkerHeartbeatRequest request, StreamObserver<WorkerHeartbeatResponse> response) {
        boolean known = state.heartbeat(
                request.getWorkerId(),
                request.getDraining(),
                request.hasLoad() ? ProtoMapping.load(request.getLoad()) : null);
        if (!known) {
            response.onError(Status.NOT_FOUND
                    .withDescription("worker '" + request.getWorkerId() + "' is not registered with router "
                            + options.routerId() + ": register again")
                    .asRuntimeException());
            return;
        }
        response.onNext(WorkerHeartbeatResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void deregister(DeregisterRequest request, StreamObserver<DeregisterResponse> response) {
        state.deregister(request.getWorkerId());
        links.remove(request.getWorkerId());
        metrics.forget(request.getWorkerId());
        response.onNext(DeregisterResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void listWorkers(ListWorkersRequest request, StreamObserver<ListWorkersResponse> response) {
        ListWorkersResponse.Builder b = ListWorkersResponse.newBuilder();
        for (WorkerView v : state.workers()) {
            b.addWorkers(ProtoMapping.workerLoad(v, links.lastFpm(v.id()), metrics.last(v.id())));
        }
        response.onNext(b.build());
        response.onCompleted();
    }

    /**
     * The Router service as bound by {@code bindService()}, except that {@code Generate} answers with the
     * workers' messages as their wire bytes ({@link RawResponse}: the same method and messages on the wire), so a
     * token relayed through the router is neither parsed into a message nor serialised again.
     */
    private ServerServiceDefinition service() {
        return RawResponse.replacing(
                bindService(),
                ServerMethodDefinition.create(
                        RawResponse.ROUTER_GENERATE, ServerCalls.asyncServerStreamingCall(this::generateRaw)));
    }

    /**
     * Not served: {@link #start()} binds {@code Generate} to the raw relay ({@link #service()}); this override only
     * says so to anyone binding the generated definition instead.
     */
    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> response) {
        response.onError(Status.UNIMPLEMENTED
                .withDescription("bind LocalRouter through start()")
                .asRuntimeException());
    }

    private void generateRaw(RawRequest request, StreamObserver<RawResponse> response) {
        String problem = validate(request);
        if (problem != null) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
            return;
        }
        int isl = request.tokenCount() > 0 ? request.tokenCount() : request.promptTokens();
        long[] hashes;
        if (request.blockHashCount() > 0) {
            hashes = request.blockHashes();
        } else if (request.tokenCount() > 0) {
            hashes = state.hashPrompt(request.tokenIds());
        } else {
            hashes = new long[0];
        }
        String id = request.requestId().isEmpty() ? "req-" + sequence.incrementAndGet() : request.requestId();
        RawRequest forwarded = request.requestId().isEmpty() ? request.withRequestId(id) : request;
        // the tracking key is unique even if callers reuse request ids
        String trackId = id + "#" + sequence.incrementAndGet();
        new RoutedCall(this, forwarded, (ServerCallStreamObserver<RawResponse>) response, trackId, hashes, isl).start();
    }

    private static String validate(RawRequest r) {
        if (r.maxTokens() < 1) {
            return "max_tokens must be >= 1, was " + r.maxTokens();
        }
        if (r.tokenCount() == 0 && r.promptTokens() == 0) {
            return "the prompt is empty: set token_ids or prompt_tokens (>= 1)";
        }
        return null;
    }

    @Override
    public void streamPoolMetrics(PoolMetricsRequest request, StreamObserver<PoolMetrics> response) {
        int intervalMs = request.getIntervalMs() == 0 ? 1000 : request.getIntervalMs();
        if (intervalMs < 10) {
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("interval_ms must be 0 (= 1000) or >= 10, was " + intervalMs)
                    .asRuntimeException());
            return;
        }
        ServerCallStreamObserver<PoolMetrics> out = (ServerCallStreamObserver<PoolMetrics>) response;
        PoolStats.Snapshot[] previous = {stats.snapshot()};
        long[] previousNanos = {System.nanoTime()};
        AtomicLong total = new AtomicLong();
        Scheduler.Cancellable[] task = new Scheduler.Cancellable[1];
        task[0] = scheduler.scheduleAtFixedRate(Duration.ofMillis(intervalMs), Duration.ofMillis(intervalMs), () -> {
            if (out.isCancelled()) {
                task[0].cancel();
                return;
            }
            PoolStats.Snapshot now = stats.snapshot();
            long nanos = System.nanoTime();
            long since = previousNanos[0];
            double seconds = (nanos - since) / 1e9;
            PoolStats.Window w = now.since(previous[0], seconds);
            previous[0] = now;
            previousNanos[0] = nanos;
            total.set(now.finished());
            PoolStats.Oldest oldest = stats.oldestWaiting(System.nanoTime());
            PoolMetrics.Builder b = PoolMetrics.newBuilder()
                    .setRouterId(options.routerId())
                    .setPool(options.pool())
                    .setTime(scheduler.now().toEpochMilli() / 1000.0)
                    .setWindowSeconds(seconds)
                    .setRequestRate(seconds > 0 ? w.requests() / seconds : 0)
                    .setNumRequests(w.requests())
                    .setMeanIsl(w.meanIsl())
                    .setMeanOsl(w.meanOsl())
                    .setMeanTtftMs(w.meanTtftMs())
                    .setMeanItlMs(w.meanItlMs())
                    .setKvHitRate(w.kvHitRate())
                    .setRequestsTotal(total.get())
                    .setP99TtftMs(w.p99TtftMs())
                    .setP99ItlMs(w.p99ItlMs())
                    .setArrivalsTotal(stats.arrivedTotal())
                    .setOldestWaitingMs(oldest.waitedMs())
                    .setOldestWaitingIsl(oldest.isl())
                    .setKvHitRateSum(now.sumHit())
                    .setKvHitRateCount(now.hitCount());
            for (PoolStats.FinishedPrompt p : stats.prompts(since, nanos)) {
                b.addFinishedPrompts(
                        FinishedPrompt.newBuilder().setNewTokens(p.newTokens()).setTtftMs(p.ttftMs()));
            }
            for (WorkerView v : state.workers()) {
                b.addWorkers(ProtoMapping.workerLoad(v, links.lastFpm(v.id()), metrics.last(v.id())));
            }
            try {
                out.onNext(b.build());
            } catch (RuntimeException e) {
                task[0].cancel();
            }
        });
        out.setOnCancelHandler(() -> task[0].cancel());
    }

    @Override
    public void close() {
        if (expiry != null) {
            expiry.cancel();
        }
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (http != null) {
            http.stop(0);
        }
        links.close();
        scheduler.close();
        loops.close();
    }
}
