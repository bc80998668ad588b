package io.fleetplan.router.frontend;

import io.fleetplan.proto.net.Keepalive;
import io.fleetplan.proto.net.SharedToken;
import io.fleetplan.proto.v1.ListWorkersRequest;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.WorkerLoad;
import io.fleetplan.router.net.IoLoops;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * gRPC channels to the pools' LocalRouters, and each pool's ready-worker count and per-worker load as last polled.
 */
final class PoolClients implements AutoCloseable {

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final Map<String, List<ManagedChannel>> channelsByPool = new HashMap<>();
    private final Map<String, RouterGrpc.RouterBlockingStub> stubs = new LinkedHashMap<>();
    private final Map<String, Map<EventLoop, RouterGrpc.RouterStub>> streamStubs = new LinkedHashMap<>();
    private final Map<String, Integer> ready = new ConcurrentHashMap<>();
    private final Map<String, List<WorkerLoad>> workers = new ConcurrentHashMap<>();
    private volatile long lastPollNanos;

    /**
     * One channel per pool for unary and prefill calls, and one per pool and event loop for decode streams, bound to
     * that loop: a request served on an HTTP connection of loop L streams its tokens over L's channel, so the gRPC
     * callback that receives a token (direct executor: on the transport thread) is already on the thread that owns
     * the client's socket and writes the SSE event inline, with no task hand-off or wake-up between threads.
     * Blocking stub calls are unaffected: they run their callbacks on the calling thread.
     */
    PoolClients(Map<String, String> addresses, IoLoops loops, String routerToken) {
        addresses.forEach((pool, address) -> {
            ManagedChannel ch = channel(address, loops, loops.group);
            // the token goes with the blocking stub's calls (ListWorkers), not with every Generate
            RouterGrpc.RouterBlockingStub blocking = RouterGrpc.newBlockingStub(ch);
            stubs.put(
                    pool,
                    routerToken == null
                            ? blocking
                            : blocking.withCallCredentials(SharedToken.credentials(routerToken)));
            List<ManagedChannel> own = new ArrayList<>(List.of(ch));
            Map<EventLoop, RouterGrpc.RouterStub> perLoop = new HashMap<>();
            for (EventLoop loop : loops.loops()) {
                ManagedChannel streams = channel(address, loops, loop);
                own.add(streams);
                perLoop.put(loop, RouterGrpc.newStub(streams));
            }
            channelsByPool.put(pool, own);
            streamStubs.put(pool, perLoop);
            ready.put(pool, 0);
        });
    }

    private ManagedChannel channel(String address, IoLoops loops, EventLoopGroup group) {
        // the flow retries on other pools itself; gRPC's retry buffering would only add per-token work
        ManagedChannel ch = Keepalive.pinging(NettyChannelBuilder.forTarget(address)
                        .usePlaintext()
                        .disableRetry()
                        .eventLoopGroup(group)
                        .channelType(loops.clientChannel)
                        .directExecutor())
                .build();
        channels.add(ch);
        return ch;
    }

    RouterGrpc.RouterBlockingStub stub(String pool) {
        return stubs.get(pool);
    }

    /**
     * Asynchronous stub for decode streams (callbacks must not block) whose callbacks run on {@code loop}, or on
     * any of the Frontend's loops when {@code loop} is not one of them.
     */
    RouterGrpc.RouterStub streamStub(String pool, EventLoop loop) {
        Map<EventLoop, RouterGrpc.RouterStub> perLoop = streamStubs.get(pool);
        RouterGrpc.RouterStub stub = perLoop.get(loop);
        return stub != null ? stub : perLoop.values().iterator().next();
    }

    boolean ready(String pool) {
        return ready.getOrDefault(pool, 0) > 0;
    }

    Map<String, Integer> readyCounts() {
        return Map.copyOf(ready);
    }

    /** Each reachable pool's workers as its router listed them at the last poll. */
    Map<String, List<WorkerLoad>> workerLoads() {
        return Map.copyOf(workers);
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
                List<WorkerLoad> listed = stub.withDeadlineAfter(2, TimeUnit.SECONDS)
                        .listWorkers(ListWorkersRequest.getDefaultInstance())
                        .getWorkersList();
                for (WorkerLoad w : listed) {
                    if (w.getReady() && !w.getDraining()) {
                        n++;
                    }
                }
                ready.put(pool, n);
                workers.put(pool, listed);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
                    ready.put(pool, 0);
                    workers.remove(pool);
                }
                if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                    // a router that is restarting: try to connect on every poll instead of after gRPC's growing
                    // reconnect backoff (1 s, 1.6 s, 2.6 s, ...), which kept a restarted router's pool unused for
                    // up to 20 s
                    channelsByPool.get(pool).forEach(ManagedChannel::resetConnectBackoff);
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
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
