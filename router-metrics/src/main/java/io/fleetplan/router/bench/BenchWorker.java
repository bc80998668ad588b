package io.fleetplan.router.bench;

import io.fleetplan.proto.v1.FinishReason;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.Heartbeat;
import io.fleetplan.proto.v1.RegisterRequest;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.StreamEventsRequest;
import io.fleetplan.proto.v1.Usage;
import io.fleetplan.proto.v1.WorkerEvent;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.fleetplan.proto.v1.WorkerHeartbeatRequest;
import io.fleetplan.proto.v1.WorkerInfo;
import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.net.IoLoops;
import io.fleetplan.proto.net.Keepalive;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A zero-work worker for measuring what the serving path adds: it emits a token every {@code itlMs} and records,
 * per request, when the request arrived and when each token left, on the JVM's nanoTime (the bench client runs
 * in the same JVM and compares against it).
 */
final class BenchWorker extends WorkerGrpc.WorkerImplBase implements AutoCloseable {

    /** Arrival and per-token send times of one request. */
    record Trace(long arrivedNanos, long[] sentNanos) {
    }

    /** Shared by all bench workers of the process (daemon threads); tokens are emitted on them too. */
    private static final IoLoops LOOPS = new IoLoops("bench-worker-io", 1);

    private final String id;
    private final long itlMs;
    private volatile boolean closed;
    private final Server server;
    final Map<String, Trace> traces = new ConcurrentHashMap<>();
    private ManagedChannel routerChannel;

    BenchWorker(String id, long itlMs) throws IOException {
        this.id = id;
        this.itlMs = itlMs;
        // loops of their own, so the bench can tell the workers' CPU from the LocalRouter's (default gRPC loops)
        this.server = Keepalive.permittingPings(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .directExecutor()
                .bossEventLoopGroup(LOOPS.group).workerEventLoopGroup(LOOPS.group).channelType(LOOPS.serverChannel)
                .addService(this).build().start();
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    void register(String routerAddress) {
        routerChannel = NettyChannelBuilder.forTarget(routerAddress).usePlaintext().build();
        RouterGrpc.RouterBlockingStub stub = RouterGrpc.newBlockingStub(routerChannel);
        stub.register(RegisterRequest.newBuilder().setWorker(WorkerInfo.newBuilder().setWorkerId(id)
                .setRole(WorkerRole.AGGREGATED).setGrpcAddress("127.0.0.1:" + server.getPort()).setBlockSize(64)
                .setNumGpuBlocks(16384)).build());
        // heartbeats block on the router: never on the event loop that emits tokens, or its streams stall
        Thread.ofPlatform().daemon().name("bench-heartbeat-" + id).start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(500);
                    stub.workerHeartbeat(WorkerHeartbeatRequest.newBuilder().setWorkerId(id).build());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException ignored) {
                    // the router is shutting down
                }
            }
        });
    }

    @Override
    public void streamEvents(StreamEventsRequest request, StreamObserver<WorkerEvent> response) {
        response.onNext(WorkerEvent.newBuilder().setWorkerId(id).setHeartbeat(Heartbeat.newBuilder()).build());
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> response) {
        long arrived = System.nanoTime();
        Trace trace = new Trace(arrived, new long[request.getMaxTokens()]);
        traces.put(request.getRequestId(), trace);
        // generate() runs on the transport thread of the caller's connection (direct executor): emitting on that
        // loop writes each token inline, so the worker adds no thread hand-off of its own between the send stamp
        // and the socket (a worker-side delay is not what the bench measures)
        EventLoop loop = LOOPS.current();
        emit(loop != null ? loop : LOOPS.group.next(), request, (ServerCallStreamObserver<GenerateResponse>) response,
                trace, 0);
    }

    private void emit(EventLoop loop, GenerateRequest request, ServerCallStreamObserver<GenerateResponse> out,
                      Trace trace, int i) {
        loop.schedule(() -> {
            if (closed || out.isCancelled()) {
                return;
            }
            boolean last = i + 1 == request.getMaxTokens();
            GenerateResponse.Builder b = GenerateResponse.newBuilder().setRequestId(request.getRequestId())
                    .addTokenIds(1000 + i).setIndex(i).setWorkerId(id).setFinished(last);
            if (last) {
                b.setFinishReason(FinishReason.LENGTH).setUsage(Usage.newBuilder()
                        .setPromptTokens(request.getTokenIdsCount()).setCompletionTokens(request.getMaxTokens()));
            }
            trace.sentNanos()[i] = System.nanoTime();
            out.onNext(b.build());
            if (last) {
                out.onCompleted();
            } else {
                emit(loop, request, out, trace, i + 1);
            }
        }, Math.max(0, due(trace, i) - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * Token {@code i} is due {@code (i + 1) * itl} after the request arrived: a fixed cadence, like an engine's
     * step clock. Scheduling each token {@code itl} after the previous one was actually sent instead lets every
     * hiccup (a GC pause, a late timer) push all later tokens back, and every stream the same hiccup touched then
     * emits in lockstep from there on: runs drifted into bursts of hundreds of tokens in the same instant, which
     * made most of their p99.
     */
    private long due(Trace trace, int i) {
        return trace.arrivedNanos() + (i + 1) * itlMs * 1_000_000L;
    }

    @Override
    public void close() {
        closed = true;
        server.shutdownNow();
        if (routerChannel != null) {
            routerChannel.shutdownNow();
        }
    }
}
