package io.fleetplan.router.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.proto.net.SharedToken;
import io.fleetplan.proto.v1.DeregisterRequest;
import io.fleetplan.proto.v1.ListWorkersRequest;
import io.fleetplan.proto.v1.RegisterRequest;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.WorkerHeartbeatRequest;
import io.fleetplan.proto.v1.WorkerInfo;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.core.WorkerView;
import io.fleetplan.router.testing.FakeWorker;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A router started with a worker token: a host that reaches its port but lacks the token can neither join the
 * pool (and receive its prompts), nor take a member out, nor list the members.
 */
class LocalRouterAuthIT {

    static final String TOKEN = "pool-secret-0123456789abcdef";

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private LocalRouter router;
    private RouterGrpc.RouterBlockingStub anonymous;

    @BeforeEach
    void start() throws Exception {
        router = new LocalRouter(new LocalRouter.Options(
                        "pool-a", "router-auth", "127.0.0.1", 0, 0, RouterConfig.defaults(), TOKEN))
                .start();
        closeables.add(router);
        ManagedChannel ch = NettyChannelBuilder.forTarget("127.0.0.1:" + router.grpcPort())
                .usePlaintext()
                .build();
        closeables.add(ch::shutdownNow);
        anonymous = RouterGrpc.newBlockingStub(ch);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private static void assertUnauthenticated(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).contains("authorization: Bearer TOKEN");
        });
    }

    private static RegisterRequest rogue() {
        return RegisterRequest.newBuilder()
                .setWorker(WorkerInfo.newBuilder()
                        .setWorkerId("rogue")
                        .setGrpcAddress("127.0.0.1:1")
                        .build())
                .build();
    }

    @Test
    void membersWithTheTokenJoinAndOthersAreRefused() throws Exception {
        FakeWorker member = new FakeWorker("member", 1);
        closeables.add(member);
        member.registerWith("127.0.0.1:" + router.grpcPort(), TOKEN);
        assertThat(router.workers()).extracting(WorkerView::id).containsExactly("member");

        assertUnauthenticated(() -> anonymous.register(rogue()));
        assertUnauthenticated(() -> anonymous
                .withCallCredentials(SharedToken.credentials("wrong-token-0123456789"))
                .register(rogue()));
        assertUnauthenticated(() -> anonymous.deregister(
                DeregisterRequest.newBuilder().setWorkerId("member").build()));
        assertUnauthenticated(() -> anonymous.workerHeartbeat(WorkerHeartbeatRequest.newBuilder()
                .setWorkerId("member")
                .setDraining(true)
                .build()));
        assertUnauthenticated(() -> anonymous.listWorkers(ListWorkersRequest.getDefaultInstance()));
        assertThat(router.workers())
                .extracting(WorkerView::id)
                .as("the rogue neither joined nor removed anyone")
                .containsExactly("member");
        assertThat(router.workers().getFirst().draining()).isFalse();

        RouterGrpc.RouterBlockingStub withToken = anonymous.withCallCredentials(SharedToken.credentials(TOKEN));
        assertThat(withToken
                        .listWorkers(ListWorkersRequest.getDefaultInstance())
                        .getWorkersList())
                .extracting(w -> w.getWorkerId())
                .containsExactly("member");
        withToken.deregister(
                DeregisterRequest.newBuilder().setWorkerId("member").build());
        assertThat(router.workers()).isEmpty();
    }
}
