package io.fleetplan.sim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.pool.profile.ProfileFiles;
import io.fleetplan.sim.profile.EngineProfiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplan profile}: sweeps a mocker engine in virtual time and writes a planner profile file. */
@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        description = "Profile a mocker engine configuration in virtual time and write a planner profile "
                + "(prefill TTFT vs ISL, decode ITL vs KV usage and context, FPM samples).")
public final class ProfileCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(
            names = "--engine",
            description = "engine settings file (the mocker's --extra-engine-args format); default: mocker defaults")
    Path engine;

    @Option(
            names = "--out",
            required = true,
            description = "profile file to write (JSON); a directory gets " + ProfileFiles.FILE_NAME)
    Path out;

    @Option(names = "--gpus", defaultValue = "1", description = "GPUs one engine stands for (throughput is per GPU)")
    int gpus;

    @Option(
            names = "--isl",
            split = ",",
            defaultValue = "128,256,512,1024,2048,4096,8192,16384",
            description = "prefill ISL grid, tokens")
    int[] isl;

    @Option(
            names = "--context",
            split = ",",
            defaultValue = "512,1024,2048,4096,8192",
            description = "decode context grid, tokens")
    int[] context;

    @Option(names = "--osl", defaultValue = "128", description = "decode sweep output length, tokens")
    int osl;

    @Override
    public Integer call() throws Exception {
        EngineConfig cfg = EngineConfig.defaults();
        if (engine != null) {
            JsonNode node = ConfigLoader.yamlMapper().readTree(Files.readString(engine));
            cfg = ConfigLoader.convert(
                    node == null ? ConfigLoader.yamlMapper().createObjectNode() : node,
                    engine.toString(),
                    EngineConfig.class);
        }
        ProfileData d = new EngineProfiler(cfg, gpus, osl, 512)
                .run(isl, context, new double[] {0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9});
        Path file = Files.isDirectory(out) ? out.resolve(ProfileFiles.FILE_NAME) : out;
        ProfileFiles.write(d, file);
        System.out.printf(Locale.ROOT, "%8s %10s %14s%n", "ISL", "TTFT ms", "tok/s/GPU");
        for (int i = 0; i < d.prefillIsl().length; i++) {
            System.out.printf(
                    Locale.ROOT,
                    "%8.0f %10.1f %14.0f%n",
                    d.prefillIsl()[i],
                    d.prefillTtft()[i],
                    d.prefillThptPerGpu()[i]);
        }
        System.out.printf(Locale.ROOT, "%8s %10s %10s %14s%n", "KV use", "context", "ITL ms", "tok/s/GPU");
        for (int i = 0; i < d.xKvUsage().length; i++) {
            System.out.printf(
                    Locale.ROOT,
                    "%8.2f %10.0f %10.2f %14.0f%n",
                    d.xKvUsage()[i],
                    d.yContextLength()[i],
                    d.zItl()[i],
                    d.zThptPerGpu()[i]);
        }
        System.out.println("wrote " + file + " (" + d.prefillIsl().length + " prefill points, " + d.xKvUsage().length
                + " decode points, " + d.fpm().size() + " FPMs, max_kv_tokens " + d.maxKvTokens() + ")"
                + (Arrays.stream(isl).anyMatch(i -> i + 1 > d.maxKvTokens() * 0.9)
                        ? "; ISLs beyond 90% of the KV cache skipped"
                        : ""));
        return 0;
    }
}
