package io.fleetplan.bench.router;

import com.google.protobuf.CodedOutputStream;
import io.fleetplan.proto.net.Keepalive;
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
import io.fleetplan.router.net.RawRequest;
import io.fleetplan.router.net.RawResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
    record Trace(long arrivedNanos, long[] sentNanos) {}

    /** Shared by all bench workers of the process (daemon threads); tokens are emitted on them too. */
    private static final IoLoops LOOPS = new IoLoops("bench-worker-io", 1);

    private final String id;
    private final long itlMs;
    private volatile boolean closed;
    private final Server server;
    final Map<String, Trace> traces = new ConcurrentHashMap<>();
    private ManagedChannel routerChannel;
    /** {@code worker_id} as encoded in every message. */
    private final byte[] workerIdField;

    BenchWorker(String id, long itlMs) throws IOException {
        this.id = id;
        this.itlMs = itlMs;
        this.workerIdField = RawResponse.workerIdField(id);
        // loops of their own, so the bench can tell the workers' CPU from the LocalRouter's (default gRPC loops)
        this.server = Keepalive.permittingPings(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .directExecutor()
                .bossEventLoopGroup(LOOPS.group)
                .workerEventLoopGroup(LOOPS.group)
                .channelType(LOOPS.serverChannel)
                .addService(RawResponse.replacing(
                        bindService(),
                        ServerMethodDefinition.create(
                                RawResponse.WORKER_GENERATE, ServerCalls.asyncServerStreamingCall(this::generate))))
                .build()
                .start();
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    void register(String routerAddress) {
        routerChannel =
                NettyChannelBuilder.forTarget(routerAddress).usePlaintext().build();
        RouterGrpc.RouterBlockingStub stub = RouterGrpc.newBlockingStub(routerChannel);
        stub.register(RegisterRequest.newBuilder()
                .setWorker(WorkerInfo.newBuilder()
                        .setWorkerId(id)
                        .setRole(WorkerRole.AGGREGATED)
                        .setGrpcAddress("127.0.0.1:" + server.getPort())
                        .setBlockSize(64)
                        .setNumGpuBlocks(16384))
                .build());
        // heartbeats block on the router: never on the event loop that emits tokens, or its streams stall
        Thread.ofPlatform().daemon().name("bench-heartbeat-" + id).start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(500);
                    stub.workerHeartbeat(
                            WorkerHeartbeatRequest.newBuilder().setWorkerId(id).build());
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
        response.onNext(WorkerEvent.newBuilder()
                .setWorkerId(id)
                .setHeartbeat(Heartbeat.newBuilder())
                .build());
    }

    /**
     * Not served: the server binds {@code Generate} to {@link #generate(RawRequest, StreamObserver)}, which reads
     * only what it needs of the request (its prompt ids are not decoded: the bench stands for an engine, not for
     * protobuf garbage in the shared heap) and sends pre-encoded messages.
     */
    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> response) {
        response.onError(Status.UNIMPLEMENTED.asRuntimeException());
    }

    private void generate(RawRequest request, StreamObserver<RawResponse> response) {
        long arrived = System.nanoTime();
        Trace trace = new Trace(arrived, new long[request.maxTokens()]);
        traces.put(request.requestId(), trace);
        // generate() runs on the transport thread of the caller's connection (direct executor): emitting on that
        // loop writes each token inline, so the worker adds no thread hand-off of its own between the send stamp
        // and the socket (a worker-side delay is not what the bench measures)
        EventLoop loop = LOOPS.current();
        new Stream(
                        loop != null ? loop : LOOPS.group.next(),
                        request,
                        (ServerCallStreamObserver<RawResponse>) response,
                        trace)
                .next();
    }

    /**
     * One request's tokens, each sent by a timer task on the loop of its connection. Messages before the last are
     * encoded straight into bytes from two pre-encoded fields (request id, worker id) around the token and its
     * index: what the builder would write, without a builder, message and encoder per token.
     */
    private final class Stream implements Runnable {
        private final EventLoop loop;
        private final String requestId;
        private final int maxTokens;
        private final int promptTokens;
        private final ServerCallStreamObserver<RawResponse> out;
        private final Trace trace;
        private final byte[] requestIdField;
        private int i;

        Stream(EventLoop loop, RawRequest request, ServerCallStreamObserver<RawResponse> out, Trace trace) {
            this.loop = loop;
            // the fields, not the request: its prompt bytes would stay live (and be copied by every GC) for the stream
            this.requestId = request.requestId();
            this.maxTokens = request.maxTokens();
            this.promptTokens = request.tokenCount();
            this.out = out;
            this.trace = trace;
            this.requestIdField = stringField(1, request.requestId());
        }

        void next() {
            loop.schedule(this, Math.max(0, due(trace, i) - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        @Override
        public void run() {
            if (closed || out.isCancelled()) {
                return;
            }
            boolean last = i + 1 == maxTokens;
            RawResponse message = last
                    ? RawResponse.of(GenerateResponse.newBuilder()
                            .setRequestId(requestId)
                            .addTokenIds(1000 + i)
                            .setIndex(i)
                            .setWorkerId(id)
                            .setFinished(true)
                            .setFinishReason(FinishReason.LENGTH)
                            .setUsage(Usage.newBuilder()
                                    .setPromptTokens(promptTokens)
                                    .setCompletionTokens(maxTokens))
                            .build())
                    : token(requestIdField, 1000 + i, i, workerIdField);
            trace.sentNanos()[i] = System.nanoTime();
            out.onNext(message);
            if (last) {
                out.onCompleted();
            } else {
                i++;
                next();
            }
        }
    }

    /** {@code request_id, token_ids [token], index, worker_id} as GenerateResponse's wire bytes. */
    static RawResponse token(byte[] requestIdField, int token, int index, byte[] workerIdField) {
        int tokenSize = varintSize(token);
        int size =
                requestIdField.length + 2 + tokenSize + (index == 0 ? 0 : 1 + varintSize(index)) + workerIdField.length;
        byte[] b = new byte[size];
        System.arraycopy(requestIdField, 0, b, 0, requestIdField.length);
        int p = requestIdField.length;
        b[p++] = 2 << 3 | 2; // token_ids, packed
        b[p++] = (byte) tokenSize;
        p = putVarint(b, p, token);
        if (index != 0) { // proto3 leaves zeros out
            b[p++] = 3 << 3;
            p = putVarint(b, p, index);
        }
        System.arraycopy(workerIdField, 0, b, p, workerIdField.length);
        return RawResponse.of(b);
    }

    private static byte[] stringField(int field, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[1 + varintSize(utf8.length) + utf8.length];
        b[0] = (byte) (field << 3 | 2);
        int p = putVarint(b, 1, utf8.length);
        System.arraycopy(utf8, 0, b, p, utf8.length);
        return b;
    }

    private static int varintSize(int v) {
        return CodedOutputStream.computeUInt32SizeNoTag(v);
    }

    private static int putVarint(byte[] b, int p, int v) {
        while ((v & ~0x7F) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
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
