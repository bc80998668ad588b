package io.fleetplan.mocker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.mocker.cli.MockerMain;
import io.fleetplan.proto.v1.FinishReason;
import io.fleetplan.proto.v1.GenerateResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The worker as a real process: SIGTERM drains, nothing accepted is lost, exit code 0. */
class MockerProcessIT {

    @Test
    void sigtermDrainsInFlightRequestsAndExitsZero() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        MockerMain.class.getName(),
                        "--host",
                        "127.0.0.1",
                        "--speedup-ratio",
                        "5",
                        "--metrics-port",
                        "-1",
                        "--worker-id",
                        "proc-1")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Pattern ready = Pattern.compile("mocker ready worker_id=proc-1 grpc=127\\.0\\.0\\.1:(\\d+)");
            int port = -1;
            StringBuilder seen = new StringBuilder();
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = ready.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertThat(port).as("ready line in:\n" + seen).isPositive();
            try (WorkerClient c = new WorkerClient(port)) {
                List<WorkerClient.Call> calls = IntStream.range(0, 20)
                        .mapToObj(i -> c.generate(WorkerClient.request("p" + i, 300, 60)))
                        .toList();
                // every request is accepted (has streamed a token) before the signal
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> calls.stream().noneMatch(k -> k.got().isEmpty()));
                p.destroy(); // SIGTERM
                for (WorkerClient.Call call : calls) {
                    List<GenerateResponse> got = call.get(30, TimeUnit.SECONDS);
                    assertThat(got).hasSize(60);
                    assertThat(got.getLast().getFinishReason()).isEqualTo(FinishReason.LENGTH);
                }
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
