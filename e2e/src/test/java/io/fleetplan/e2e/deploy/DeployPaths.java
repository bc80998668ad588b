package io.fleetplan.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** deploy/ of this checkout, for the e2e tests outside this package. */
public final class DeployPaths {

    private DeployPaths() {}

    public static Path deploy() {
        return DeployFiles.repo().resolve("deploy");
    }

    /** The YAML documents of one file under deploy/. */
    public static List<JsonNode> documents(Path file) throws IOException {
        return DeployFiles.documents(file);
    }
}
