package io.fleetplan.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.fleetplan.common.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds and parses the files under deploy/ (multi-document YAML). */
final class DeployFiles {

    private DeployFiles() {}

    /** The repository root: the {@code fleetplan.repo} system property (set by the pom) or the parent directory. */
    static Path repo() {
        String prop = System.getProperty("fleetplan.repo");
        Path p = prop != null ? Path.of(prop) : Path.of("..");
        return p.toAbsolutePath().normalize();
    }

    /** Plain YAML files (Helm templates are not YAML until rendered; build output is skipped). */
    static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.toString().contains("/templates/")
                            && !p.toString().contains("/target/"))
                    .sorted()
                    .toList();
        }
    }

    /** Chart.yaml and values.yaml are not Kubernetes objects. */
    static boolean isPlainValuesFile(Path p) {
        String n = p.getFileName().toString();
        return n.equals("values.yaml") || n.equals("Chart.yaml");
    }

    static List<JsonNode> documents(Path file) throws IOException {
        return documents(Files.readString(file));
    }

    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it =
                ConfigLoader.yamlMapper().readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    /** Every Kubernetes object in the plain YAML files under {@code dir}. */
    static List<JsonNode> objects(Path dir) throws IOException {
        List<JsonNode> all = new ArrayList<>();
        for (Path f : yamlFiles(dir)) {
            if (!isPlainValuesFile(f)) {
                all.addAll(documents(f));
            }
        }
        return all;
    }

    /** The text of every main Java source in the repository (to check that metric names are really exported). */
    static String mainSources(Path repo) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(repo, 14)) {
            for (Path p : s.filter(
                            p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
                    .toList()) {
                try {
                    sb.append(Files.readString(p)).append('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return sb.toString();
    }
}
