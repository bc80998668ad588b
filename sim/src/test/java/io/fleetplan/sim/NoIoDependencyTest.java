package io.fleetplan.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulator runs the pure cores only: no Kubernetes, no network, no wall-clock sleeps in its sources. The one
 * type it takes from the executors' package is their seam, {@code ScaleExecutor}: the replay's pools are the
 * GlobalPlanner's executor.
 */
class NoIoDependencyTest {

    private static final List<String> FORBIDDEN = List.of("io.fabric8", "io.grpc", "java.net.", "com.sun.net.httpserver",
            "Thread.sleep", "System.currentTimeMillis", "io.fleetplan.mocker.worker", "io.fleetplan.router.local",
            "io.fleetplan.router.frontend", "io.fleetplan.pool.connect", "io.fleetplan.pool.source",
            "io.fleetplan.global.service", "io.fleetplan.global.executor");
    private static final String SEAM = "io.fleetplan.global.executor.ScaleExecutor;";

    @Test
    void mainSources_importNoIoOrNetworkTypes() throws IOException {
        Path root = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f).replace(SEAM, "");
                for (String bad : FORBIDDEN) {
                    assertThat(text).as(f + " uses " + bad).doesNotContain(bad);
                }
            }
        }
    }
}
