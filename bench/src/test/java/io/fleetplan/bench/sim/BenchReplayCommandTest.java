package io.fleetplan.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.sim.report.Evaluation;
import io.fleetplan.sim.report.ReplaySuite;
import io.fleetplan.sim.trace.TraceOptions;
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
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .limit(301)
                    .toList();
            Files.write(azure, lines);
        }
        Path mooncake = dir.resolve("mooncake.jsonl");
        Files.writeString(
                mooncake,
                IntStream.range(0, 120)
                        .mapToObj(i -> "{\"timestamp\": " + i * 500 + ", \"input_length\": " + (600 + 37 * (i % 9))
                                + ", \"output_length\": " + (40 + i % 30) + ", \"hash_ids\": [0, 1, " + (2 + i) + "]}")
                        .collect(Collectors.joining("\n")));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchReplayCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(
                "--azure", azure.toString(), "--mooncake", mooncake.toString(), "--speed-runs", "0", "--skip-suite");
        assertThat(code).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(json.get("speed").get("speed_x").asDouble()).isPositive();
        for (String trace : List.of("azure", "mooncake")) {
            JsonNode q = json.get(trace);
            for (String f : List.of(
                    "fleetplan_attainment",
                    "fleetplan_gpu_hours",
                    "oracle_gpu_hours",
                    "oracle_startup_gpu_hours",
                    "gpu_hours_vs_oracle",
                    "gpu_hours_vs_oracle_without_startup",
                    "meets_target",
                    "attainment_ceiling",
                    "fleetplan_feasible_attainment")) {
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
                        || q.get("fleetplan_gpu_hours").asDouble()
                                < e.get("gpu_hours").asDouble();
                assertThat(e.get("fleetplan_fewer_gpu_hours").asBoolean())
                        .as(trace + " " + base)
                        .isEqualTo(fewer);
                assertThat(q.get("beats_at_equal_attainment").get(base).asBoolean())
                        .isEqualTo(fewer);
            }
            assertThat(q.get("beats_at_equal_attainment").get("static-peak"))
                    .isEqualTo(q.get("beats").get("static-peak"));
        }
        assertThat(out.toString()).contains("at fleetplan's attainment", "oracle's start-up GPU time");
    }

    @Test
    void suite_jsonHoldsEveryCaseWithPerPolicyFiguresAndTheVerdict() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchReplayCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        // no trace flags: the suite runs on the traces shipped in the jar, as from a fresh clone
        int code = cl.execute("--suite-only", "--suite-seconds", "45");
        assertThat(code).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(json.has("speed")).isFalse();
        JsonNode suite = json.get("suite");
        assertThat(suite)
                .hasSize(SuiteCases.SHAPES.stream()
                                .mapToInt(s -> s.rateScales().size())
                                .sum()
                        * 2);
        for (JsonNode c : suite) {
            String name = c.get("case").asText();
            assertThat(c.get("max_gpus").asInt()).as(name).isIn(8, 24);
            assertThat(c.get("trace").asText()).as(name).doesNotContain("/");
            JsonNode policies = c.get("policies");
            for (String p : Evaluation.POLICIES) {
                JsonNode e = policies.get(p);
                assertThat(e).as(name + " " + p).isNotNull();
                assertThat(e.get("attainment").asDouble()).isBetween(0.0, 1.0);
                assertThat(e.get("gpu_hours").asDouble()).isPositive();
                int classRequests = 0;
                for (JsonNode k : e.get("classes")) {
                    classRequests += k.get("requests").asInt();
                }
                assertThat(classRequests)
                        .as(name + " " + p + " classes")
                        .isEqualTo(c.get("requests").asInt());
            }
            JsonNode fp = policies.get("fleetplan");
            JsonNode oracle = policies.get("oracle");
            assertThat(c.get("meets_target").asBoolean())
                    .as(name)
                    .isEqualTo(ReplaySuite.meetsTarget(
                            fp.get("attainment").asDouble(),
                            fp.get("gpu_hours").asDouble(),
                            oracle.get("attainment").asDouble(),
                            oracle.get("gpu_hours").asDouble()));
        }
        assertThat(suite.get(0).get("trace").asText()).isEqualTo("AzureLLMInferenceTrace_conv.csv");
        JsonNode sweep = json.get("goodput_sweep");
        assertThat(sweep.get("mode").asText()).isEqualTo("agg");
        assertThat(sweep.get("ttft_ms").asDouble()).isEqualTo(2000.0);
        assertThat(sweep.get("policies").fieldNames())
                .toIterable()
                .containsExactly("static-cap", "dynamo-hybrid", "dynamo-load", "fleetplan");
        assertThat(sweep.get("policies")
                        .get("static-cap")
                        .get("goodput_vs_static")
                        .asDouble())
                .isEqualTo(1.0);
        for (JsonNode p : sweep.get("policies")) {
            assertThat(p.get("goodput_requests_per_gpu_hour").asDouble()).isNotNegative();
        }
        assertThat(out.toString()).contains("fleetplan meets the target in", "goodput sweep case");
    }

    @Test
    void badSuiteShape_namesTheFlagAndTheAllowedShapes() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchReplayCommand());
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("--suite-only", "--suite-shapes", "azure,sawtooth"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--suite-shapes", "sawtooth", "phased");
    }

    /** A fresh clone has no trace outside the repository: the defaults are the full traces shipped in the jar. */
    @Test
    void withoutFlags_theFullPublicTracesComeFromTheJar() {
        BenchReplayCommand cmd = new BenchReplayCommand();
        new CommandLine(cmd).parseArgs();
        var azure = cmd.azure(TraceOptions.DEFAULTS);
        assertThat(azure.requests()).hasSize(19_366);
        assertThat(azure.source()).isEqualTo("AzureLLMInferenceTrace_conv.csv");
        var mooncake = cmd.mooncake(TraceOptions.DEFAULTS);
        assertThat(mooncake.requests()).hasSize(12_031);
        assertThat(mooncake.hasHashIds()).isTrue();
    }

    @Test
    void anUnreadableTraceFlag_isAnErrorNamingTheFlag() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchReplayCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("--mooncake", dir.resolve("none.jsonl").toString(), "--suite-only"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--mooncake", "none.jsonl", "not a readable file");
    }
}
