package io.fleetplan.mocker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.Role;
import io.fleetplan.mocker.worker.WorkerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MockerCommandTest {

    private static WorkerSettings parse(String... args) {
        MockerCommand cmd = new MockerCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.settings();
    }

    @Test
    void defaultsAreDynamos() {
        EngineConfig c = parse().engine();
        assertThat(c).isEqualTo(EngineConfig.defaults());
        assertThat(c.numGpuBlocks()).isEqualTo(16384);
        assertThat(c.blockSize()).isEqualTo(64);
        assertThat(c.maxNumSeqs()).isEqualTo(256);
        assertThat(c.maxNumBatchedTokens()).isEqualTo(8192);
        assertThat(c.watermark()).isEqualTo(0.01);
    }

    @Test
    void dynamoFlagsMapToTheEngineConfig() {
        WorkerSettings s = parse(
                "--num-gpu-blocks-override",
                "500",
                "--block-size",
                "16",
                "--max-num-seqs",
                "8",
                "--max-num-batched-tokens",
                "2048",
                "--speedup-ratio",
                "inf",
                "--disaggregation-mode",
                "prefill",
                "--kv-transfer-bandwidth",
                "32",
                "--model-name",
                "llama",
                "--no-enable-prefix-caching",
                "--router",
                "10.0.0.1:9000",
                "--pool",
                "p1",
                "--gpus",
                "2",
                "--cuda-probe");
        EngineConfig c = s.engine();
        assertThat(c.numGpuBlocks()).isEqualTo(500);
        assertThat(c.blockSize()).isEqualTo(16);
        assertThat(c.maxNumSeqs()).isEqualTo(8);
        assertThat(c.maxNumBatchedTokens()).isEqualTo(2048);
        assertThat(c.speedupRatio()).isInfinite();
        assertThat(c.role()).isEqualTo(Role.PREFILL);
        assertThat(c.kvTransferBandwidth()).isEqualTo(32);
        assertThat(c.modelName()).isEqualTo("llama");
        assertThat(c.enablePrefixCaching()).isFalse();
        assertThat(s.routerAddress()).isEqualTo("10.0.0.1:9000");
        assertThat(s.pool()).isEqualTo("p1");
        assertThat(s.gpus()).isEqualTo(2);
        assertThat(s.cudaProbe()).isTrue();
    }

    @Test
    void infinityIsReadTheSameInEveryDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            // in Turkish, "INF".toLowerCase() is "\u0131nf" (dotless i), which is not "inf"
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat(parse("--speedup-ratio", "INF").engine().speedupRatio()).isInfinite();
            assertThat(parse("--speedup-ratio", "Infinity").engine().speedupRatio())
                    .isInfinite();
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void extraEngineArgsOverrideFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("engine.json");
        Files.writeString(file, "{\"block_size\": 32, \"max_num_seqs\": 4, \"model\": {\"num_layers\": 16}}");
        EngineConfig c = parse(
                        "--block-size",
                        "16",
                        "--num-gpu-blocks-override",
                        "100",
                        "--extra-engine-args",
                        file.toString())
                .engine();
        assertThat(c.blockSize()).isEqualTo(32);
        assertThat(c.maxNumSeqs()).isEqualTo(4);
        assertThat(c.numGpuBlocks()).isEqualTo(100);
        assertThat(c.kvBytesPerToken()).isEqualTo(16L * 2 * 8 * 128 * 2);
    }

    @Test
    void badValuesNameTheFieldAndTheAllowedValues(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> parse("--disaggregation-mode", "both"))
                .hasMessageContaining("disaggregation_mode")
                .hasMessageContaining("agg, prefill, decode");
        assertThatThrownBy(() -> parse("--block-size", "0")).hasMessageContaining("block_size");
        assertThatThrownBy(() -> parse("--max-num-batched-tokens", "100"))
                .hasMessageContaining("max_num_batched_tokens")
                .hasMessageContaining(">= max_num_seqs (256)");
        assertThatThrownBy(() -> parse("--speedup-ratio", "fast")).hasMessageContaining("--speedup-ratio");
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"max_num_seq\": 4}");
        assertThatThrownBy(() -> parse("--extra-engine-args", file.toString()))
                .hasMessageContaining("max_num_seq")
                .hasMessageContaining("max_num_seqs");
    }

    @Test
    void plannerProfileDataIsLoadedAtStartAndBadOnesStopIt(@TempDir Path dir) throws Exception {
        Path profile = Path.of(getClass().getResource("/profiles/raw-dir").toURI());
        EngineConfig c = parse("--planner-profile-data", profile.toString()).engine();
        assertThat(c.plannerProfileData()).isEqualTo(profile.toString());
        Path bad = dir.resolve("profile.json");
        Files.writeString(bad, "{\"prefill_isl\": [1, 2]}");
        assertThatThrownBy(() -> parse("--planner-profile-data", bad.toString()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("planner_profile_data " + bad)
                .hasMessageContaining("prefill_ttft");
    }

    @Test
    void theRouterTokenIsReadFromItsFileAndKeptOutOfLogs(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "pool-token-0123456789abcdef\n");
        WorkerSettings s = parse("--router", "10.0.0.1:9000", "--router-token-file", token.toString());
        assertThat(s.routerToken()).isEqualTo("pool-token-0123456789abcdef");
        assertThat(s.toString()).doesNotContain("pool-token-0123456789abcdef");
        assertThat(parse("--router", "10.0.0.1:9000").routerToken()).isNull();
        Files.writeString(dir.resolve("short"), "x");
        assertThatThrownBy(
                        () -> parse("--router-token-file", dir.resolve("short").toString()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--router-token-file");
    }
}
