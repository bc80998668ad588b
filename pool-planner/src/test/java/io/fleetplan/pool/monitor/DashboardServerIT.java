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
        DiagnosticsRecorder recorder = new DiagnosticsRecorder(100, 500, 50);
        recorder.onRecent(MonitoringTest.RECENT);
        recorder.onDecision(
                MonitoringTest.decision(1, MonitoringTest.T0), MonitoringTest.APPLIED, MonitoringTest.TRAFFIC);
        try (DashboardServer server = new DashboardServer("127.0.0.1", 0, recorder, "pool a")) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body())
                    .contains("fetch('data.json')", "createElementNS(NS, 'svg')", "'stroke-dasharray'")
                    .doesNotContain("src=\"http");
            HttpResponse<String> data = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/data.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(data.headers().firstValue("Content-Type")).contains("application/json");
            // observed load and latency of the load loop's recent window, and the SLO the latency charts draw
            assertThat(data.body())
                    .startsWith("[{")
                    .contains(
                            "\"action\":\"scale_up\"",
                            "\"arrRps\":1.2000",
                            "\"obsTtft\":900.0000",
                            "\"sloTtft\":500.0000",
                            "\"sloItl\":50.0000");
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/nope"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(404);
        }
    }
}
