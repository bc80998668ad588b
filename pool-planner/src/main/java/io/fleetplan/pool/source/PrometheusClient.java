package io.fleetplan.pool.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Minimal Prometheus HTTP API client: instant queries ({@code /api/v1/query}) returning vector samples. */
public final class PrometheusClient {

    /** One series of an instant vector; value NaN when Prometheus says NaN. */
    public record Series(Map<String, String> labels, double value) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public PrometheusClient(String baseUrl, Duration timeout) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Runs an instant query. @throws IllegalStateException when Prometheus is unreachable or answers an error */
    public List<Series> query(String promql) {
        URI uri = base.resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new IllegalStateException("Prometheus " + r.statusCode() + " for " + promql + ": "
                        + body.path("error").asText(r.body()));
            }
            List<Series> out = new ArrayList<>();
            for (JsonNode s : body.path("data").path("result")) {
                Map<String, String> labels = new HashMap<>();
                s.path("metric")
                        .fields()
                        .forEachRemaining(
                                e -> labels.put(e.getKey(), e.getValue().asText()));
                out.add(new Series(labels, parse(s.path("value").path(1).asText("NaN"))));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("Prometheus at " + base + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static double parse(String v) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }
}
