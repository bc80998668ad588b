package io.fleetplan.e2e.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds external programs the e2e tests drive (prometheus, chromium); tests skip with a reason when missing. */
public final class Tools {

    private Tools() {}

    /** The first of {@code names} found on PATH. */
    public static Optional<Path> find(String... names) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** A skip reason that says what to install (the CI installs these, docs/e2e.md "CI needs"). */
    public static String missing(String tool, List<String> debianPackages) {
        String reason = tool + " not found on PATH; install it (apt-get install -y " + String.join(" ", debianPackages)
                + ") to run this test";
        System.out.println("SKIPPED: " + reason);
        return reason;
    }
}
