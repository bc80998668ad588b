package io.fleetplan.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.proto.v1.GetStateRequest;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.PlannerState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The pool planner's channel to the GlobalPlanner carries its caller token on every call. */
class GlobalPlannerTokenIT {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Test
    void everyCallCarriesTheToken() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                seen.add(String.valueOf(headers.get(AUTHORIZATION)));
                return next.startCall(call, headers);
            }
        };
        GlobalPlannerGrpc.GlobalPlannerImplBase service = new GlobalPlannerGrpc.GlobalPlannerImplBase() {
            @Override
            public void getState(GetStateRequest request, StreamObserver<PlannerState> response) {
                response.onNext(PlannerState.getDefaultInstance());
                response.onCompleted();
            }
        };
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(service, capture))
                .build()
                .start();
        ManagedChannel withToken =
                PoolPlannerCommand.globalPlannerChannel("127.0.0.1:" + server.getPort(), "planner-token-0123456789");
        ManagedChannel without = PoolPlannerCommand.globalPlannerChannel("127.0.0.1:" + server.getPort(), null);
        try {
            GlobalPlannerGrpc.newBlockingStub(withToken).getState(GetStateRequest.getDefaultInstance());
            GlobalPlannerGrpc.newBlockingStub(withToken).getState(GetStateRequest.getDefaultInstance());
            GlobalPlannerGrpc.newBlockingStub(without).getState(GetStateRequest.getDefaultInstance());
            assertThat(seen)
                    .containsExactly("Bearer planner-token-0123456789", "Bearer planner-token-0123456789", "null");
        } finally {
            withToken.shutdownNow();
            without.shutdownNow();
            server.shutdownNow();
        }
    }
}
