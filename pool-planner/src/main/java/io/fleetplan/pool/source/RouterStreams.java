package io.fleetplan.pool.source;

import io.fleetplan.proto.v1.PoolMetrics;
import io.fleetplan.proto.v1.PoolMetricsRequest;
import io.fleetplan.proto.v1.RouterGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** Connects a {@link RouterStreamSource} to a LocalRouter's StreamPoolMetrics, reconnecting after errors. */
public final class RouterStreams {

    private static final Logger LOG = Logger.getLogger(RouterStreams.class.getName());

    private RouterStreams() {}

    public static RouterStreamSource connect(String address, int intervalMs, int blockSize) {
        ManagedChannel channel =
                ManagedChannelBuilder.forTarget(address).usePlaintext().build();
        RouterStreamSource source = new RouterStreamSource(blockSize);
        subscribe(channel, source, intervalMs);
        source.onClose(() -> {
            channel.shutdownNow();
            try {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return source;
    }

    private static void subscribe(ManagedChannel channel, RouterStreamSource source, int intervalMs) {
        // wait for ready: while the router is down (restarting) the call waits for the channel's backed-off
        // reconnect instead of failing at once, which made this a busy loop of thousands of calls a second
        RouterGrpc.newStub(channel)
                .withWaitForReady()
                .streamPoolMetrics(
                        PoolMetricsRequest.newBuilder()
                                .setIntervalMs(intervalMs)
                                .build(),
                        new StreamObserver<PoolMetrics>() {
                            @Override
                            public void onNext(PoolMetrics m) {
                                source.accept(m);
                            }

                            @Override
                            public void onError(Throwable t) {
                                if (!channel.isShutdown()) {
                                    LOG.warning("router stream failed (" + t.getMessage() + "), resubscribing");
                                    subscribe(channel, source, intervalMs);
                                }
                            }

                            @Override
                            public void onCompleted() {
                                if (!channel.isShutdown()) {
                                    subscribe(channel, source, intervalMs);
                                }
                            }
                        });
    }
}
