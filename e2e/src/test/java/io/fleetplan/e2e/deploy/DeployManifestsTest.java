package io.fleetplan.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.pool.config.PlannerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Structure of everything under deploy/, without a cluster and without Helm: every YAML parses, every object
 * has a kind and a name, only the GlobalPlanner's service account can write a /scale subresource, the example
 * DGDs use Dynamo's schema, embedded planner configs are valid PlannerConfigs, the Helm templates only read
 * values that exist, and the Grafana dashboard only queries metrics some module exports.
 */
class DeployManifestsTest {

    static final String GLOBAL_PLANNER_SA = "fleetplan-global-planner";
    static final String POOL_PLANNER_SA = "fleetplan-pool-planner";
    static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch", "delete", "deletecollection", "*");

    final Path repo = DeployFiles.repo();
    final Path deploy = repo.resolve("deploy");

    @Test
    void everyYamlParsesAndEveryObjectHasKindAndName() throws IOException {
        List<Path> files = DeployFiles.yamlFiles(deploy);
        assertThat(files).as("YAML files under deploy/").hasSizeGreaterThan(5);
        for (Path f : files) {
            for (JsonNode doc : DeployFiles.documents(f)) {
                String where = deploy.relativize(f).toString();
                if (DeployFiles.isPlainValuesFile(f)) {
                    continue;
                }
                assertThat(doc.path("apiVersion").asText())
                        .as(where + ": apiVersion")
                        .isNotBlank();
                assertThat(doc.path("kind").asText()).as(where + ": kind").isNotBlank();
                if (!doc.path("kind").asText().equals("Cluster")) { // kind's own config has no metadata
                    assertThat(doc.path("metadata").path("name").asText())
                            .as(where + ": metadata.name of " + doc.path("kind"))
                            .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
                }
            }
        }
    }

    @Test
    void onlyTheGlobalPlannerMayWriteScale() throws IOException {
        List<JsonNode> objects = new ArrayList<>(DeployFiles.objects(deploy));
        objects.addAll(DeployFiles.documents(HelmLite.render(deploy.resolve("helm/fleetplan/templates/rbac.yaml"))));
        Map<String, List<JsonNode>> rolesByName = new HashMap<>();
        for (JsonNode o : objects) {
            if (o.path("kind").asText().endsWith("Role")) {
                rolesByName
                        .computeIfAbsent(o.path("metadata").path("name").asText(), k -> new ArrayList<>())
                        .add(o);
            }
        }
        assertThat(rolesByName).containsKeys(GLOBAL_PLANNER_SA, POOL_PLANNER_SA);
        int bindings = 0;
        for (JsonNode o : objects) {
            if (!o.path("kind").asText().endsWith("RoleBinding")) {
                continue;
            }
            bindings++;
            String role = o.path("roleRef").path("name").asText();
            boolean writesScale =
                    rolesByName.getOrDefault(role, List.of()).stream().anyMatch(DeployManifestsTest::writesScale);
            for (JsonNode subject : o.path("subjects")) {
                if (writesScale) {
                    assertThat(subject.path("name").asText())
                            .as("role " + role + " can write /scale; bound to")
                            .isEqualTo(GLOBAL_PLANNER_SA);
                }
            }
        }
        assertThat(bindings).isGreaterThanOrEqualTo(4);
        assertThat(rolesByName.get(GLOBAL_PLANNER_SA)).allMatch(DeployManifestsTest::writesScale);
        for (JsonNode poolRole : rolesByName.get(POOL_PLANNER_SA)) {
            for (JsonNode rule : poolRole.path("rules")) {
                for (JsonNode verb : rule.path("verbs")) {
                    assertThat(WRITE_VERBS)
                            .as("pool planner role verb " + verb + " on " + rule.path("resources"))
                            .doesNotContain(verb.asText());
                }
            }
        }
    }

    static boolean writesScale(JsonNode role) {
        for (JsonNode rule : role.path("rules")) {
            boolean scale = false;
            for (JsonNode r : rule.path("resources")) {
                scale |= r.asText().endsWith("/scale") || r.asText().equals("*");
            }
            for (JsonNode v : rule.path("verbs")) {
                if (scale && WRITE_VERBS.contains(v.asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void exampleDgdsFollowDynamosSchemaAndRunAsTheRightAccounts() throws IOException {
        Set<String> componentTypes = Set.of("frontend", "worker", "prefill", "decode", "planner", "epp", "main");
        int dgds = 0;
        Set<String> adapters = new TreeSet<>();
        for (JsonNode o : DeployFiles.objects(deploy.resolve("examples"))) {
            if (!o.path("kind").asText().equals("DynamoGraphDeployment")) {
                continue;
            }
            dgds++;
            String dgd = o.path("metadata").path("name").asText();
            assertThat(o.path("apiVersion").asText()).isIn("nvidia.com/v1alpha1", "nvidia.com/v1beta1");
            JsonNode services = o.path("spec").path("services");
            assertThat(services.size()).as(dgd + " services").isBetween(1, 25);
            for (Map.Entry<String, JsonNode> e : services.properties()) {
                JsonNode s = e.getValue();
                String where = dgd + "." + e.getKey();
                assertThat(s.path("componentType").asText())
                        .as(where + ".componentType")
                        .isIn(componentTypes);
                assertThat(s.path("replicas").asInt(-1)).as(where + ".replicas").isGreaterThanOrEqualTo(0);
                String image = s.path("extraPodSpec")
                        .path("mainContainer")
                        .path("image")
                        .asText();
                assertThat(image).as(where + " image").startsWith("fleetplan:");
                String sa = s.path("extraPodSpec").path("serviceAccountName").asText();
                List<String> args = new ArrayList<>();
                s.path("extraPodSpec").path("mainContainer").path("args").forEach(a -> args.add(a.asText()));
                String command = args.isEmpty() ? "" : args.getFirst();
                assertThat(command)
                        .as(where + " fleetplan subcommand")
                        .isIn("frontend", "global-planner", "router", "pool-planner", "mocker");
                switch (command) {
                    case "global-planner" -> assertThat(sa).as(where).isEqualTo(GLOBAL_PLANNER_SA);
                    case "pool-planner" -> assertThat(sa).as(where).isEqualTo(POOL_PLANNER_SA);
                    default -> assertThat(sa).as(where).isEqualTo("fleetplan-workload");
                }
                if (s.path("scalingAdapter").path("enabled").asBoolean()) {
                    assertThat(s.path("subComponentType").asText())
                            .as(where + ".subComponentType")
                            .isIn("prefill", "decode");
                    assertThat(s.path("resources").path("limits").path("gpu").asText())
                            .as(where + " GPUs per replica")
                            .matches("[1-9][0-9]*");
                    adapters.add(dgd + "-" + e.getKey().toLowerCase(Locale.ROOT));
                }
            }
        }
        assertThat(dgds).as("control + prefill + decode DGDs").isEqualTo(3);
        Set<String> declared = new TreeSet<>();
        for (JsonNode o : DeployFiles.objects(deploy.resolve("examples"))) {
            if (o.path("kind").asText().equals("DynamoGraphDeploymentScalingAdapter")) {
                String name = o.path("metadata").path("name").asText();
                declared.add(name);
                assertThat(name)
                        .isEqualTo(o.path("spec").path("dgdRef").path("name").asText() + "-"
                                + o.path("spec")
                                        .path("dgdRef")
                                        .path("serviceName")
                                        .asText()
                                        .toLowerCase(Locale.ROOT));
            }
        }
        assertThat(declared).as("DGDSAs named {dgd}-{service lowercased}").isEqualTo(adapters);
    }

    @Test
    void embeddedPlannerConfigsAreValid() throws IOException {
        int checked = 0;
        for (JsonNode o : DeployFiles.objects(deploy.resolve("examples"))) {
            if (o.path("kind").asText().equals("ConfigMap") && o.path("data").has("planner.yaml")) {
                PlannerConfig c = ConfigLoader.parse(
                        o.path("data").path("planner.yaml").asText(),
                        o.path("metadata").path("name").asText() + "/planner.yaml",
                        PlannerConfig.class);
                assertThat(c.environment()).isEqualTo("global-planner");
                checked++;
            }
        }
        assertThat(checked).isEqualTo(2);
    }

    @Test
    void embeddedGlobalPlannerConfigIsValid() throws IOException {
        int checked = 0;
        for (JsonNode o : DeployFiles.objects(deploy.resolve("examples"))) {
            if (o.path("kind").asText().equals("ConfigMap") && o.path("data").has("global-planner.yaml")) {
                GlobalPlannerConfig c = ConfigLoader.parse(
                        o.path("data").path("global-planner.yaml").asText(),
                        o.path("metadata").path("name").asText() + "/global-planner.yaml",
                        GlobalPlannerConfig.class);
                assertThat(c.environment()).isEqualTo("kubernetes");
                assertThat(c.budgetEnabled()).isTrue();
                assertThat(c.managedNamespaces()).containsExactly("fleetplan-prefill", "fleetplan-decode");
                checked++;
            }
        }
        assertThat(checked).isEqualTo(1);
    }

    @Test
    void crdsDeclareDynamosScaleContract() throws IOException {
        // plain YAML in the fleetplan-crds chart (only its guard is a template)
        Path crds = deploy.resolve("helm/fleetplan-crds/templates");
        List<JsonNode> crdObjects = new ArrayList<>();
        try (Stream<Path> s = Files.list(crds)) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("nvidia.com_"))
                    .toList()) {
                crdObjects.addAll(DeployFiles.documents(f));
            }
        }
        Map<String, JsonNode> byPlural = new HashMap<>();
        for (JsonNode o : crdObjects) {
            if (o.path("kind").asText().equals("CustomResourceDefinition")) {
                byPlural.put(o.path("spec").path("names").path("plural").asText(), o);
                assertThat(o.path("spec").path("group").asText()).isEqualTo("nvidia.com");
            }
        }
        JsonNode dgdsa = byPlural.get("dynamographdeploymentscalingadapters");
        assertThat(dgdsa).as("DGDSA CRD").isNotNull();
        boolean scaleSeen = false;
        for (JsonNode v : dgdsa.path("spec").path("versions")) {
            JsonNode scale = v.path("subresources").path("scale");
            if (!scale.isMissingNode()) {
                scaleSeen = true;
                assertThat(scale.path("specReplicasPath").asText()).isEqualTo(".spec.replicas");
                assertThat(scale.path("statusReplicasPath").asText()).isEqualTo(".status.replicas");
                assertThat(scale.path("labelSelectorPath").asText()).isEqualTo(".status.selector");
            }
        }
        assertThat(scaleSeen).as("DGDSA has a scale subresource").isTrue();
        JsonNode dgd = byPlural.get("dynamographdeployments");
        assertThat(dgd).as("DGD CRD").isNotNull();
        for (JsonNode v : dgd.path("spec").path("versions")) {
            assertThat(v.path("subresources").has("scale"))
                    .as("DGD has no scale subresource (Dynamo)")
                    .isFalse();
        }
    }

    @Test
    void helmTemplatesOnlyReadValuesThatExist() throws IOException {
        Path chart = deploy.resolve("helm/fleetplan");
        JsonNode chartYaml = DeployFiles.documents(chart.resolve("Chart.yaml")).getFirst();
        assertThat(chartYaml.path("apiVersion").asText()).isEqualTo("v2");
        JsonNode values = DeployFiles.documents(chart.resolve("values.yaml")).getFirst();
        JsonNode pool = values.path("pools").get(0);
        Pattern valueRef = Pattern.compile("\\.Values((?:\\.[A-Za-z][A-Za-z0-9]*)+)");
        Pattern poolRef = Pattern.compile("\\$pool((?:\\.[A-Za-z][A-Za-z0-9]*)+)");
        Set<String> missing = new TreeSet<>();
        try (Stream<Path> s = Files.list(chart.resolve("templates"))) {
            for (Path t : s.toList()) {
                String text = Files.readString(t);
                collectMissing(valueRef.matcher(text), values, t, missing);
                collectMissing(poolRef.matcher(text), pool, t, missing);
            }
        }
        assertThat(missing)
                .as("template references without a value in values.yaml")
                .isEmpty();
        assertThat(values.path("budget").path("maxTotalGpus").isInt()).isTrue();
        assertThat(values.path("slo").path("ttftMs").isNumber()).isTrue();
        assertThat(values.path("pools").size()).isGreaterThanOrEqualTo(2);
    }

    private static void collectMissing(Matcher m, JsonNode root, Path file, Set<String> missing) {
        while (m.find()) {
            JsonNode node = root;
            for (String part : m.group(1).substring(1).split("\\.")) {
                node = node.path(part);
            }
            if (node.isMissingNode()) {
                missing.add(file.getFileName() + ": " + m.group());
            }
        }
    }

    @Test
    void dashboardQueriesOnlyExportedMetrics() throws IOException {
        JsonNode dash = new ObjectMapper()
                .readTree(deploy.resolve("grafana/fleetplan-dashboard.json").toFile());
        assertThat(dash.path("uid").asText()).isNotBlank();
        Set<String> metrics = new TreeSet<>();
        Pattern name = Pattern.compile("\\b((?:dynamo|global|fleetplan)_[a-z0-9_]+)");
        int timeseries = 0;
        for (JsonNode p : dash.path("panels")) {
            if (!p.path("type").asText().equals("timeseries")) {
                continue;
            }
            timeseries++;
            for (JsonNode t : p.path("targets")) {
                Matcher m = name.matcher(t.path("expr").asText());
                while (m.find()) {
                    if (m.group(1).equals("dynamo_namespace")) {
                        continue; // a label, not a metric
                    }
                    metrics.add(m.group(1).replaceAll("_(bucket|sum|count)$", ""));
                }
            }
        }
        assertThat(timeseries).isGreaterThan(10);
        String sources = DeployFiles.mainSources(repo);
        Set<String> unknown = new TreeSet<>();
        for (String metric : metrics) {
            if (!MetricNames.exported(metric, sources)) {
                unknown.add(metric);
            }
        }
        assertThat(unknown).as("dashboard metrics no module exports").isEmpty();
    }

    @Test
    void dashboardFiltersEveryPoolSeriesByThePoolVariable() throws IOException {
        JsonNode dash = new ObjectMapper()
                .readTree(deploy.resolve("grafana/fleetplan-dashboard.json").toFile());
        JsonNode pool = null;
        for (JsonNode v : dash.path("templating").path("list")) {
            if (v.path("name").asText().equals("pool")) {
                pool = v;
            }
        }
        assertThat(pool).as("a pool variable").isNotNull();
        assertThat(pool.path("query").path("query").asText()).contains("dynamo_namespace");
        // series labelled by pool (router, worker and planner): each is selected by the variable
        Pattern pooled =
                Pattern.compile("\\b((?:dynamo_component|dynamo_planner|fleetplan_router|fleetplan_mocker)_[a-z0-9_]+)"
                        + "(\\{[^}]*\\})?");
        List<String> unfiltered = new ArrayList<>();
        int filtered = 0;
        for (JsonNode p : dash.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                Matcher m = pooled.matcher(t.path("expr").asText());
                while (m.find()) {
                    if (m.group(2) != null && m.group(2).contains("dynamo_namespace=~\"$pool\"")) {
                        filtered++;
                    } else {
                        unfiltered.add(p.path("title").asText() + ": " + m.group());
                    }
                }
            }
        }
        assertThat(unfiltered)
                .as("pool series the pool variable does not select")
                .isEmpty();
        assertThat(filtered).isGreaterThan(15);
    }

    @Test
    void kindConfigAndScriptAreConsistent() throws IOException {
        JsonNode kind =
                DeployFiles.documents(deploy.resolve("kind/kind-config.yaml")).getFirst();
        assertThat(kind.path("kind").asText()).isEqualTo("Cluster");
        int containerPort = kind.path("nodes")
                .get(0)
                .path("extraPortMappings")
                .get(0)
                .path("containerPort")
                .asInt();
        String script = Files.readString(deploy.resolve("kind/deploy-kind.sh"));
        assertThat(script)
                .contains("nodePort=" + containerPort)
                .contains("kind load image-archive")
                .contains("deploy/helm/fleetplan-crds")
                .contains("helm upgrade --install");
        assertThat(Files.isExecutable(deploy.resolve("kind/deploy-kind.sh"))).isTrue();
    }
}
