package io.fleetplan.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Jib image configuration in cli/pom.xml (no Docker engine needed to check it): the base image is pinned by
 * digest, the image is built for linux/amd64 and linux/arm64, and it exposes every port a component listens on in
 * the Helm chart.
 */
class JibImageConfigTest {

    final Path repo = DeployFiles.repo();

    private Element jibProfile() throws Exception {
        var doc = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(repo.resolve("cli/pom.xml").toFile());
        NodeList profiles = doc.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element p = (Element) profiles.item(i);
            if (text(p, "id").equals("jib")) {
                return p;
            }
        }
        throw new AssertionError("cli/pom.xml has no jib profile");
    }

    private static String text(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
    }

    private static List<String> texts(Element e, String tag) {
        List<String> out = new ArrayList<>();
        NodeList l = e.getElementsByTagName(tag);
        for (int i = 0; i < l.getLength(); i++) {
            out.add(l.item(i).getTextContent().trim());
        }
        return out;
    }

    @Test
    void baseImageIsPinnedByDigest() throws Exception {
        assertThat(text(jibProfile(), "jib.base")).matches("[a-z0-9./-]+(:[\\w.-]+)?@sha256:[0-9a-f]{64}");
    }

    @Test
    void registryImageIsMultiPlatform() throws Exception {
        Element plugin = (Element) jibProfile().getElementsByTagName("plugin").item(0);
        Element pluginConfig = null;
        for (Node n = plugin.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("configuration")) {
                pluginConfig = e;
            }
        }
        assertThat(pluginConfig).isNotNull();
        Element from = (Element) pluginConfig.getElementsByTagName("from").item(0);
        assertThat(texts(from, "architecture")).containsExactlyInAnyOrder("amd64", "arm64");
        assertThat(texts(from, "os")).containsOnly("linux");
    }

    @Test
    void everyPortTheChartListensOnIsExposed() throws Exception {
        Set<Integer> chartPorts = new TreeSet<>();
        Pattern literal = Pattern.compile("containerPort: (\\d+)");
        try (Stream<Path> s = Files.list(repo.resolve("deploy/helm/fleetplan/templates"))) {
            for (Path t : s.toList()) {
                Matcher m = literal.matcher(Files.readString(t));
                while (m.find()) {
                    chartPorts.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        JsonNode values = DeployFiles.documents(repo.resolve("deploy/helm/fleetplan/values.yaml"))
                .getFirst();
        chartPorts.add(values.path("frontend").path("port").asInt());
        chartPorts.add(values.path("globalPlanner").path("grpcPort").asInt());
        chartPorts.add(values.path("globalPlanner").path("metricsPort").asInt());
        chartPorts.add(9085); // the pool planner's metric_reporting_prometheus_port in its ConfigMap
        Set<Integer> exposed = new TreeSet<>();
        texts(jibProfile(), "port").forEach(p -> exposed.add(Integer.parseInt(p)));
        assertThat(exposed).containsAll(chartPorts);
        assertThat(text(jibProfile(), "user")).as("non-root").isNotIn("", "0", "root");
    }
}
