package io.fleetplan.router.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a router may run without a worker token, and what the token file must hold. */
class RouterCommandTokenTest {

    @TempDir
    Path dir;

    @Test
    void aRouterReachableFromOtherHostsNeedsAToken() {
        assertThatThrownBy(() -> RouterCommand.workerToken("0.0.0.0", null, false))
                .hasMessageContaining("--worker-token-file")
                .hasMessageContaining("0.0.0.0")
                .hasMessageContaining("--allow-unauthenticated-workers");
        assertThatThrownBy(() -> RouterCommand.workerToken("10.1.2.3", null, false))
                .hasMessageContaining("--worker-token-file");
        assertThat(RouterCommand.workerToken("127.0.0.1", null, false))
                .as("loopback: this host only")
                .isNull();
        assertThat(RouterCommand.workerToken("0.0.0.0", null, true))
                .as("explicitly opted out")
                .isNull();
    }

    @Test
    void theTokenFileIsReadAndChecked() throws Exception {
        Path good = Files.writeString(dir.resolve("token"), "abcdefghijklmnopqrstuvwxyz012345\n");
        assertThat(RouterCommand.workerToken("0.0.0.0", good, false)).isEqualTo("abcdefghijklmnopqrstuvwxyz012345");
        Path shortOne = Files.writeString(dir.resolve("short"), "abc\n");
        assertThatThrownBy(() -> RouterCommand.workerToken("0.0.0.0", shortOne, false))
                .hasMessageContaining("--worker-token-file")
                .hasMessageContaining("at least 16");
        assertThatThrownBy(() -> RouterCommand.workerToken("0.0.0.0", dir.resolve("missing"), false))
                .hasMessageContaining("cannot read");
    }
}
