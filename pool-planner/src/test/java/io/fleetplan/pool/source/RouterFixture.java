package io.fleetplan.pool.source;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.worker.MockerWorker;
import io.fleetplan.mocker.worker.WorkerSettings;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.local.LocalRouter;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.awaitility.Awaitility;

/** A real LocalRouter with two mocker workers (10x speed-up) on loopback, and a client that sends requests. */
final class RouterFixture implements AutoCloseable {

    final LocalRouter router;
    private final MockerWorker w1;
    private final MockerWorker w2;

    RouterFixture(String pool) throws Exception {
        EngineConfig engine = EngineConfig.builder().speedupRatio(10).build();
        router = new LocalRouter(new LocalRouter.Options(pool, "r1", "127.0.0.1", 0, 0, RouterConfig.defaults()))
                .start();
        w1 = MockerWorker.start(
                WorkerSettings.loopback(engine).withWorkerId("w1").withRouter(address()));
        w2 = MockerWorker.start(
                WorkerSettings.loopback(engine).withWorkerId("w2").withRouter(address()));
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> router.workers().size() == 2);
    }

    String address() {
        return "127.0.0.1:" + router.grpcPort();
    }

    /** Sends {@code n} requests one after the other and reads every token. */
    void send(int n, IntFunction<GenerateRequest> request) {
        ManagedChannel channel =
                ManagedChannelBuilder.forTarget(address()).usePlaintext().build();
        try {
            RouterGrpc.RouterBlockingStub stub = RouterGrpc.newBlockingStub(channel);
            for (int i = 0; i < n; i++) {
                stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .generate(request.apply(i))
                        .forEachRemaining(r -> {});
            }
        } finally {
            channel.shutdownNow();
        }
    }

    @Override
    public void close() {
        w1.close();
        w2.close();
        router.close();
    }
}
