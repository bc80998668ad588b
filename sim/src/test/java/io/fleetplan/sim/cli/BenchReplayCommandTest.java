package io.fleetplan.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The bench on short excerpts: every figure the docs name is in its JSON line, and the verdicts agree with them. */
class BenchReplayCommandTest {

    @TempDir
    Path dir;

    @Test
    void shortTraces_jsonLineHoldsTheDocumentedFigures() throws Exception {
        Path azure = dir.resolve("azure.csv");
        try (InputStream in = BenchReplayCommandTest.class.getResourceAsStream("/traces/azure_conv_head3000.csv")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(301).toList();
            Files.write(azure, lines);
        }
        Path mooncake = dir.resolve("mooncake.jsonl");
        Files.writeString(mooncake, IntStream.range(0, 120)
                .mapToObj(i -> "{\"timestamp\": " + i * 500 + ", \"input_length\": " + (600 + 37 * (i % 9))
                        + ", \"output_length\": " + (40 + i % 30) + ", \"hash_ids\": [0, 1, " + (2 + i) + "]}")
                .collect(Collectors.joining("\n")));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchReplayCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("--azure", azure.toString(), "--mooncake", mooncake.toString(), "--speed-runs", "0");
        assertThat(code).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(json.get("speed").get("speed_x").asDouble()).isPositive();
        for (String trace : List.of("azure", "mooncake")) {
            JsonNode q = json.get(trace);
            for (String f : List.of("fleetplan_attainment", "fleetplan_gpu_hours", "oracle_gpu_hours",
                    "oracle_startup_gpu_hours", "gpu_hours_vs_oracle", "gpu_hours_vs_oracle_without_startup",
                    "meets_target", "attainment_ceiling", "fleetplan_feasible_attainment")) {
                assertThat(q.has(f)).as(trace + "." + f).isTrue();
            }
            double oracle = q.get("oracle_gpu_hours").asDouble();
            double startup = q.get("oracle_startup_gpu_hours").asDouble();
            assertThat(startup).isBetween(0.0, oracle);
            assertThat(q.get("gpu_hours_vs_oracle_without_startup").asDouble())
                    .isGreaterThanOrEqualTo(q.get("gpu_hours_vs_oracle").asDouble());
            JsonNode equal = q.get("at_equal_attainment");
            for (String base : List.of("dynamo-throughput", "dynamo-load")) {
                JsonNode e = equal.get(base);
                boolean fewer = e.get("margin").isNull()
                        || q.get("fleetplan_gpu_hours").asDouble() < e.get("gpu_hours").asDouble();
                assertThat(e.get("fleetplan_fewer_gpu_hours").asBoolean()).as(trace + " " + base).isEqualTo(fewer);
                assertThat(q.get("beats_at_equal_attainment").get(base).asBoolean()).isEqualTo(fewer);
            }
            assertThat(q.get("beats_at_equal_attainment").get("static-peak"))
                    .isEqualTo(q.get("beats").get("static-peak"));
        }
        assertThat(out.toString()).contains("at fleetplan's attainment", "oracle's start-up GPU time");
    }
}
