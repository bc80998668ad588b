package io.fleetplan.e2e.support;

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
import java.util.OptionalDouble;

/** Small HTTP helpers: GET text, Prometheus text-format values, Prometheus HTTP API instant queries. */
public final class Http {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {}

    /** The HTTP status of a GET, or -1 when nothing answered. */
    public static int status(String url) {
        try {
            return CLIENT.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(3))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public static String get(String url) {
        try {
            HttpResponse<String> r = CLIENT.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Sum of the samples of {@code metric} (exact name) whose label text contains {@code labelPart}. */
    public static double sample(String exposition, String metric, String labelPart) {
        double sum = 0;
        boolean any = false;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(metric + "{") || line.startsWith(metric + " "))) {
                continue;
            }
            if (labelPart != null && !line.contains(labelPart)) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            try {
                sum += Double.parseDouble(parts[parts.length - 1]);
                any = true;
            } catch (NumberFormatException e) {
                // a timestamped or odd line; skip
            }
        }
        return any ? sum : Double.NaN;
    }

    /**
     * The state of a StateSet that is 1 ({@code name{name="state"} 1}, other labels such as the planner's
     * {@code dynamo_namespace} around it).
     */
    public static String activeState(String exposition, String stateSet) {
        String label = stateSet + "=\"";
        for (String line : exposition.split("\n")) {
            String t = line.trim();
            int at = line.indexOf(label);
            if (line.startsWith(stateSet + "{") && at > 0 && (t.endsWith(" 1") || t.endsWith(" 1.0"))) {
                int q = at + label.length();
                return line.substring(q, line.indexOf('"', q));
            }
        }
        return null;
    }

    /** First value of a Prometheus instant query, if any series answered. */
    public static OptionalDouble promQuery(String prometheusBase, String promql) {
        String body = get(prometheusBase + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try {
            JsonNode result =
                    JSON.readTree(body.isEmpty() ? "{}" : body).path("data").path("result");
            if (result.size() == 0) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(
                    Double.parseDouble(result.get(0).path("value").get(1).asText()));
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }
}
