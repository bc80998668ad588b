package io.fleetplan.mocker.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.PolynomialTimingModel;
import io.fleetplan.mocker.engine.ProfiledTimingModel;
import io.fleetplan.mocker.engine.TimingModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fixtures under src/test/resources/profiles were written by NumPy 2.4 ({@code np.savez_compressed}, json). */
class ProfileTablesTest {

    @TempDir
    Path tmp;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ProfileTablesTest.class.getResource("/profiles/" + name).toURI());
    }

    @Test
    void readsNumpyArchiveOfEveryDtypeAndOrder() throws Exception {
        Map<String, NpyArrays.NdArray> a = NpyArrays.readNpz(resource("mocker_grid.npz"));
        assertThat(a.keySet())
                .containsExactly(
                        "prefill_isl",
                        "prefill_ttft_ms",
                        "decode_active_kv_tokens",
                        "decode_context_length",
                        "decode_itl");
        assertThat(a.get("decode_active_kv_tokens").values()).containsExactly(0, 100000, 400000); // float32
        assertThat(a.get("decode_context_length").values()).containsExactly(128, 1024, 8192); // int64
        NpyArrays.NdArray itl = a.get("decode_itl"); // Fortran order on disk
        assertThat(itl.shape()).containsExactly(3, 3);
        // row-major: itl[1][2] = 5 + 2e-5 * 100000 + 1e-3 * 8192
        assertThat(itl.values()[1 * 3 + 2]).isCloseTo(5 + 2 + 8.192, within(1e-12));
        assertThat(itl.values()[2 * 3 + 0]).isCloseTo(5 + 8 + 0.128, within(1e-12));
    }

    @Test
    void mockerGridNpzBecomesTheModel() throws Exception {
        ProfiledTimingModel m = ProfileTables.load(resource("mocker_grid.npz"));
        assertThat(m.prefillMs(1, 1024, 0)).isCloseTo(35, within(1e-9));
        assertThat(m.prefillMs(1, 2560, 0)).isCloseTo(62.5, within(1e-9));
        // 50 sequences of mean context 2000 (sum 100,000): 5 + 2 + 2 (the table is linear in both axes)
        assertThat(m.decodeMs(50, 0, 0, 100_000)).isCloseTo(9, within(1e-9));
    }

    @Test
    void profilerRawDataDirectoryIsGridded() throws Exception {
        ProfiledTimingModel m = ProfileTables.load(resource("raw-dir"));
        assertThat(m.prefillMs(1, 2048, 0)).isCloseTo(50, within(1e-9));
        // points: itl = 6 + 20 u + 0.002 ctx with u = kv / 1,048,576; linear in kv along each context column
        long kv = 419_430; // KV usage 0.4 of 1,048,576 tokens, rounded down
        int n = 100;
        double mean = (double) kv / n;
        // mean context between the two profiled columns (512, 2048): bilinear stays exact for a linear function
        double expected = 6 + 20 * (kv / 1_048_576.0) + 0.002 * mean;
        assertThat(m.decodeMs(n, 0, 0, kv)).isCloseTo(expected, within(1e-6));
    }

    @Test
    void jsonWithMockerNamesAndNestedRows() throws IOException {
        Path f = tmp.resolve("p.yaml");
        Files.writeString(f, """
                prefill_isl: [100, 200]
                prefill_ttft_ms: [10, 20]
                decode_active_kv_tokens: [0, 1000]
                decode_context_length: [10]
                decode_itl: [[4], [6]]
                """);
        ProfiledTimingModel m = ProfileTables.load(f);
        assertThat(m.prefillMs(1, 150, 0)).isCloseTo(15, within(1e-9));
        assertThat(m.decodeMs(50, 0, 0, 500)).isCloseTo(5, within(1e-9));
    }

    @Test
    void engineConfigPicksTheModel() throws Exception {
        assertThat(TimingModels.of(EngineConfig.defaults())).isSameAs(PolynomialTimingModel.INSTANCE);
        EngineConfig withProfile = EngineConfig.builder()
                .plannerProfileData(resource("mocker_grid.npz").toString())
                .build();
        TimingModel m = TimingModels.of(withProfile);
        assertThat(m).isInstanceOf(ProfiledTimingModel.class);
        assertThat(TimingModels.of(withProfile)).isSameAs(m); // read once
    }

    @Test
    void badProfilesNameFileAndArray() throws IOException {
        Path missing = tmp.resolve("nope.npz");
        assertThatThrownBy(() -> ProfileTables.load(missing))
                .hasMessageContaining("planner_profile_data " + missing)
                .hasMessageContaining("no such file");
        Path notZip = tmp.resolve("bad.npz");
        Files.writeString(notZip, "hello");
        assertThatThrownBy(() -> ProfileTables.load(notZip))
                .hasMessageContaining("bad.npz")
                .hasMessageContaining("not a NumPy .npz archive");
        Path noDecode = tmp.resolve("nodecode.json");
        Files.writeString(noDecode, "{\"prefill_isl\": [1, 2], \"prefill_ttft_ms\": [1, 2]}");
        assertThatThrownBy(() -> ProfileTables.load(noDecode))
                .hasMessageContaining("nodecode.json")
                .hasMessageContaining("no decode table");
        Path ragged = tmp.resolve("ragged.json");
        Files.writeString(
                ragged,
                "{\"prefill_isl\": [1], \"prefill_ttft_ms\": [1], \"decode_active_kv_tokens\": [0, 1],"
                        + " \"decode_context_length\": [1, 2], \"decode_itl\": [[1, 2], [3]]}");
        assertThatThrownBy(() -> ProfileTables.load(ragged)).hasMessageContaining("row 1 of a 2-D array has 1 values");
        Path noMaxKv = tmp.resolve("raw.json");
        Files.writeString(
                noMaxKv,
                "{\"prefill_isl\": [1], \"prefill_ttft\": [1], \"x_kv_usage\": [0.1],"
                        + " \"y_context_length\": [10], \"z_itl\": [5]}");
        assertThatThrownBy(() -> ProfileTables.load(noMaxKv)).hasMessageContaining("missing max_kv_tokens");
        Path emptyDir = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> ProfileTables.load(emptyDir)).hasMessageContaining("holds none of");
    }
}
