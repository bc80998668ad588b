package io.fleetplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/config-reference.md is generated from the config records; this keeps the committed copy current. */
class ConfigReferenceDocTest {

    @Test
    void committedReferenceMatchesTheRecords() throws IOException {
        String generated = ConfigReference.markdown(ConfigCommand.kinds());
        Path doc = Path.of("..", "docs", "config-reference.md");
        if (System.getenv("FLEETPLAN_WRITE_DOCS") != null) {
            Files.writeString(doc, generated);
        }
        assertThat(generated).contains("## `planner` (PlannerConfig)", "`kalman_q_level`", "`ttft_ms`");
        assertThat(Files.exists(doc)).as("docs/config-reference.md exists").isTrue();
        assertThat(Files.readString(doc))
                .as("docs/config-reference.md is out of date: run FLEETPLAN_WRITE_DOCS=1 ./mvnw -pl cli test "
                        + "-Dtest=ConfigReferenceDocTest, or ./fleetplan config reference > docs/config-reference.md")
                .isEqualTo(generated);
    }
}
