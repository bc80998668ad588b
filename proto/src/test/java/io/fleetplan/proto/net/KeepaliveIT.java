package io.fleetplan.proto.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client pinging at gRPC's shortest interval (10 s) keeps its connection through three pings: a server with
 * gRPC's default policy sends GOAWAY after the third and the channel drops to IDLE.
 */
class KeepaliveIT {

    @Test
    void aServerPermittingPingsKeepsAPingingClientsConnection() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        Server server = Keepalive.permittingPings(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .addService(health.getHealthService())
                .build()
                .start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext()
                .keepAliveTime(Keepalive.SERVER_PERMIT_SECONDS, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .build();
        try {
            HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
            List<ConnectivityState> seen = new CopyOnWriteArrayList<>();
            watch(channel, ConnectivityState.READY, seen);
            Thread.sleep(TimeUnit.SECONDS.toMillis(3 * Keepalive.SERVER_PERMIT_SECONDS + 5));
            assertThat(seen).as("connectivity changes while idle and pinging").isEmpty();
            assertThat(channel.getState(false)).isEqualTo(ConnectivityState.READY);
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    private static void watch(ManagedChannel channel, ConnectivityState from, List<ConnectivityState> seen) {
        channel.notifyWhenStateChanged(from, () -> {
            ConnectivityState now = channel.getState(false);
            seen.add(now);
            watch(channel, now, seen);
        });
    }
}
