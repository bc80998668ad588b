package io.fleetplan.router.local;

import io.fleetplan.proto.v1.ForwardPassMetrics;
import io.fleetplan.proto.v1.StreamEventsRequest;
import io.fleetplan.proto.v1.WorkerEvent;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import io.fleetplan.common.time.Scheduler;

/**
 * One gRPC channel per registered worker, and its event stream (KV events, load, FPM, heartbeats) feeding
 * the router. A broken stream is reopened every second while the worker stays registered.
 */
final class WorkerLinks implements AutoCloseable {

    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Scheduler scheduler;
    private final BiConsumer<String, WorkerEvent> onEvent;

    WorkerLinks(Scheduler scheduler, BiConsumer<String, WorkerEvent> onEvent) {
        this.scheduler = scheduler;
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

    /** A worker's channel and event subscription. */
    final class Link {
        final String workerId;
        final String address;
        final ManagedChannel channel;
        final WorkerGrpc.WorkerStub stub;
        volatile ForwardPassMetrics lastFpm;
        private volatile boolean closed;
        private volatile ClientCallStreamObserver<StreamEventsRequest> events;

        Link(String workerId, String address) {
            this.workerId = workerId;
            this.address = address;
            // handlers never block, so run them on the transport threads: no executor hop on the token path;
            // no transparent retries either: they buffer every message of a stream, and we retry ourselves
            this.channel = NettyChannelBuilder.forTarget(address).usePlaintext().directExecutor().disableRetry()
                    .keepAliveTime(30, TimeUnit.SECONDS).build();
            this.stub = WorkerGrpc.newStub(channel);
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
            io.grpc.Context.ROOT.run(this::subscribe);
        }

        private void subscribe() {
            stub.streamEvents(StreamEventsRequest.newBuilder().setIncludeKvEvents(true).setIncludeFpm(true).build(),
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
            if (!closed && events == ended) {
                scheduler.schedule(Duration.ofSeconds(1), () -> {
                    if (!closed && events == ended) {
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
            channel.shutdownNow();
        }
    }
}
