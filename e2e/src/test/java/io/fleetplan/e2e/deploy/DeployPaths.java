package io.fleetplan.e2e.deploy;

import java.nio.file.Path;

/** deploy/ of this checkout, for the e2e tests outside this package. */
public final class DeployPaths {

    private DeployPaths() {
    }

    public static Path deploy() {
        return DeployFiles.repo().resolve("deploy");
    }

    /** The YAML documents of one file under deploy/. */
    public static java.util.List<com.fasterxml.jackson.databind.JsonNode> documents(Path file) throws java.io.IOException {
        return DeployFiles.documents(file);
    }
}
