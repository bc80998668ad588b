package io.fleetplan.e2e.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Just enough of Helm to read a template that has no control flow (the RBAC one): the label include becomes an
 * empty map and the release namespace a fixed name. Templates with ranges and conditionals are checked by value
 * references instead ({@link DeployManifestsTest#helmTemplatesOnlyReadValuesThatExist}).
 */
final class HelmLite {

    private HelmLite() {}

    static String render(Path template) throws IOException {
        String text = Files.readString(template);
        if (text.contains("{{- range") || text.contains("{{- if")) {
            throw new IllegalArgumentException(template + " has control flow; HelmLite renders only flat templates");
        }
        return text.replaceAll("labels: \\{\\{- include [^}]*}}", "labels: {}")
                .replace("{{ .Release.Namespace }}", "fleetplan")
                .replace("{{ .Release.Name }}", "fleetplan");
    }
}
