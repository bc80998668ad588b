package io.fleetplan.pool.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class RouterStreamsIT {

    /** A LocalRouter that is down (killed, restarting) is waited for, not called in a busy loop. */
    @Test
    void aRouterThatIsDownIsNotCalledInABusyLoop() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there once closed
        }
        AtomicInteger failures = new AtomicInteger();
        Logger log = Logger.getLogger(RouterStreams.class.getName());
        Handler count = new Handler() {
            @Override
            public void publish(LogRecord r) {
                failures.incrementAndGet();
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(count);
        RouterStreamSource source = RouterStreams.connect("127.0.0.1:" + port, 1000, 16);
        try {
            Thread.sleep(1500);
        } finally {
            source.close();
            log.removeHandler(count);
        }
        // before: every failed call resubscribed at once, thousands of attempts (and log lines) a second
        assertThat(failures.get()).isLessThan(10);
    }
}
