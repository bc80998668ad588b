package io.fleetplan.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaLauncherTest {

    @TempDir
    Path tmp;

    @Test
    void aSingleJarIsCopiedIntoTheRunDirSoARebuildCannotChangeRunningChildren() throws Exception {
        Path jar = Files.writeString(tmp.resolve("fleetplan-cli.jar"), "build 1");
        Path run = tmp.resolve("run");

        String pinned = JavaLauncher.pinnedClassPath(jar.toString(), run);
        Files.writeString(jar, "build 2");

        assertThat(Path.of(pinned)).isEqualTo(run.resolve("fleetplan.jar").toAbsolutePath());
        assertThat(Files.readString(Path.of(pinned))).isEqualTo("build 1");
    }

    @Test
    void aModuleClassPathIsUsedAsItIs() {
        String cp = tmp.resolve("a.jar") + File.pathSeparator + tmp.resolve("classes");
        assertThat(JavaLauncher.pinnedClassPath(cp, tmp.resolve("run"))).isEqualTo(cp);
        assertThat(JavaLauncher.pinnedClassPath(tmp.resolve("classes").toString(), tmp.resolve("run")))
                .isEqualTo(tmp.resolve("classes").toString());
        assertThat(Files.exists(tmp.resolve("run"))).isFalse();
    }

    @Test
    void theChildCommandRunsTheCopy() throws Exception {
        Path jar = Files.writeString(tmp.resolve("fleetplan-cli.jar"), "x");
        String saved = System.getProperty("java.class.path");
        System.setProperty("java.class.path", jar.toString());
        try {
            assertThat(JavaLauncher.pinnedCommand(tmp.resolve("run")))
                    .containsSequence(
                            "-cp",
                            tmp.resolve("run")
                                    .resolve("fleetplan.jar")
                                    .toAbsolutePath()
                                    .toString(),
                            JavaLauncher.MAIN);
        } finally {
            System.setProperty("java.class.path", saved);
        }
    }
}
