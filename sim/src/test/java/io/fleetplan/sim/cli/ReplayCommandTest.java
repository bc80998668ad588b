package io.fleetplan.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReplayCommandTest {

    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new ReplayCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void embeddedSample_writesSummaryAndReport() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(
                out,
                err,
                "--out",
                dir.toString(),
                "--time-window",
                "0:90",
                "--no-progress",
                "--policies",
                "static-peak,fleetplan,oracle");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("embedded sample", "fleetplan", "oracle");
        String summary = Files.readString(dir.resolve("summary.json"));
        assertThat(summary)
                .contains(
                        "\"policy\" : \"static-peak\"",
                        "\"slo_attainment\"",
                        "\"gpu_hours\"",
                        "\"budget_violations\"",
                        "\"p99\"",
                        "\"classes\"",
                        "\"isl<2k\"",
                        "\"ttft_misses\"");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("<svg", "Attainment per request class");
    }

    @Test
    void badInput_namesTheFlagAndAllowedValues() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "--out", dir.toString(), "--policies", "magic"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--policies", "magic", "fleetplan");
        err.getBuffer().setLength(0);
        assertThat(run(
                        out,
                        err,
                        "--out",
                        dir.toString(),
                        "--trace",
                        dir.resolve("nope.csv").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--trace", "not a readable file", "phased");
        err.getBuffer().setLength(0);
        assertThat(run(out, err, "--out", dir.toString(), "--rate-scale", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--rate-scale");
        err.getBuffer().setLength(0);
        assertThat(run(out, err, "--out", dir.toString(), "--time-window", "5:1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--time-window");
    }

    @Test
    void badTraceRow_reportsFileAndLine_orIsSkipped() throws Exception {
        Path f = dir.resolve("t.csv");
        Files.writeString(
                f,
                "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.0,374,44\nbroken\n"
                        + "2023-11-16 18:15:47.0,300,20\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(
                        out,
                        err,
                        "--trace",
                        f.toString(),
                        "--out",
                        dir.resolve("o").toString(),
                        "--no-progress"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("t.csv:3:");
        assertThat(run(
                        out,
                        err,
                        "--trace",
                        f.toString(),
                        "--skip-bad-rows",
                        "--policies",
                        "fleetplan",
                        "--out",
                        dir.resolve("o").toString(),
                        "--no-progress"))
                .isZero();
        assertThat(out.toString()).contains("1 bad rows skipped");
    }

    @Test
    void aTraceSpanningMoreThanEightDays_isRefusedBeforeTheReplay() throws Exception {
        Path f = dir.resolve("gap.jsonl");
        Files.writeString(
                f,
                "{\"timestamp\": 0, \"input_length\": 100, \"output_length\": 10}\n"
                        + "{\"timestamp\": 864000000, \"input_length\": 100, \"output_length\": 10}\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(
                        out,
                        err,
                        "--trace",
                        f.toString(),
                        "--out",
                        dir.resolve("o").toString(),
                        "--no-progress"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("gap.jsonl spans 10.0 days", "at most 8 days", "--time-window");
    }

    @Test
    void aDeviceAsTrace_isRefusedNotRead() {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.exists(zero), "no /dev/zero on this system");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(
                        out,
                        err,
                        "--trace",
                        zero.toString(),
                        "--format",
                        "azure",
                        "--out",
                        dir.resolve("o").toString(),
                        "--no-progress"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("/dev/zero", "must be a regular file");
    }
}
