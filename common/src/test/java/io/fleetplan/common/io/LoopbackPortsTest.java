package io.fleetplan.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackPortsTest {

    private static final String HOST = "127.0.0.1";

    @Test
    void aPickIsBelowTheEphemeralRangeAndBindable() throws IOException {
        for (int i = 0; i < 20; i++) {
            int port = LoopbackPorts.free(HOST, 32768, new SplittableRandom(i));
            assertThat(port).isBetween(LoopbackPorts.LOW, 32767);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aPortIsHandedOutOncePerProcessThoughNothingBoundItYet() {
        // every random pick is the same port, and nothing binds it between the calls (a stack's components bind
        // theirs when they start): the second call must not hand it out again
        RandomGenerator same = () -> 7L;
        int first = LoopbackPorts.free(HOST, 32768, same);
        int second = LoopbackPorts.free(HOST, 32768, same);
        assertThat(second).isNotEqualTo(first).isPositive();
        assertThat(LoopbackPorts.free(HOST, 32768, same)).isNotIn(first, second);
    }

    @Test
    void aTakenPortIsNotPicked() throws IOException {
        // a range of one port, held: the pick falls back to one the OS hands out
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            int taken = held.getLocalPort();
            assertThat(LoopbackPorts.bindable(HOST, taken)).isFalse();
            assertThat(LoopbackPorts.free(HOST, LoopbackPorts.LOW + 1, new SplittableRandom(1)))
                    .isNotEqualTo(taken)
                    .isPositive();
        }
    }

    @Test
    void theEphemeralRangeIsReadFromTheKernelsFileOrDefaulted(@TempDir Path dir) throws IOException {
        Path range = Files.writeString(dir.resolve("ip_local_port_range"), "40000\t60999\n");
        assertThat(LoopbackPorts.ephemeralLow(range)).isEqualTo(40000);
        assertThat(LoopbackPorts.ephemeralLow(dir.resolve("missing"))).isEqualTo(LoopbackPorts.DEFAULT_EPHEMERAL_LOW);
        Path garbage = Files.writeString(dir.resolve("garbage"), "not a range");
        assertThat(LoopbackPorts.ephemeralLow(garbage)).isEqualTo(LoopbackPorts.DEFAULT_EPHEMERAL_LOW);
        // the kernel's own file (a /proc file reports size 0): whatever it says, a plausible first port
        Path kernel = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(kernel)) {
            assertThat(LoopbackPorts.ephemeralLow(kernel)).isGreaterThan(1023);
        }
        // a range starting at the bottom leaves nothing below it: the OS picks
        assertThat(LoopbackPorts.free(HOST, 1024, new SplittableRandom(3))).isPositive();
    }
}
