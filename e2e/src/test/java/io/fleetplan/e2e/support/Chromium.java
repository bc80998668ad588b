package io.fleetplan.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Headless Chromium (the Debian package) for the page tests: the rendered DOM, and a screenshot to keep. */
public final class Chromium {

    private final Path binary;
    private final Path workDir;

    private Chromium(Path binary, Path workDir) {
        this.binary = binary;
        this.workDir = workDir;
    }

    /** Chromium on PATH, or the test is skipped with what to install. */
    public static Chromium require(Path workDir) {
        Optional<Path> found = Tools.find("chromium", "chromium-browser", "google-chrome");
        Assumptions.assumeTrue(found.isPresent(), () -> Tools.missing("chromium", List.of("chromium")));
        return new Chromium(found.get(), workDir);
    }

    /** The DOM after the page's scripts ran. */
    public String dom(String url) throws IOException, InterruptedException {
        return run("--dump-dom", url);
    }

    /** A PNG of the page at {@code width x height}; returns its path. */
    public Path screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        run("--screenshot=" + png, "--window-size=" + width + "," + height, url);
        return png;
    }

    /** Runs headless Chromium once (fresh profile, no network chatter) and returns its stdout. */
    private String run(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("fleetplan-chromium");
        List<String> cmd = new ArrayList<>(List.of(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=8000",
                "--run-all-compositor-stages-before-draw"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectError(workDir.resolve("chromium.log").toFile())
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish in 60 s; see " + workDir.resolve("chromium.log"));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
