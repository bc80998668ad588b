package io.fleetplan.router.frontend;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The Frontend's Netty event loops, shared by its HTTP server and its gRPC channels to the LocalRouters. gRPC
 * here is grpc-netty-shaded, so these are the Netty classes it carries: one Netty in the process, and a token
 * that arrives from a router is written to its client's socket by the same kind of loop thread, often the same
 * thread, with no hand-off through an executor. Epoll where the native transport loads, NIO otherwise.
 */
public final class IoLoops implements AutoCloseable {

    public final EventLoopGroup group;
    public final Class<? extends ServerChannel> serverChannel;
    public final Class<? extends Channel> clientChannel;

    public IoLoops(String name, int threads) {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        clientChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Loop threads: {@code fleetplan.frontend.io-threads} if set, else one per core. Each loop serves its share of
     * the HTTP connections; a pool's gRPC connection (all its streams) lives on one of them.
     */
    static int defaultThreads() {
        return Integer.getInteger("fleetplan.frontend.io-threads", Runtime.getRuntime().availableProcessors());
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
