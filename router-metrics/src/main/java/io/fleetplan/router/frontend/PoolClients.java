package io.fleetplan.router.frontend;

import io.fleetplan.proto.v1.ListWorkersRequest;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.WorkerLoad;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** gRPC channels to the pools' LocalRouters, and each pool's ready-worker count as last polled. */
final class PoolClients implements AutoCloseable {

    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private final Map<String, RouterGrpc.RouterBlockingStub> stubs = new LinkedHashMap<>();
    private final Map<String, RouterGrpc.RouterStub> streamStubs = new LinkedHashMap<>();
    private final Map<String, Integer> ready = new ConcurrentHashMap<>();
    private volatile long lastPollNanos;

    /**
     * @param loops the Frontend's event loops: the channels run on them, and their callbacks run on the transport
     *              thread itself (direct executor), which is where decode tokens are written to the client. Blocking
     *              stub calls are unaffected: they run their callbacks on the calling thread.
     */
    PoolClients(Map<String, String> addresses, IoLoops loops) {
        addresses.forEach((pool, address) -> {
            // the flow retries on other pools itself; gRPC's retry buffering would only add per-token work
            ManagedChannel ch = NettyChannelBuilder.forTarget(address).usePlaintext().disableRetry()
                    .eventLoopGroup(loops.group).channelType(loops.clientChannel).directExecutor()
                    .keepAliveTime(30, TimeUnit.SECONDS).build();
            channels.put(pool, ch);
            stubs.put(pool, RouterGrpc.newBlockingStub(ch));
            streamStubs.put(pool, RouterGrpc.newStub(ch));
            ready.put(pool, 0);
        });
    }

    RouterGrpc.RouterBlockingStub stub(String pool) {
        return stubs.get(pool);
    }

    /** Asynchronous stub: decode streams, whose callbacks must not block. */
    RouterGrpc.RouterStub streamStub(String pool) {
        return streamStubs.get(pool);
    }

    boolean ready(String pool) {
        return ready.getOrDefault(pool, 0) > 0;
    }

    Map<String, Integer> readyCounts() {
        return Map.copyOf(ready);
    }

    /** A pool answered "no ready worker": treat it as not ready until the next poll says otherwise. */
    void markUnready(String pool) {
        ready.put(pool, 0);
    }

    /**
     * Asks every router for its workers. An unreachable router counts as 0 ready; a slow answer (deadline) keeps
     * the last count, so a busy router is not mistaken for an empty pool.
     */
    void poll() {
        lastPollNanos = System.nanoTime();
        stubs.forEach((pool, stub) -> {
            try {
                int n = 0;
                for (WorkerLoad w : stub.withDeadlineAfter(2, TimeUnit.SECONDS)
                        .listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersList()) {
                    if (w.getReady() && !w.getDraining()) {
                        n++;
                    }
                }
                ready.put(pool, n);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
                    ready.put(pool, 0);
                }
            }
        });
    }

    /** Polls unless a poll started within {@code minAgeMillis} (requests that find no pool must not storm). */
    void pollIfOlderThan(long minAgeMillis) {
        if (System.nanoTime() - lastPollNanos > minAgeMillis * 1_000_000L) {
            poll();
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
