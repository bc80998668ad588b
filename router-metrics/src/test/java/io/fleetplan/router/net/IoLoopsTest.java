package io.fleetplan.router.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The Frontend and gRPC share the public io.netty artifacts (not gRPC's private shaded copy), on epoll. */
class IoLoopsTest {

    @Test
    void grpcRunsOnTheLoopsOfThePublicNetty() {
        try (IoLoops loops = new IoLoops("test-io", 1)) {
            assertThat(loops.group.getClass().getName()).startsWith("io.netty.");
            // grpc-netty takes the very group the HTTP server runs on
            NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", 1)
                    .eventLoopGroup(loops.loops().get(0))
                    .channelType(loops.clientChannel)
                    .usePlaintext();
            assertThat(b).isNotNull();
        }
        assertThatThrownBy(() -> Class.forName("io.grpc.netty.shaded.io.netty.channel.EventLoopGroup"))
                .as("grpc-netty-shaded is no longer on the class path")
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void theNativeEpollTransportLoadsOnLinuxX86() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            System.out.println("SKIPPED theNativeEpollTransportLoadsOnLinuxX86: " + os + "/" + arch);
            Assumptions.abort("not linux x86_64");
        }
        // without netty-transport-native-epoll:linux-x86_64 the loops would fall back to NIO without a word
        assertThat(Epoll.isAvailable())
                .as(String.valueOf(Epoll.unavailabilityCause()))
                .isTrue();
        try (IoLoops loops = new IoLoops("test-io", 1)) {
            assertThat(loops.clientChannel).isEqualTo(EpollSocketChannel.class);
        }
    }
}
