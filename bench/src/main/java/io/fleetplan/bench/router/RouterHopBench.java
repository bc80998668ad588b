package io.fleetplan.bench.router;

import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.local.LocalRouter;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the LocalRouter hop alone adds, measured against the same load without it: {@code streams} gRPC streams
 * first straight to the workers (round-robin), then through a LocalRouter to the same workers. The difference
 * of the two runs is the router's cost, independent of how fast this machine's gRPC stack is.
 */
final class RouterHopBench {

    record Phase(double tokenP50Ms, double tokenP99Ms, double pathP50Ms, double pathP99Ms, long tokens) {}

    record Result(Phase direct, Phase viaRouter) {}

    static Result run(int streams, int workers, long itlMs, int maxTokens, Duration warmup, Duration measure)
            throws Exception {
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            LocalRouter router = new LocalRouter(new LocalRouter.Options(
                            "hop-pool",
                            "hop-router",
                            "127.0.0.1",
                            0,
                            0,
                            RouterConfig.builder()
                                    .seed(1)
                                    .heartbeatTimeoutMs(60_000)
                                    .build()))
                    .start();
            closeables.add(router);
            List<BenchWorker> ws = new ArrayList<>();
            List<WorkerGrpc.WorkerBlockingStub> direct = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                BenchWorker w = new BenchWorker("hw" + i, itlMs);
                closeables.add(w);
                w.register("127.0.0.1:" + router.grpcPort());
                ws.add(w);
                ManagedChannel ch = NettyChannelBuilder.forTarget(w.address())
                        .usePlaintext()
                        .disableRetry()
                        .build();
                closeables.add(ch::shutdownNow);
                direct.add(WorkerGrpc.newBlockingStub(ch));
            }
            ManagedChannel rc = NettyChannelBuilder.forTarget("127.0.0.1:" + router.grpcPort())
                    .usePlaintext()
                    .disableRetry()
                    .build();
            closeables.add(rc::shutdownNow);
            RouterGrpc.RouterBlockingStub viaRouter = RouterGrpc.newBlockingStub(rc);
            AtomicLong seq = new AtomicLong();
            Phase d = phase(
                    streams,
                    maxTokens,
                    ws,
                    warmup,
                    measure,
                    r -> direct.get((int) (seq.incrementAndGet() % workers)).generate(r));
            Phase v = phase(streams, maxTokens, ws, warmup, measure, viaRouter::generate);
            return new Result(d, v);
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
        }
    }

    private static Phase phase(
            int streams,
            int maxTokens,
            List<BenchWorker> workers,
            Duration warmup,
            Duration measure,
            Function<GenerateRequest, Iterator<GenerateResponse>> call)
            throws InterruptedException {
        Histogram token = new ConcurrentHistogram(60_000_000_000L, 3);
        Histogram path = new ConcurrentHistogram(60_000_000_000L, 3);
        AtomicBoolean recording = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ids = new AtomicLong();
        List<Thread> users = new ArrayList<>();
        for (int u = 0; u < streams; u++) {
            users.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    String id = "h" + ids.incrementAndGet();
                    long sent = System.nanoTime();
                    try {
                        Iterator<GenerateResponse> it = call.apply(GenerateRequest.newBuilder()
                                .setRequestId(id)
                                .setMaxTokens(maxTokens)
                                .addTokenIds(1)
                                .build());
                        BenchWorker.Trace trace = null;
                        for (int i = 0; it.hasNext(); i++) {
                            it.next();
                            long now = System.nanoTime();
                            if (trace == null) {
                                trace = find(workers, id);
                                if (trace != null && recording.get()) {
                                    path.recordValue(Math.max(0, trace.arrivedNanos() - sent));
                                }
                            }
                            if (trace != null && recording.get() && i < trace.sentNanos().length) {
                                token.recordValue(Math.max(0, now - trace.sentNanos()[i]));
                            }
                        }
                    } catch (RuntimeException e) {
                        // counted as missing tokens; the phases are compared on what arrived
                    }
                    workers.forEach(w -> w.traces.remove(id));
                }
            }));
        }
        Thread.sleep(warmup.toMillis());
        recording.set(true);
        Thread.sleep(measure.toMillis());
        recording.set(false);
        running.set(false);
        for (Thread t : users) {
            t.join(Duration.ofSeconds(30));
        }
        return new Phase(
                token.getValueAtPercentile(50) / 1e6,
                token.getValueAtPercentile(99) / 1e6,
                path.getValueAtPercentile(50) / 1e6,
                path.getValueAtPercentile(99) / 1e6,
                token.getTotalCount());
    }

    private static BenchWorker.Trace find(List<BenchWorker> workers, String id) {
        for (BenchWorker w : workers) {
            BenchWorker.Trace t = w.traces.get(id);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private RouterHopBench() {}
}
