package io.fleetplan.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Sends one streaming {@code /v1/completions} request (token-id prompt, {@code max_tokens} = OSL) and times it:
 * TTFT at the first chunk that carries a choice, ITL between consecutive such chunks. Blocking; call it from a
 * virtual thread.
 */
public final class StreamingClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI completions;
    private final String model;
    private final Duration timeout;

    public StreamingClient(HttpClient http, URI completions, String model, Duration timeout) {
        this.http = http;
        this.completions = completions;
        this.model = model;
        this.timeout = timeout;
    }

    /** The request body: a token-id prompt, exact max_tokens, streaming with usage. */
    public String body(int[] prompt, int maxTokens) {
        ObjectNode b = JSON.createObjectNode();
        b.put("model", model);
        ArrayNode p = b.putArray("prompt");
        for (int t : prompt) {
            p.add(t);
        }
        b.put("max_tokens", maxTokens);
        b.put("min_tokens", maxTokens);
        b.put("ignore_eos", true);
        b.put("stream", true);
        b.putObject("stream_options").put("include_usage", true);
        return b.toString();
    }

    /** Sends one request now; {@code lateNanos} is carried into the outcome. */
    public Outcome send(int[] prompt, int maxTokens, long lateNanos) {
        HttpRequest req = HttpRequest.newBuilder(completions)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body(prompt, maxTokens)))
                .build();
        long start = System.nanoTime();
        long first = -1;
        long last = -1;
        int chunks = 0;
        int usageTokens = -1;
        long[] gaps = new long[Math.max(1, maxTokens)];
        int gapCount = 0;
        try {
            HttpResponse<Stream<String>> resp = http.send(req, HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = resp.body()) {
                if (resp.statusCode() != 200) {
                    String text = String.join(" ", lines.limit(5).toList());
                    return Outcome.failed(
                            "HTTP " + resp.statusCode() + ": " + message(text),
                            -1,
                            System.nanoTime() - start,
                            lateNanos);
                }
                for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                    String line = it.next();
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    String data = line.substring(5).trim();
                    long now = System.nanoTime();
                    if (data.equals("[DONE]")) {
                        int tokens = usageTokens >= 0 ? usageTokens : chunks;
                        return new Outcome(
                                true,
                                null,
                                first < 0 ? -1 : first - start,
                                now - start,
                                tokens,
                                Arrays.copyOf(gaps, gapCount),
                                lateNanos);
                    }
                    JsonNode chunk = JSON.readTree(data);
                    if (chunk.has("error")) {
                        return Outcome.failed(
                                "stream error: "
                                        + chunk.path("error").path("message").asText(),
                                first < 0 ? -1 : first - start,
                                now - start,
                                lateNanos);
                    }
                    if (chunk.path("usage").has("completion_tokens")) {
                        usageTokens =
                                chunk.path("usage").path("completion_tokens").asInt();
                    }
                    if (carriesToken(chunk.path("choices"))) {
                        chunks++;
                        if (first < 0) {
                            first = now;
                        } else if (gapCount < gaps.length) {
                            gaps[gapCount++] = now - last;
                        }
                        last = now;
                    }
                }
            }
            return Outcome.failed(
                    "stream ended without [DONE]",
                    first < 0 ? -1 : first - start,
                    System.nanoTime() - start,
                    lateNanos);
        } catch (HttpTimeoutException e) {
            return Outcome.failed(
                    "timeout after " + timeout.toSeconds() + " s", -1, System.nanoTime() - start, lateNanos);
        } catch (IOException e) {
            return Outcome.failed(
                    "connection: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    -1,
                    System.nanoTime() - start,
                    lateNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed("interrupted", -1, System.nanoTime() - start, lateNanos);
        }
    }

    /** A choice with text (or a chat delta), or one not finished yet; the closing finish_reason chunk is no token. */
    static boolean carriesToken(JsonNode choices) {
        for (JsonNode c : choices) {
            if (!c.path("text").asText("").isEmpty()
                    || !c.path("delta").path("content").asText("").isEmpty()
                    || c.path("finish_reason").isNull()
                    || c.path("finish_reason").isMissingNode()) {
                return true;
            }
        }
        return false;
    }

    /** The OpenAI error message of a body, or the body itself (shortened). */
    private static String message(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n.path("error").has("message")) {
                return n.path("error").path("message").asText();
            }
        } catch (IOException e) {
            // not JSON
        }
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
}
