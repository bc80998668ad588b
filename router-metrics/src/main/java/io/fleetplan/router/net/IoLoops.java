package io.fleetplan.router.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server's Netty event loops, shared by what it listens on and the gRPC channels it opens, so that a token
 * relayed from one connection to another can stay on one thread (see PoolClients and WorkerLinks: the outgoing
 * stream of a request is opened on a channel bound to the loop of the incoming connection). gRPC here is
 * grpc-netty on the public io.netty artifacts, so the HTTP server and the channels share one Netty. Epoll where
 * the native transport loads, NIO otherwise.
 */
public final class IoLoops implements AutoCloseable {

    public final EventLoopGroup group;
    public final Class<? extends ServerChannel> serverChannel;
    public final Class<? extends Channel> clientChannel;

    public IoLoops(String name, int threads) {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(
                threads,
                new DefaultThreadFactory(name, true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        clientChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Loop threads: the system property {@code property} if set, else one per core. (One loop per two cores was
     * tried: on 2 cores it took 15-25 % less CPU per token, since each wake-up found more tokens to relay, but
     * the per-token p99 was no better, 1.47-2.05 against 0.94-1.83 ms: a single loop serialises every request
     * start and token of the process. docs/router-metrics.md section 5, "Runs on 2026-12-07".)
     */
    public static int threads(String property) {
        return Math.max(1, Integer.getInteger(property, Runtime.getRuntime().availableProcessors()));
    }

    /** Every loop of the group, each a group of its own: bind a channel to it with {@code eventLoopGroup(loop)}. */
    public List<EventLoop> loops() {
        List<EventLoop> all = new ArrayList<>();
        for (EventExecutor e : group) {
            all.add((EventLoop) e);
        }
        return all;
    }

    /** The loop the calling thread runs, or null when it is not one of this group's threads. */
    public EventLoop current() {
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                return (EventLoop) e;
            }
        }
        return null;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
