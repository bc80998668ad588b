package io.fleetplan.pool.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class DashboardServerIT {

    @Test
    void servesThePageAndItsDataOnLoopback() throws Exception {
        DiagnosticsRecorder recorder = new DiagnosticsRecorder(100);
        recorder.onDecision(MonitoringTest.decision(1, MonitoringTest.T0), MonitoringTest.APPLIED, MonitoringTest.TRAFFIC);
        try (DashboardServer server = new DashboardServer("127.0.0.1", 0, recorder, "pool a")) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("fetch('data.json')", "createElementNS(NS, 'svg')").doesNotContain("src=\"http");
            HttpResponse<String> data = http.send(HttpRequest.newBuilder(URI.create(base + "/data.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(data.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(data.body()).startsWith("[{").contains("\"action\":\"scale_up\"");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        }
    }
}
