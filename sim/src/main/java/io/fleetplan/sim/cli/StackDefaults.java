package io.fleetplan.sim.cli;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The embedded replay stack ({@code stacks/replay-default.yaml}), used when no {@code --config} is given. */
public final class StackDefaults {

    public static final String RESOURCE = "/stacks/replay-default.yaml";

    private StackDefaults() {}

    public static StackConfig replayStack() {
        return load(RESOURCE);
    }

    /** A stack file on the classpath. */
    public static StackConfig load(String resource) {
        try (InputStream in = StackDefaults.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return ConfigLoader.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), resource, StackConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
