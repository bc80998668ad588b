package io.fleetplan.pool.source;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/** A real Prometheus server for ITs, scraping one loopback target every second; skips the test when not installed. */
final class LocalPrometheus implements AutoCloseable {

    private static final File BINARY = new File("/usr/bin/prometheus");

    private final Process process;
    private final PrometheusClient client;

    private LocalPrometheus(Process process, int port) {
        this.process = process;
        this.client = new PrometheusClient("http://127.0.0.1:" + port, Duration.ofSeconds(2));
    }

    /** Starts Prometheus scraping {@code 127.0.0.1:targetPort}, or aborts the test with a printed reason. */
    static LocalPrometheus scraping(int targetPort, Path dir) throws Exception {
        if (!BINARY.canExecute()) {
            System.out.println("SKIPPED: no prometheus binary (apt-get install -y prometheus)");
            Assumptions.abort("prometheus binary absent");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: target
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(targetPort));
        Process p = new ProcessBuilder(
                        BINARY.getPath(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        return new LocalPrometheus(p, port);
    }

    PrometheusClient client() {
        return client;
    }

    /** Waits until {@code metric} has been scraped, then for a couple more scrapes of that state. */
    void awaitScraped(String metric) throws InterruptedException {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .until(() -> !client.query(metric).isEmpty());
        Thread.sleep(2500);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
