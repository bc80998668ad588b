package io.fleetplan.proto.net;

import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.util.concurrent.TimeUnit;

/**
 * The keepalive policy of fleetplan's long-lived gRPC channels (Frontend to LocalRouter, LocalRouter to worker),
 * client and server side in one place: gRPC servers by default answer pings more often than every 5 minutes
 * with GOAWAY (ENHANCE_YOUR_CALM) and drop the connection, so a server must permit what its clients send.
 */
public final class Keepalive {

    /** How often a client pings an idle connection (finds a dead peer before a request does). */
    public static final long CLIENT_PING_SECONDS = 30;
    /** The shortest ping interval a server accepts (below the clients' interval, with room for jitter). */
    public static final long SERVER_PERMIT_SECONDS = 10;

    private Keepalive() {}

    public static NettyChannelBuilder pinging(NettyChannelBuilder b) {
        return b.keepAliveTime(CLIENT_PING_SECONDS, TimeUnit.SECONDS);
    }

    public static NettyServerBuilder permittingPings(NettyServerBuilder b) {
        return b.permitKeepAliveTime(SERVER_PERMIT_SECONDS, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
    }
}
