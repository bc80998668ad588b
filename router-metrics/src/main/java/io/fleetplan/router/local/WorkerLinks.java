package io.fleetplan.router.local;

import io.fleetplan.common.time.Scheduler;
import io.fleetplan.proto.net.Keepalive;
import io.fleetplan.proto.v1.ForwardPassMetrics;
import io.fleetplan.proto.v1.StreamEventsRequest;
import io.fleetplan.proto.v1.WorkerEvent;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.fleetplan.router.net.IoLoops;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * One gRPC channel per registered worker, and its event stream (KV events, load, FPM, heartbeats) feeding
 * the router. A broken stream is reopened every second while the worker stays registered.
 */
final class WorkerLinks implements AutoCloseable {

    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Scheduler scheduler;
    private final IoLoops loops;
    private final BiConsumer<String, WorkerEvent> onEvent;

    WorkerLinks(Scheduler scheduler, IoLoops loops, BiConsumer<String, WorkerEvent> onEvent) {
        this.scheduler = scheduler;
        this.loops = loops;
        this.onEvent = onEvent;
    }

    /** The link to a worker (a new channel when the address changed). */
    Link connect(String workerId, String address) {
        Link current = links.get(workerId);
        if (current != null && current.address.equals(address)) {
            current.restartEvents();
            return current;
        }
        Link link = new Link(workerId, address);
        Link old = links.put(workerId, link);
        if (old != null) {
            old.close();
        }
        link.openEvents();
        return link;
    }

    Link get(String workerId) {
        return links.get(workerId);
    }

    void remove(String workerId) {
        Link link = links.remove(workerId);
        if (link != null) {
            link.close();
        }
    }

    ForwardPassMetrics lastFpm(String workerId) {
        Link link = links.get(workerId);
        return link == null ? null : link.lastFpm;
    }

    @Override
    public void close() {
        links.values().forEach(Link::close);
        links.clear();
    }

    /**
     * A worker's channels and event subscription: one channel per router event loop, bound to it, so a Generate
     * call is relayed on the loop of the caller's connection (see {@link #stub(EventLoop)}).
     */
    final class Link {
        final String workerId;
        final String address;
        private final Map<EventLoop, WorkerGrpc.WorkerStub> stubs = new HashMap<>();
        private final List<ManagedChannel> channels = new ArrayList<>();
        private final WorkerGrpc.WorkerStub eventStub;
        volatile ForwardPassMetrics lastFpm;
        private volatile boolean closed;
        private volatile ClientCallStreamObserver<StreamEventsRequest> events;

        Link(String workerId, String address) {
            this.workerId = workerId;
            this.address = address;
            for (EventLoop loop : loops.loops()) {
                // handlers never block, so run them on the transport threads: no executor hop on the token path;
                // no transparent retries either: they buffer every message of a stream, and we retry ourselves
                ManagedChannel ch = Keepalive.pinging(NettyChannelBuilder.forTarget(address)
                                .usePlaintext()
                                .directExecutor()
                                .disableRetry()
                                .eventLoopGroup(loop)
                                .channelType(loops.clientChannel))
                        .build();
                channels.add(ch);
                stubs.put(loop, WorkerGrpc.newStub(ch));
            }
            this.eventStub = stubs.get(loops.loops().getFirst());
        }

        /**
         * The stub whose callbacks run on {@code loop} (the loop of the incoming call being relayed: its writes
         * then need no hand-off to another thread), or any when {@code loop} is not one of the router's.
         */
        WorkerGrpc.WorkerStub stub(EventLoop loop) {
            WorkerGrpc.WorkerStub s = loop == null ? null : stubs.get(loop);
            return s != null ? s : eventStub;
        }

        void restartEvents() {
            ClientCallStreamObserver<StreamEventsRequest> e = events;
            if (e != null) {
                e.cancel("re-registered", null);
            }
            openEvents();
        }

        void openEvents() {
            if (closed) {
                return;
            }
            // detached from the caller's context: a Register RPC's context is cancelled when it returns
            Context.ROOT.run(this::subscribe);
        }

        private void subscribe() {
            eventStub.streamEvents(
                    StreamEventsRequest.newBuilder()
                            .setIncludeKvEvents(true)
                            .setIncludeFpm(true)
                            .build(),
                    new ClientResponseObserver<StreamEventsRequest, WorkerEvent>() {
                        ClientCallStreamObserver<StreamEventsRequest> self;

                        @Override
                        public void beforeStart(ClientCallStreamObserver<StreamEventsRequest> requestStream) {
                            self = requestStream;
                            events = requestStream;
                        }

                        @Override
                        public void onNext(WorkerEvent event) {
                            if (event.hasFpm()) {
                                lastFpm = event.getFpm();
                            }
                            onEvent.accept(workerId, event);
                        }

                        @Override
                        public void onError(Throwable t) {
                            reopenLater(self);
                        }

                        @Override
                        public void onCompleted() {
                            reopenLater(self);
                        }
                    });
        }

        private void reopenLater(ClientCallStreamObserver<StreamEventsRequest> ended) {
            if (!closed && ended.equals(events)) {
                scheduler.schedule(Duration.ofSeconds(1), () -> {
                    if (!closed && ended.equals(events)) {
                        openEvents();
                    }
                });
            }
        }

        void close() {
            closed = true;
            ClientCallStreamObserver<StreamEventsRequest> e = events;
            if (e != null) {
                e.cancel("worker removed", null);
            }
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }
}
