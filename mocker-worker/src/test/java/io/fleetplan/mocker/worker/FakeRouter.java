package io.fleetplan.mocker.worker;

import io.fleetplan.proto.v1.DeregisterRequest;
import io.fleetplan.proto.v1.DeregisterResponse;
import io.fleetplan.proto.v1.RegisterRequest;
import io.fleetplan.proto.v1.RegisterResponse;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.WorkerHeartbeatRequest;
import io.fleetplan.proto.v1.WorkerHeartbeatResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A LocalRouter stand-in that remembers registrations and answers NOT_FOUND for unknown workers. */
final class FakeRouter extends RouterGrpc.RouterImplBase implements AutoCloseable {

    final Set<String> known = ConcurrentHashMap.newKeySet();
    final List<String> registrations = new CopyOnWriteArrayList<>();
    final List<WorkerHeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
    final List<String> deregistrations = new CopyOnWriteArrayList<>();
    private final Server server;

    FakeRouter(int port) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(this)
                .build()
                .start();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> out) {
        known.add(request.getWorker().getWorkerId());
        registrations.add(request.getWorker().getWorkerId());
        out.onNext(RegisterResponse.newBuilder()
                .setRouterId("fake")
                .setHeartbeatIntervalMs(100)
                .setHeartbeatTimeoutMs(1000)
                .build());
        out.onCompleted();
    }

    @Override
    public void workerHeartbeat(WorkerHeartbeatRequest request, StreamObserver<WorkerHeartbeatResponse> out) {
        if (!known.contains(request.getWorkerId())) {
            out.onError(Status.NOT_FOUND.withDescription("unknown worker").asRuntimeException());
            return;
        }
        heartbeats.add(request);
        out.onNext(WorkerHeartbeatResponse.getDefaultInstance());
        out.onCompleted();
    }

    @Override
    public void deregister(DeregisterRequest request, StreamObserver<DeregisterResponse> out) {
        known.remove(request.getWorkerId());
        deregistrations.add(request.getWorkerId());
        out.onNext(DeregisterResponse.getDefaultInstance());
        out.onCompleted();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination();
    }
}
