package io.fleetplan.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** fleetplan load against a fake OpenAI-compatible streaming server on loopback. */
class LoadCommandIT {

    static final ObjectMapper JSON = new ObjectMapper();

    record Seen(int promptTokens, int maxTokens, boolean stream, List<Integer> prompt) {}

    final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    final AtomicInteger calls = new AtomicInteger();
    HttpServer server;
    int failEvery; // 0 = never: every failEvery-th completion gets a 503

    String start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(
                "/v1/models", ex -> respond(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\"}]}"));
        server.createContext("/v1/completions", this::complete);
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void complete(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        List<Integer> prompt = new ArrayList<>();
        body.path("prompt").forEach(t -> prompt.add(t.asInt()));
        seen.add(new Seen(
                prompt.size(),
                body.path("max_tokens").asInt(),
                body.path("stream").asBoolean(),
                prompt));
        if (failEvery > 0 && calls.incrementAndGet() % failEvery == 0) {
            respond(ex, 503, "{\"error\":{\"message\":\"no pool can serve\",\"type\":\"service_unavailable\"}}");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream os = ex.getResponseBody()) {
            int n = body.path("max_tokens").asInt();
            for (int i = 0; i < n; i++) {
                os.write(("data: {\"choices\":[{\"index\":0,\"text\":\"t\"}]}\n\n").getBytes(StandardCharsets.UTF_8));
                os.flush();
                LockSupport.parkNanos(1_000_000);
            }
            os.write(("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt.size() + ",\"completion_tokens\":"
                            + n + "}}\n\ndata: [DONE]\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static Path mooncake(Path dir, int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            // every request shares block 0; ISL is not a multiple of the block size
            sb.append("{\"timestamp\": ")
                    .append(i * 50)
                    .append(", \"input_length\": ")
                    .append(600 + i)
                    .append(", \"output_length\": ")
                    .append(3 + i % 4)
                    .append(", \"hash_ids\": [0, ")
                    .append(100 + i)
                    .append("]}\n");
        }
        Path f = dir.resolve("trace.jsonl");
        Files.writeString(f, sb);
        return f;
    }

    record Run(int code, String out, String err) {
        JsonNode figures() throws IOException {
            String[] lines = out.strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new LoadCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void replaysEveryRequestWithExactIslAndOslAndSummarizes(@TempDir Path dir) throws Exception {
        String url = start();
        Run r = run("--trace", mooncake(dir, 20).toString(), "--url", url, "--rate-scale", "2", "--no-progress");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(seen).hasSize(20);
        assertThat(seen).allMatch(Seen::stream);
        assertThat(seen.stream().map(Seen::promptTokens).sorted().toList())
                .isEqualTo(IntStream.range(0, 20).map(i -> 600 + i).boxed().toList());
        // the shared hash block 0 gives every prompt the same first 512 tokens
        List<Seen> all = List.copyOf(seen);
        assertThat(all.get(0).prompt().subList(0, 512))
                .isEqualTo(all.get(5).prompt().subList(0, 512));
        assertThat(all.get(0).prompt().subList(512, 520))
                .isNotEqualTo(all.get(5).prompt().subList(512, 520));
        JsonNode f = r.figures();
        assertThat(f.path("ok").asInt()).isEqualTo(20);
        assertThat(f.path("errors").asInt()).isZero();
        assertThat(f.path("ttft_p50_ms").asDouble()).isPositive();
        assertThat(f.path("itl_p50_ms").asDouble()).isPositive();
        // 20 arrivals 50 ms apart at twice the rate: about half a second of sending
        assertThat(f.path("elapsed_s").asDouble()).isBetween(0.4, 10.0);
        assertThat(r.out()).contains("TTFT").contains("fake-model");
    }

    @Test
    void countsServerErrorsAndExitsNonZero(@TempDir Path dir) throws Exception {
        failEvery = 4;
        String url = start();
        Run r = run(
                "--trace",
                mooncake(dir, 12).toString(),
                "--url",
                url,
                "--rate-scale",
                "10",
                "--max-osl",
                "2",
                "--no-progress");
        assertThat(r.code()).isEqualTo(1);
        JsonNode f = r.figures();
        assertThat(f.path("errors").asInt()).isEqualTo(3);
        assertThat(f.path("ok").asInt()).isEqualTo(9);
        assertThat(seen).allMatch(s -> s.maxTokens() <= 2);
        assertThat(r.out()).contains("error x3: HTTP 503: no pool can serve");
    }

    @Test
    void durationBoundsTheRunAndBadFlagsAreNamed(@TempDir Path dir) throws Exception {
        String url = start();
        Run r = run("--trace", mooncake(dir, 20).toString(), "--url", url, "--duration", "0.2", "--no-progress");
        assertThat(r.code()).isZero();
        assertThat(seen).hasSize(4); // arrivals at 0, 50, 100, 150 ms
        Run bad = run("--trace", mooncake(dir, 2).toString(), "--url", url, "--rate-scale", "0");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("--rate-scale");
    }
}
