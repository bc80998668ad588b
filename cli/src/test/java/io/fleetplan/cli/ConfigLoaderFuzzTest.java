package io.fleetplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The config loaders of the pool planner, the GlobalPlanner and the routers on arbitrary bytes, through the
 * same {@link ConfigKind#load} that {@code fleetplan config validate} and the servers use: a config record,
 * or a {@link ConfigException} listing problems. Anything else (a Jackson or SnakeYAML exception escaping, a
 * NullPointerException in a record's validation, a hang) is a bug. The first byte picks the kind and YAML or
 * JSON; the rest is the file. Seeds: {@code src/test/resources/io/fleetplan/cli/ConfigLoaderFuzzTestInputs/}.
 */
class ConfigLoaderFuzzTest {

    private static final List<String> KINDS =
            List.of("planner", "global-planner", "router", "global-router", "frontend");
    private static final List<ConfigKind> LOADERS =
            ConfigCommand.kinds().stream().filter(k -> KINDS.contains(k.name())).toList();
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("config-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void loadsOrListsProblems(byte[] data) throws IOException {
        assertThat(LOADERS).hasSize(KINDS.size());
        if (data.length == 0) {
            return;
        }
        ConfigKind kind = LOADERS.get((data[0] & 0x7f) % LOADERS.size());
        Path file = DIR.resolve((data[0] & 0x80) != 0 ? "fuzz.json" : "fuzz.yaml");
        Files.write(file, Arrays.copyOfRange(data, 1, data.length));
        Object config;
        try {
            config = kind.load(file);
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty();
            return;
        }
        assertThat(config).isInstanceOf(kind.recordType());
        assertThat(kind.summary(config)).isNotBlank();
    }
}
