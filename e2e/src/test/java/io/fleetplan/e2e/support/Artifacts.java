package io.fleetplan.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where e2e tests keep logs, screenshots and configs: {@code e2e/target/e2e-artifacts/<test>/}. */
public final class Artifacts {

    private Artifacts() {}

    public static Path dir(String test) throws IOException {
        String base = System.getProperty("fleetplan.artifacts", "target/e2e-artifacts");
        Path d = Path.of(base, test).toAbsolutePath();
        Files.createDirectories(d);
        return d;
    }
}
