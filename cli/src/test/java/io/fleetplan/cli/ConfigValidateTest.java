package io.fleetplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigValidateTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void acceptsADynamoStylePlannerYamlWithAOneLineSummary() throws IOException {
        Path f = file("planner.yaml", """
                mode: prefill
                backend: vllm
                environment: global-planner
                global_planner_namespace: control
                optimization_target: sla
                enable_throughput_scaling: true
                enable_load_scaling: true
                throughput_metrics_source: router
                throughput_adjustment_interval_seconds: 60
                load_adjustment_interval_seconds: 5
                ttft_ms: 300
                itl_ms: 25
                load_predictor: kalman
                """);
        Run r = run("config", "validate", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip().lines()).hasSize(1);
        assertThat(r.out()).contains("planner config OK", "mode=prefill", "ttft_ms=300.0");
    }

    @Test
    void rejectsABadFileNamingFieldValueAndAllowedValues() throws IOException {
        Path f = file("bad.yaml", "mode: disagg\nload_predictor: lstm\nkalman_q_levl: 1\n");
        Run r = run("config", "validate", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains(
                        "2 problems",
                        "bad.yaml:3",
                        "kalman_q_levl",
                        "did you mean 'kalman_q_level'?",
                        "field 'load_predictor': value 'lstm': must be one of: constant, arima, kalman, prophet");
    }

    @Test
    void missingFileIsAClearError() {
        Run r = run("config", "validate", dir.resolve("nope.yaml").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("nope.yaml", "file not found");
    }

    @Test
    void unknownKindListsTheKinds() throws IOException {
        Path f = file("p.yaml", "mode: agg\n");
        Run r = run("config", "validate", "--kind", "plannr", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--kind", "planner");
    }

    @Test
    void versionAndHelpWork() {
        Run v = run("version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).contains("fleetplan", "fleetplan.v1");
        Run h = run("--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("config", "bench", "version");
    }

    @Test
    void unknownSubcommandFails() {
        Run r = run("frobnicate");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("frobnicate");
    }

    @Test
    void refusesADeviceInsteadOfReadingItForever() {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.exists(zero), "no /dev/zero on this system");
        Run r = run("config", "validate", zero.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("/dev/zero", "must be a regular file");
    }

    @Test
    void refusesAFileOverTheSizeLimitNamingTheLimit() throws IOException {
        Path big = dir.resolve("big.yaml");
        Files.write(big, ("# " + "x".repeat(1022) + "\n").repeat(3 * 1024).getBytes(StandardCharsets.UTF_8));
        Run r = run("config", "validate", big.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("big.yaml", "larger than the limit of 2 MiB", "it has 3.0 MiB");
        Run kind = run("config", "validate", "--kind", "planner", big.toString());
        assertThat(kind.code()).isEqualTo(2);
        assertThat(kind.err()).contains("larger than the limit of 2 MiB");
    }
}
