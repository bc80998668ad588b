package io.fleetplan.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.pool.profile.ProfileFiles;
import io.fleetplan.sim.profile.EngineProfiler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fleetplan profile} writes what the pool planner's reader loads: the sweep of the engine it names. */
class ProfileCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheEngineSweepIntoADirectoryForThePlannersReader() throws Exception {
        Path engine = dir.resolve("engine.yaml");
        Files.writeString(engine, "num_gpu_blocks: 1024\nblock_size: 32\n");
        int code = new CommandLine(new ProfileCommand())
                .execute(
                        "--engine",
                        engine.toString(),
                        "--gpus",
                        "2",
                        "--out",
                        dir.toString(),
                        "--isl",
                        "128,512,65536",
                        "--context",
                        "512",
                        "--osl",
                        "32");
        assertThat(code).isZero();

        ProfileData read = ProfileFiles.load(dir.resolve(ProfileFiles.FILE_NAME));
        ProfileData swept = new EngineProfiler(
                        EngineConfig.builder().numGpuBlocks(1024).blockSize(32).build(), 2, 32, 512)
                .run(new int[] {128, 512, 65536}, new int[] {512}, new double[] {
                    0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9
                });
        // an ISL beyond 90% of the 32k-token cache is skipped
        assertThat(read.prefillIsl()).containsExactly(128, 512);
        assertThat(read.prefillTtft()).containsExactly(swept.prefillTtft());
        assertThat(read.zItl()).containsExactly(swept.zItl());
        assertThat(read.maxKvTokens()).isEqualTo(1024L * 32);
        assertThat(read.fpm()).hasSameSizeAs(swept.fpm());
    }
}
