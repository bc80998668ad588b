package io.fleetplan.common.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * A free loopback port for a process started later, taken outside the OS's ephemeral range. A port the OS hands out
 * for {@code bind(0)} comes from the same range as the source ports of outgoing connections, so between picking it and
 * the child binding it, any connection on the machine may take it: {@code fleetplan up} once failed with "Address
 * already in use" while another stack's clients were busy. Below the ephemeral range only listeners compete, and
 * each pick is checked by binding it. A port is handed out once per process: a stack's components bind theirs only
 * when they start, so a check cannot see an earlier pick, and with random picks two of a stack's ~20 ports were the
 * same in about one {@code up} in 60 (a router's metrics port and a planner's dashboard: "Address already in use").
 */
public final class LoopbackPorts {

    /** Linux's default {@code ip_local_port_range} start: where ephemeral ports begin when the file cannot be read. */
    static final int DEFAULT_EPHEMERAL_LOW = 32768;
    /** The lowest port picked: clear of the well-known and most registered service ports. */
    static final int LOW = 20000;

    private static final int ATTEMPTS = 64;

    /** Ports handed out by this process, never handed out again. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {}

    /** A free port on {@code host} below the ephemeral range, or one the OS picks when none was found there. */
    public static int free(String host) {
        return free(
                host, ephemeralLow(Path.of("/proc/sys/net/ipv4/ip_local_port_range")), RandomGenerator.getDefault());
    }

    static int free(String host, int ephemeralLow, RandomGenerator random) {
        int high = Math.min(ephemeralLow, 65536) - 1;
        if (high > LOW) {
            for (int i = 0; i < ATTEMPTS; i++) {
                int port = LOW + random.nextInt(high - LOW + 1);
                if (!HANDED_OUT.contains(port) && bindable(host, port) && HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        for (int i = 0; i < ATTEMPTS; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new IllegalStateException("no free loopback port on " + host + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("no free loopback port on " + host + " that this process has not handed out");
    }

    /** Whether {@code port} on {@code host} can be bound right now. */
    public static boolean bindable(String host, int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the ephemeral range in {@code rangeFile} ("low high"), or Linux's default. */
    static int ephemeralLow(Path rangeFile) {
        // read as a stream: a /proc file reports size 0, and Files.readString returned its first byte only
        try (BufferedReader in = Files.newBufferedReader(rangeFile)) {
            String line = in.readLine();
            String[] parts = (line == null ? "" : line).trim().split("\\s+");
            int low = Integer.parseInt(parts[0]);
            return low > 0 && low <= 65535 ? low : DEFAULT_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }
}
