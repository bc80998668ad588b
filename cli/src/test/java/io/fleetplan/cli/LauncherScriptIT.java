package io.fleetplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./fleetplan} launcher's JVM flags per subcommand, read back from the JVM it starts
 * ({@code -XX:+PrintCommandLineFlags -version} passed through {@code FLEETPLAN_JAVA_OPTS} stops before the jar loads).
 */
class LauncherScriptIT {

    static final Path LAUNCHER = Path.of("..", "fleetplan").toAbsolutePath().normalize();

    @Test
    void servingProcessesGetASizedYoungGeneration() throws Exception {
        assertThat(flags("frontend")).contains("-XX:NewSize=268435456", "-XX:InitialHeapSize=536870912");
        assertThat(flags("router", "--port", "9000")).contains("-XX:NewSize=268435456");
        assertThat(flags("bench", "router")).contains("-XX:NewSize=1073741824", "-XX:InitialHeapSize=1610612736");
    }

    @Test
    void servingProcessesPromoteWhatOutlivesOneCollection() throws Exception {
        for (String[] command : new String[][] {{"frontend"}, {"router"}, {"bench", "router"}}) {
            assertThat(flags(command)).contains("-XX:MaxTenuringThreshold=1");
        }
        assertThat(flags("replay")).doesNotContain("-XX:MaxTenuringThreshold=1");
    }

    @Test
    void otherCommandsKeepTheJvmDefaults() throws Exception {
        assertThat(flags("replay")).doesNotContain("-XX:NewSize=");
        assertThat(flags("bench", "replay")).doesNotContain("-XX:NewSize=");
        assertThat(flags("global-planner")).doesNotContain("-XX:NewSize=");
    }

    @Test
    void userFlagsWinOverTheServingDefaults() throws Exception {
        assertThat(flagsWith("-Xmn128m", "router"))
                .contains("-XX:NewSize=134217728")
                .doesNotContain("-XX:NewSize=268435456");
    }

    private static String flags(String... args) throws IOException, InterruptedException {
        return flagsWith("", args);
    }

    /** @param userOpts extra {@code FLEETPLAN_JAVA_OPTS} before the probe flags */
    private static String flagsWith(String userOpts, String... args) throws IOException, InterruptedException {
        assertThat(Files.isExecutable(LAUNCHER)).as(LAUNCHER + " is executable").isTrue();
        List<String> cmd = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("FLEETPLAN_SKIP_BUILD", "1");
        pb.environment().put("FLEETPLAN_JAVA_OPTS", (userOpts + " -XX:+PrintCommandLineFlags -version").trim());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
