package io.fleetplan.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void azure_readsRelativeTimesWithSevenFractionalDigits() throws IOException {
        Path f = write("azure.csv", """
                TIMESTAMP,ContextTokens,GeneratedTokens
                2023-11-16 18:15:46.6805900,374,44
                2023-11-16 18:15:50.9951690,396,109
                """);
        Trace t = TraceReader.read(f, null, TraceOptions.DEFAULTS);
        assertThat(t.format()).isEqualTo(TraceFormat.AZURE);
        assertThat(t.requests()).hasSize(2);
        assertThat(t.requests().get(0).arrivalNanos()).isZero();
        assertThat(t.requests().get(1).arrivalNanos()).isEqualTo(4_314_579_000L);
        assertThat(t.requests().get(1).inputTokens()).isEqualTo(396);
        assertThat(t.requests().get(1).outputTokens()).isEqualTo(109);
        assertThat(t.hasHashIds()).isFalse();
    }

    @Test
    void azure_badRow_namesFileLineAndField() throws IOException {
        Path f = write("azure.csv", """
                TIMESTAMP,ContextTokens,GeneratedTokens
                2023-11-16 18:15:46.6805900,374,44
                2023-11-16 18:15:47.0,abc,44
                """);
        assertThatThrownBy(() -> TraceReader.read(f, TraceFormat.AZURE, TraceOptions.DEFAULTS))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("azure.csv:3:")
                .hasMessageContaining("ContextTokens = 'abc'")
                .satisfies(e -> assertThat(((TraceFormatException) e).line()).isEqualTo(3));
    }

    @Test
    void azure_badTimestampAndColumnCount_areErrors() throws IOException {
        Path time = write("t.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\nyesterday,1,1\n");
        assertThatThrownBy(() -> TraceReader.read(time, TraceFormat.AZURE, TraceOptions.DEFAULTS))
                .hasMessageContaining("t.csv:2:")
                .hasMessageContaining("TIMESTAMP");
        Path cols = write("c.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1\n");
        assertThatThrownBy(() -> TraceReader.read(cols, TraceFormat.AZURE, TraceOptions.DEFAULTS))
                .hasMessageContaining("c.csv:2:")
                .hasMessageContaining("expected 3 columns");
        Path header = write("h.csv", "2023-11-16 18:15:46,1,1\n");
        assertThatThrownBy(() -> TraceReader.read(header, TraceFormat.AZURE, TraceOptions.DEFAULTS))
                .hasMessageContaining("h.csv:1:")
                .hasMessageContaining("header");
        Path zero = write("z.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,0,1\n");
        assertThatThrownBy(() -> TraceReader.read(zero, TraceFormat.AZURE, TraceOptions.DEFAULTS))
                .hasMessageContaining("z.csv:2:")
                .hasMessageContaining("ContextTokens = 0");
    }

    @Test
    void skipBadRows_dropsAndCounts() throws IOException {
        Path f = write("azure.csv", """
                TIMESTAMP,ContextTokens,GeneratedTokens
                2023-11-16 18:15:46.0,374,44
                garbage
                2023-11-16 18:15:47.0,-5,44
                2023-11-16 18:15:48.0,10,10
                """);
        Trace t = TraceReader.read(f, TraceFormat.AZURE, TraceOptions.DEFAULTS.withSkipBadRows(true));
        assertThat(t.requests()).hasSize(2);
        assertThat(t.skippedRows()).isEqualTo(2);
    }

    @Test
    void mooncake_readsHashIdsAndMilliseconds() throws IOException {
        Path f = write("m.jsonl", """
                {"timestamp": 0, "input_length": 1000, "output_length": 10, "hash_ids": [0, 1]}
                {"timestamp": 1500, "input_length": 600, "output_length": 5, "hash_ids": [0, 2], "extra": {"a": [1]}}
                """);
        Trace t = TraceReader.read(f, null, TraceOptions.DEFAULTS);
        assertThat(t.format()).isEqualTo(TraceFormat.MOONCAKE);
        assertThat(t.blockSize()).isEqualTo(512);
        assertThat(t.requests().get(1).arrivalNanos()).isEqualTo(1_500_000_000L);
        assertThat(t.requests().get(1).hashIds()).containsExactly(0, 2);
        assertThat(t.hasHashIds()).isTrue();
    }

    @Test
    void mooncake_malformedLines_areErrorsWithLineNumbers() throws IOException {
        String good = "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 1}\n";
        String[][] cases = {
            {"{\"timestamp\": 0, \"input_length\": 10", "malformed JSON"},
            {"{\"timestamp\": 0, \"output_length\": 1}", "missing field input_length"},
            {"{\"timestamp\": \"x\", \"input_length\": 10, \"output_length\": 1}", "timestamp"},
            {"{\"timestamp\": 0, \"input_length\": 10.5, \"output_length\": 1}", "input_length"},
            {"{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 1, \"hash_ids\": [1, \"a\"]}", "hash_ids[1]"},
            {"[1, 2]", "not a JSON object"},
            {"{\"timestamp\": -1, \"input_length\": 10, \"output_length\": 1}", "timestamp"},
        };
        for (String[] c : cases) {
            Path f = write("bad.jsonl", good + c[0] + "\n");
            assertThatThrownBy(() -> TraceReader.read(f, TraceFormat.MOONCAKE, TraceOptions.DEFAULTS))
                    .as(c[0])
                    .isInstanceOf(TraceFormatException.class)
                    .hasMessageContaining("bad.jsonl:2:")
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void burstGpt_findsColumnsByName_andRejectsFailedRows() throws IOException {
        Path f = write("BurstGPT_1.csv", """
                Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type
                5,ChatGPT,472,18,490,Conversation log
                45,GPT-4,1087,0,1087,Conversation log
                47,ChatGPT,200,30,230,API log
                """);
        assertThatThrownBy(() -> TraceReader.read(f, null, TraceOptions.DEFAULTS))
                .hasMessageContaining("BurstGPT_1.csv:3:")
                .hasMessageContaining("Response tokens = 0");
        Trace t = TraceReader.read(f, TraceFormat.BURSTGPT, TraceOptions.DEFAULTS.withSkipBadRows(true));
        assertThat(t.requests()).hasSize(2);
        assertThat(t.requests().get(1).arrivalNanos()).isEqualTo(42_000_000_000L);
        assertThat(t.skippedRows()).isEqualTo(1);
    }

    @Test
    void windowAndRateScale_applyInTraceTime() {
        String csv = "TIMESTAMP,ContextTokens,GeneratedTokens\n" + "2023-11-16 18:00:00,1,1\n"
                + "2023-11-16 18:05:00,1,1\n" + "2023-11-16 18:10:00,1,1\n" + "2023-11-16 18:20:00,1,1\n";
        Trace t = TraceReader.read(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                "x.csv",
                TraceFormat.AZURE,
                TraceOptions.DEFAULTS.withWindow(TimeWindow.parse("5m:15m")).withRateScale(2));
        assertThat(t.requests()).hasSize(2);
        assertThat(t.requests().get(0).arrivalNanos()).isZero();
        assertThat(t.requests().get(1).arrivalNanos()).isEqualTo(150_000_000_000L);
    }

    @Test
    void timeWindow_parsesUnitsAndOpenEnds_andRejectsNonsense() {
        assertThat(TimeWindow.parse("600:1200")).isEqualTo(new TimeWindow(600, 1200));
        assertThat(TimeWindow.parse("10m:1h")).isEqualTo(new TimeWindow(600, 3600));
        assertThat(TimeWindow.parse(":500ms").toSeconds()).isEqualTo(0.5);
        assertThat(TimeWindow.parse("1h:").toSeconds()).isInfinite();
        assertThatThrownBy(() -> TimeWindow.parse("10")).hasMessageContaining("--time-window");
        assertThatThrownBy(() -> TimeWindow.parse("20:10")).hasMessageContaining("from < to");
        assertThatThrownBy(() -> TimeWindow.parse("a:b")).hasMessageContaining("not a time");
    }

    @Test
    void options_rejectBadRateScaleAndFormat() {
        assertThatThrownBy(() -> TraceOptions.DEFAULTS.withRateScale(0)).hasMessageContaining("--rate-scale");
        assertThatThrownBy(() -> TraceFormat.of("parquet")).hasMessageContaining("azure, mooncake, burstgpt");
    }

    @Test
    void embeddedSample_isReadable() throws IOException {
        try (var in = getClass().getResourceAsStream("/traces/azure_conv_head3000.csv")) {
            Trace t = TraceReader.read(in, "sample", TraceFormat.AZURE, TraceOptions.DEFAULTS);
            assertThat(t.requests()).hasSize(3000);
            assertThat(t.durationSeconds()).isBetween(600.0, 700.0);
        }
    }

    @Test
    void absurdTimestamps_nameTheLineFieldAndAllowedRange() throws IOException {
        Path mc = write(
                "far.jsonl",
                "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n"
                        + "{\"timestamp\": 1e300, \"input_length\": 1, \"output_length\": 1}\n");
        assertThatThrownBy(() -> TraceReader.read(mc, null, TraceOptions.DEFAULTS))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("far.jsonl:2:")
                .hasMessageContaining("timestamp = 1.0E300")
                .hasMessageContaining("must be from 0 to 34560000000 ms (400 days)");
        Path burst = write(
                "burst.csv",
                "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                        + "5,ChatGPT,10,20,30,Conversation log\n1e300,ChatGPT,10,20,30,Conversation log\n");
        assertThatThrownBy(() -> TraceReader.read(burst, null, TraceOptions.DEFAULTS))
                .hasMessageContaining("burst.csv:3:")
                .hasMessageContaining("Timestamp = 1.0E300")
                .hasMessageContaining("s (400 days)");
        Path year = write(
                "year.csv",
                "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1,1\n" + "3023-11-16 18:15:46,1,1\n");
        assertThatThrownBy(() -> TraceReader.read(year, null, TraceOptions.DEFAULTS))
                .hasMessageContaining("year.csv:3:")
                .hasMessageContaining("TIMESTAMP = '3023-11-16 18:15:46'")
                .hasMessageContaining("must be from 1970-01-01 to 2200-12-31");
    }

    @Test
    void aGapOfOverFourHundredDays_namesBothLines() throws IOException {
        Path f = write(
                "gap.csv",
                "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1,1\n"
                        + "2023-11-16 18:15:47,1,1\n2199-11-16 18:15:46,1,1\n");
        assertThatThrownBy(() -> TraceReader.read(f, null, TraceOptions.DEFAULTS))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("gap.csv:4:")
                .hasMessageContaining("line 2 to line 4")
                .hasMessageContaining("at most 400 days");
    }

    @Test
    void aLineWithoutBreaks_isAnErrorNotAFullHeap() {
        byte[] noBreaks = new byte[TraceReader.MAX_LINE_CHARS + 10];
        Arrays.fill(noBreaks, (byte) 'a');
        assertThatThrownBy(() -> TraceReader.read(
                        new ByteArrayInputStream(noBreaks), "blob", TraceFormat.MOONCAKE, TraceOptions.DEFAULTS))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("blob:1:")
                .hasMessageContaining("line longer than 1048576 characters");
    }

    @Test
    void devicesAreRefused() {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.exists(zero), "no /dev/zero on this system");
        assertThatThrownBy(() -> TraceReader.read(zero, null, TraceOptions.DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/dev/zero: a trace file must be a regular file");
    }

    @Test
    void lineReader_handlesEveryLineBreakAndLongLines() throws IOException {
        String text = "a\r\nbb\rccc\n\n" + "d".repeat(40_000) + "\r";
        try (LineReader r = new LineReader(new StringReader(text), 50_000)) {
            assertThat(r.readLine()).isEqualTo("a");
            assertThat(r.readLine()).isEqualTo("bb");
            assertThat(r.readLine()).isEqualTo("ccc");
            assertThat(r.readLine()).isEmpty();
            assertThat(r.readLine()).hasSize(40_000);
            assertThat(r.readLine()).isNull();
        }
    }
}
