package io.fleetplan.router.testing;

import io.fleetplan.proto.net.SharedToken;
import io.fleetplan.proto.v1.ActiveLoad;
import io.fleetplan.proto.v1.DrainRequest;
import io.fleetplan.proto.v1.DrainResponse;
import io.fleetplan.proto.v1.FinishReason;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.GetInfoRequest;
import io.fleetplan.proto.v1.Heartbeat;
import io.fleetplan.proto.v1.KvCacheEvent;
import io.fleetplan.proto.v1.KvStored;
import io.fleetplan.proto.v1.KvTransferParams;
import io.fleetplan.proto.v1.RegisterRequest;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.StoredBlock;
import io.fleetplan.proto.v1.StreamEventsRequest;
import io.fleetplan.proto.v1.Usage;
import io.fleetplan.proto.v1.WorkerEvent;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.fleetplan.proto.v1.WorkerHeartbeatRequest;
import io.fleetplan.proto.v1.WorkerInfo;
import io.fleetplan.proto.v1.WorkerRole;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny Worker gRPC server for tests: streams max_tokens tokens every {@code tokenDelayMs}, reports the
 * prompt's block hashes as KV "stored" events (as a prefix-caching engine would), heartbeats on its event
 * stream, and can be told to fail or die.
 */
public final class FakeWorker extends WorkerGrpc.WorkerImplBase implements AutoCloseable {

    private final String id;
    private final WorkerRole role;
    private final long tokenDelayMs;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final List<StreamObserver<WorkerEvent>> subscribers = new CopyOnWriteArrayList<>();
    public final List<GenerateRequest> received = new CopyOnWriteArrayList<>();
    /** Request ids whose Generate stream the caller cancelled. */
    public final List<String> cancelled = new CopyOnWriteArrayList<>();

    private final AtomicLong eventId = new AtomicLong();
    private final Server server;
    private volatile boolean failBeforeTokens;
    private volatile boolean draining;
    private ManagedChannel routerChannel;
    private ScheduledFuture<?> heartbeats;

    public FakeWorker(String id, long tokenDelayMs) throws IOException {
        this(id, WorkerRole.AGGREGATED, tokenDelayMs);
    }

    public FakeWorker(String id, WorkerRole role, long tokenDelayMs) throws IOException {
        this.id = id;
        this.role = role;
        this.tokenDelayMs = tokenDelayMs;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(this)
                .build()
                .start();
        timer.scheduleAtFixedRate(
                () -> publish(WorkerEvent.newBuilder()
                        .setHeartbeat(Heartbeat.newBuilder().setDraining(draining))),
                100,
                100,
                TimeUnit.MILLISECONDS);
    }

    public String id() {
        return id;
    }

    public String address() {
        return "127.0.0.1:" + server.getPort();
    }

    public WorkerInfo info() {
        return WorkerInfo.newBuilder()
                .setWorkerId(id)
                .setRole(role)
                .setGrpcAddress(address())
                .setBlockSize(16)
                .setNumGpuBlocks(1000)
                .setMaxNumBatchedTokens(8192)
                .setMaxNumSeqs(64)
                .setModel("fake")
                .setDraining(draining)
                .build();
    }

    /** Registers with a router and heartbeats every 100 ms through the Router RPC too. */
    public FakeWorker registerWith(String routerAddress) {
        return registerWith(routerAddress, null);
    }

    /** Registers sending {@code token} as the pool's worker token (null = none). */
    public FakeWorker registerWith(String routerAddress, String token) {
        routerChannel =
                NettyChannelBuilder.forTarget(routerAddress).usePlaintext().build();
        RouterGrpc.RouterBlockingStub plain = RouterGrpc.newBlockingStub(routerChannel);
        RouterGrpc.RouterBlockingStub stub =
                token == null ? plain : plain.withCallCredentials(SharedToken.credentials(token));
        stub.register(RegisterRequest.newBuilder().setWorker(info()).build());
        heartbeats = timer.scheduleAtFixedRate(
                () -> {
                    try {
                        stub.workerHeartbeat(WorkerHeartbeatRequest.newBuilder()
                                .setWorkerId(id)
                                .setDraining(draining)
                                .build());
                    } catch (RuntimeException ignored) {
                        // router gone or restarted; tests that care check the router side
                    }
                },
                100,
                100,
                TimeUnit.MILLISECONDS);
        return this;
    }

    public void setDraining(boolean draining) {
        this.draining = draining;
    }

    public void failBeforeTokens(boolean fail) {
        this.failBeforeTokens = fail;
    }

    public void publishLoad(ActiveLoad load) {
        publish(WorkerEvent.newBuilder().setLoad(load));
    }

    private void publish(WorkerEvent.Builder event) {
        WorkerEvent e = event.setWorkerId(id)
                .setTime(System.currentTimeMillis() / 1000.0)
                .build();
        for (StreamObserver<WorkerEvent> s : subscribers) {
            try {
                synchronized (s) {
                    s.onNext(e);
                }
            } catch (RuntimeException gone) {
                subscribers.remove(s);
            }
        }
    }

    @Override
    public void streamEvents(StreamEventsRequest request, StreamObserver<WorkerEvent> response) {
        ((ServerCallStreamObserver<WorkerEvent>) response).setOnCancelHandler(() -> subscribers.remove(response));
        synchronized (response) {
            response.onNext(
                    WorkerEvent.newBuilder().setWorkerId(id).setInfo(info()).build());
        }
        subscribers.add(response);
    }

    @Override
    public void getInfo(GetInfoRequest request, StreamObserver<WorkerInfo> response) {
        response.onNext(info());
        response.onCompleted();
    }

    @Override
    public void drain(DrainRequest request, StreamObserver<DrainResponse> response) {
        draining = true;
        response.onNext(DrainResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> response) {
        received.add(request);
        if (failBeforeTokens) {
            response.onError(Status.INTERNAL.withDescription("engine failure").asRuntimeException());
            return;
        }
        if (request.getBlockHashesCount() > 0) {
            KvStored.Builder stored = KvStored.newBuilder();
            for (long h : request.getBlockHashesList()) {
                stored.addBlocks(StoredBlock.newBuilder().setBlockHash(h).setTokensHash(h));
            }
            publish(WorkerEvent.newBuilder()
                    .setKv(KvCacheEvent.newBuilder()
                            .setEventId(eventId.getAndIncrement())
                            .setStored(stored)));
        }
        int isl = request.getTokenIdsCount() > 0 ? request.getTokenIdsCount() : request.getPromptTokens();
        int max = role == WorkerRole.PREFILL ? 1 : request.getMaxTokens();
        ServerCallStreamObserver<GenerateResponse> out = (ServerCallStreamObserver<GenerateResponse>) response;
        out.setOnCancelHandler(() -> cancelled.add(request.getRequestId()));
        // like the mocker: with a KV handoff the prefill worker's token was index 0; continue at index 1
        int start = request.hasKvTransfer() ? 1 : 0;
        if (start >= max) {
            out.onNext(GenerateResponse.newBuilder()
                    .setRequestId(request.getRequestId())
                    .setWorkerId(id)
                    .setFinished(true)
                    .setFinishReason(FinishReason.LENGTH)
                    .setUsage(Usage.newBuilder().setPromptTokens(isl).setCompletionTokens(0))
                    .build());
            out.onCompleted();
            return;
        }
        emit(request, out, start, max, isl);
    }

    private void emit(
            GenerateRequest request, ServerCallStreamObserver<GenerateResponse> out, int index, int max, int isl) {
        timer.schedule(
                () -> {
                    if (out.isCancelled()) {
                        return;
                    }
                    boolean last = index + 1 == max;
                    GenerateResponse.Builder b = GenerateResponse.newBuilder()
                            .setRequestId(request.getRequestId())
                            .addTokenIds(1000 + index)
                            .setIndex(index)
                            .setWorkerId(id)
                            .setFinished(last);
                    if (last) {
                        b.setFinishReason(FinishReason.LENGTH)
                                .setUsage(
                                        Usage.newBuilder().setPromptTokens(isl).setCompletionTokens(max));
                        if (role == WorkerRole.PREFILL) {
                            b.setKvTransfer(KvTransferParams.newBuilder()
                                    .setPrefillWorkerId(id)
                                    .setTransferredTokens(isl)
                                    .setFirstTokenId(1000));
                        }
                    }
                    try {
                        out.onNext(b.build());
                        if (last) {
                            out.onCompleted();
                        } else {
                            emit(request, out, index + 1, max, isl);
                        }
                    } catch (RuntimeException cancelled) {
                        // client went away
                    }
                },
                tokenDelayMs,
                TimeUnit.MILLISECONDS);
    }

    /** Dies like a crashed process: the server stops, heartbeats stop. */
    public void kill() {
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        timer.shutdownNow();
        server.shutdownNow();
    }

    @Override
    public void close() {
        kill();
        if (routerChannel != null) {
            routerChannel.shutdownNow();
        }
    }
}
