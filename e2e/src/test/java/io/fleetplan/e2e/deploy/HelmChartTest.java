package io.fleetplan.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.router.frontend.FrontendConfig;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm charts through a real {@code helm} (lint, template): every rendered document deserializes strictly into
 * its fabric8 model class (an unknown or misplaced field fails), every pod passes the checks of Pod Security
 * "restricted", and the chart's defaults are the safe ones (probes, PDBs, NetworkPolicies, tokens, two
 * GlobalPlanner replicas with Lease election). Skips with a printed reason when helm is not installed ({@code
 * .ci/run} installs it; {@code HELM} names another binary).
 */
class HelmChartTest {

    static final Path REPO = DeployFiles.repo();
    static final Path CHART = REPO.resolve("deploy/helm/fleetplan");
    static final Path CRDS_CHART = REPO.resolve("deploy/helm/fleetplan-crds");
    static final Set<String> RESTRICTED_VOLUMES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
    static String helm;

    @BeforeAll
    static void findHelm() {
        helm = locate();
        if (helm == null) {
            System.out.println("HelmChartTest skipped: no helm binary (PATH or HELM); .ci/run installs one");
        }
    }

    private static String locate() {
        String env = System.getenv("HELM");
        if (env != null && new File(env).canExecute()) {
            return env;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "helm");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    static String run(String... args) throws IOException, InterruptedException {
        Assumptions.assumeTrue(helm != null, "no helm binary (PATH or HELM)");
        List<String> cmd = new ArrayList<>(List.of(helm));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("helm", ".out");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("helm finished").isTrue();
            String text = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + text).isZero();
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static List<HasMetadata> render(String... sets) throws Exception {
        return renderWith(null, sets);
    }

    /** Renders with a values file (lists such as pools are replaced whole, which --set cannot do) and --set pairs. */
    static List<HasMetadata> renderWith(String valuesYaml, String... sets) throws Exception {
        List<String> args = new ArrayList<>(List.of("template", "fp", CHART.toString(), "--namespace", "fleetplan"));
        if (valuesYaml != null) {
            Path f = Files.createTempFile("values", ".yaml");
            f.toFile().deleteOnExit();
            Files.writeString(f, valuesYaml);
            args.addAll(List.of("-f", f.toString()));
        }
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        String yaml = run(args.toArray(String[]::new));
        List<HasMetadata> objects = new ArrayList<>();
        KubernetesSerialization k8s = new KubernetesSerialization();
        for (JsonNode doc : DeployFiles.documents(yaml)) {
            if (doc == null || doc.isNull() || doc.isEmpty()) {
                continue;
            }
            Object o = k8s.unmarshal(doc.toString());
            assertThat(o).as("a Kubernetes object: " + doc.path("kind")).isInstanceOf(HasMetadata.class);
            HasMetadata h = (HasMetadata) o;
            if (!(h instanceof GenericKubernetesResource)) {
                List<String> unknown = new ArrayList<>();
                strict(h, h.getKind() + "/" + h.getMetadata().getName(), unknown);
                assertThat(unknown)
                        .as("fields the Kubernetes schema does not have")
                        .isEmpty();
            }
            objects.add(h);
        }
        return objects;
    }

    /** Walks a fabric8 model object: any field it kept as "additional" is not in the Kubernetes schema. */
    static void strict(Object o, String path, List<String> unknown) throws Exception {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                strict(e, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                strict(e.getValue(), path + "." + e.getKey(), unknown);
            }
            return;
        }
        if (!o.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || Modifier.isStatic(m.getModifiers())
                    || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                strict(v, path + "." + m.getName().substring(3), unknown);
            }
        }
    }

    static <T> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    // ------------------------------------------------------------------------------------------------------

    @Test
    void bothChartsLint() throws Exception {
        run("lint", CHART.toString());
        run("lint", CHART.toString(), "--set", "dynamo.enabled=true", "--set", "poolPlanner.environment=kubernetes");
        run("lint", CRDS_CHART.toString());
    }

    @Test
    void everyShapeRendersValidKubernetesObjects() throws Exception {
        assertThat(render()).hasSizeGreaterThan(20);
        assertThat(render("dynamo.enabled=true")).isNotEmpty();
        assertThat(render("monitoring.serviceMonitor.enabled=true", "monitoring.podMonitor.enabled=true"))
                .isNotEmpty();
        assertThat(render(
                        "globalPlanner.leaderElection.enabled=false",
                        "networkPolicy.enabled=false",
                        "podDisruptionBudget.enabled=false"))
                .isNotEmpty();
        assertThat(render("poolPlanner.environment=kubernetes")).isNotEmpty();
    }

    @Test
    void everyPodPassesPodSecurityRestricted() throws Exception {
        for (Deployment d : ofType(render(), Deployment.class)) {
            String where = "Deployment " + d.getMetadata().getName();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            assertThat(pod.getHostNetwork()).as(where + " hostNetwork").isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostPID()).as(where + " hostPID").isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostIPC()).as(where + " hostIPC").isNotEqualTo(Boolean.TRUE);
            for (Volume v : pod.getVolumes()) {
                assertThat(v.getHostPath())
                        .as(where + " hostPath volume " + v.getName())
                        .isNull();
                JsonNode vol = ConfigLoader.yamlMapper().valueToTree(v);
                for (var field : (Iterable<String>) vol::fieldNames) {
                    if (!field.equals("name")) {
                        assertThat(RESTRICTED_VOLUMES)
                                .as(where + " volume type " + field)
                                .contains(field);
                    }
                }
            }
            PodSecurityContext psc = pod.getSecurityContext();
            List<Container> containers = new ArrayList<>(pod.getContainers());
            if (pod.getInitContainers() != null) {
                containers.addAll(pod.getInitContainers());
            }
            for (Container c : containers) {
                String cw = where + " container " + c.getName();
                SecurityContext sc = c.getSecurityContext();
                assertThat(sc).as(cw + " securityContext").isNotNull();
                assertThat(sc.getAllowPrivilegeEscalation())
                        .as(cw + " allowPrivilegeEscalation")
                        .isFalse();
                assertThat(sc.getPrivileged()).as(cw + " privileged").isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getCapabilities().getDrop())
                        .as(cw + " capabilities.drop")
                        .contains("ALL");
                if (sc.getCapabilities().getAdd() != null) {
                    assertThat(sc.getCapabilities().getAdd())
                            .as(cw + " capabilities.add")
                            .isSubsetOf("NET_BIND_SERVICE");
                }
                boolean nonRoot = Boolean.TRUE.equals(sc.getRunAsNonRoot())
                        || psc != null && Boolean.TRUE.equals(psc.getRunAsNonRoot()) && sc.getRunAsNonRoot() == null;
                assertThat(nonRoot).as(cw + " runAsNonRoot").isTrue();
                Long uid = sc.getRunAsUser() != null ? sc.getRunAsUser() : psc == null ? null : psc.getRunAsUser();
                assertThat(uid).as(cw + " runAsUser").isNotEqualTo(0L);
                String seccomp = sc.getSeccompProfile() != null
                        ? sc.getSeccompProfile().getType()
                        : psc != null && psc.getSeccompProfile() != null
                                ? psc.getSeccompProfile().getType()
                                : null;
                assertThat(seccomp).as(cw + " seccompProfile").isIn("RuntimeDefault", "Localhost");
                c.getPorts()
                        .forEach(p ->
                                assertThat(p.getHostPort()).as(cw + " hostPort").isNull());
            }
        }
    }

    @Test
    void everyComponentHasProbesRequestsAPdbAndANetworkPolicy() throws Exception {
        List<HasMetadata> objects = render();
        List<Deployment> deployments = ofType(objects, Deployment.class);
        assertThat(deployments)
                .extracting(d -> d.getMetadata().getName())
                .contains(
                        "fleetplan-frontend",
                        "fleetplan-global-planner",
                        "fleetplan-prefill-router",
                        "fleetplan-prefill-planner",
                        "fleetplan-prefill-workers",
                        "fleetplan-decode-workers");
        List<PodDisruptionBudget> pdbs = ofType(objects, PodDisruptionBudget.class);
        List<NetworkPolicy> policies = ofType(objects, NetworkPolicy.class);
        for (Deployment d : deployments) {
            String where = "Deployment " + d.getMetadata().getName();
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                assertThat(c.getReadinessProbe()).as(where + " readiness probe").isNotNull();
                assertThat(c.getLivenessProbe()).as(where + " liveness probe").isNotNull();
                assertThat(c.getResources().getRequests())
                        .as(where + " resource requests")
                        .containsKeys("cpu", "memory");
            }
            assertThat(pdbs)
                    .as(where + " PodDisruptionBudget")
                    .anySatisfy(p -> assertThat(labels)
                            .containsAllEntriesOf(p.getSpec().getSelector().getMatchLabels()));
            assertThat(policies)
                    .as(where + " NetworkPolicy")
                    .anySatisfy(p -> assertThat(labels)
                            .containsAllEntriesOf(p.getSpec().getPodSelector().getMatchLabels()));
        }
        // the routers admit the pool's pods and the Frontend, not everyone
        NetworkPolicy router = policies.stream()
                .filter(p -> p.getMetadata().getName().equals("fleetplan-prefill-router"))
                .findFirst()
                .orElseThrow();
        router.getSpec()
                .getIngress()
                .forEach(rule ->
                        assertThat(rule.getFrom()).as("router ingress peers").isNotEmpty());
    }

    @Test
    void theGlobalPlannerRunsTwoReplicasElectingALeaderAndOnlyTheLeaderIsReady() throws Exception {
        List<HasMetadata> objects = render();
        Deployment gp = ofType(objects, Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals("fleetplan-global-planner"))
                .findFirst()
                .orElseThrow();
        assertThat(gp.getSpec().getReplicas()).isEqualTo(2);
        Container main = gp.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(main.getReadinessProbe().getGrpc().getService()).isEqualTo("fleetplan.v1.GlobalPlanner");
        assertThat(main.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("POD_IP"));
        GlobalPlannerConfig cfg = ConfigLoader.parse(
                configMap(objects, "fleetplan-control-config", "global-planner.yaml"),
                "global-planner.yaml",
                GlobalPlannerConfig.class);
        assertThat(cfg.leaderElection().enabled()).isTrue();
        Role role = ofType(objects, Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals("fleetplan-global-planner"))
                .findFirst()
                .orElseThrow();
        assertThat(role.getRules()).anySatisfy(r -> {
            assertThat(r.getResources()).contains("leases");
            assertThat(r.getVerbs()).contains("get", "create", "update");
        });
        // callers with tokens: one per pool planner, each scoped to its own namespace and pool
        assertThat(cfg.callers()).hasSize(2).allSatisfy(c -> {
            assertThat(c.bearerTokenSha256()).matches("[0-9a-f]{64}");
            assertThat(c.callerNamespace()).startsWith("fleetplan-");
            assertThat(c.allowedTargets()).hasSize(1);
        });
        Deployment single = ofType(render("globalPlanner.leaderElection.enabled=false"), Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals("fleetplan-global-planner"))
                .findFirst()
                .orElseThrow();
        assertThat(single.getSpec().getReplicas())
                .as("without election: one replica")
                .isEqualTo(1);
    }

    @Test
    void tokensComeFromSecretsAndTheComponentConfigsParse() throws Exception {
        List<HasMetadata> objects = render();
        assertThat(objects).anySatisfy(o -> {
            assertThat(o.getKind()).isEqualTo("Secret");
            assertThat(o.getMetadata().getName()).isEqualTo("fleetplan-pool-token");
        });
        FrontendConfig fc = ConfigLoader.parse(
                configMap(objects, "fleetplan-control-config", "frontend.yaml"), "frontend.yaml", FrontendConfig.class);
        assertThat(fc.routerTokenFile()).isNotBlank();
        PlannerConfig pc = ConfigLoader.parse(
                configMap(objects, "fleetplan-prefill-planner", "planner.yaml"), "planner.yaml", PlannerConfig.class);
        assertThat(pc.environment()).isEqualTo("global-planner");
        for (Deployment d : ofType(objects, Deployment.class)) {
            List<String> args = d.getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .getFirst()
                    .getArgs();
            switch (args.getFirst()) {
                case "router" -> assertThat(args).contains("--worker-token-file");
                case "mocker" -> assertThat(args).contains("--router-token-file");
                case "pool-planner" -> assertThat(args).contains("--global-planner-token-file");
                default -> {}
            }
        }
    }

    @Test
    void poolPlannersWriteTheirReportsOnTheirEmptyDirNotTheReadOnlyRoot() throws Exception {
        List<HasMetadata> objects = render();
        PlannerConfig pc = ConfigLoader.parse(
                configMap(objects, "fleetplan-prefill-planner", "planner.yaml"), "planner.yaml", PlannerConfig.class);
        assertThat(Path.of(pc.reportOutputDir()).isAbsolute())
                .as("report_output_dir resolves in the working directory")
                .isFalse();
        List<Deployment> planners = ofType(objects, Deployment.class).stream()
                .filter(d -> d.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getArgs()
                        .getFirst()
                        .equals("pool-planner"))
                .toList();
        assertThat(planners).isNotEmpty();
        for (Deployment d : planners) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Container c = pod.getContainers().getFirst();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            List<String> emptyDirs = pod.getVolumes().stream()
                    .filter(v -> v.getEmptyDir() != null)
                    .map(Volume::getName)
                    .toList();
            assertThat(c.getVolumeMounts())
                    .as(d.getMetadata().getName() + ": its working directory is an emptyDir mount")
                    .anySatisfy(m -> {
                        assertThat(m.getMountPath()).isEqualTo(c.getWorkingDir());
                        assertThat(emptyDirs).contains(m.getName());
                    });
        }
    }

    @Test
    void theFrontendGetsAGlobalRouterGridForItsPools() throws Exception {
        FrontendConfig disagg = ConfigLoader.parse(
                configMap(render(), "fleetplan-control-config", "frontend.yaml"),
                "frontend.yaml",
                FrontendConfig.class);
        assertThat(disagg.globalRouter().disaggregated()).isTrue();
        assertThat(disagg.globalRouter().allPools()).containsExactlyInAnyOrder("fleetplan-prefill", "fleetplan-decode");
        String aggPools = """
                pools:
                  - {name: a, mode: agg, gpusPerReplica: 1, minReplicas: 1, maxReplicas: 2, initialReplicas: 1, priority: 1}
                  - {name: b, mode: agg, gpusPerReplica: 2, minReplicas: 1, maxReplicas: 2, initialReplicas: 1, priority: 1}
                """;
        FrontendConfig agg = ConfigLoader.parse(
                configMap(renderWith(aggPools), "fleetplan-control-config", "frontend.yaml"),
                "frontend.yaml",
                FrontendConfig.class);
        assertThat(agg.globalRouter().disaggregated()).isFalse();
        assertThat(agg.globalRouter().allPools()).hasSize(2);
    }

    @Test
    void dgdsaScaleIsWritableByPoolPlannersOnlyInStandaloneMode() throws Exception {
        assertThat(ofType(render(), Role.class)).noneSatisfy(r -> {
            assertThat(r.getMetadata().getName()).isNotEqualTo("fleetplan-global-planner");
            assertThat(writesScale(r.getRules())).isTrue();
        });
        List<Role> standalone = ofType(render("poolPlanner.environment=kubernetes"), Role.class);
        Role scale = standalone.stream()
                .filter(r -> r.getMetadata().getName().equals("fleetplan-pool-planner-scale"))
                .findFirst()
                .orElseThrow();
        assertThat(scale.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getResources()).containsExactly("dynamographdeploymentscalingadapters/scale");
            assertThat(r.getResourceNames()).containsExactly("fleetplan-prefill-prefill", "fleetplan-decode-decode");
            assertThat(r.getVerbs()).contains("patch");
        });
    }

    static boolean writesScale(List<PolicyRule> rules) {
        return rules.stream()
                .anyMatch(r -> r.getResources().stream().anyMatch(x -> x.endsWith("/scale"))
                        && r.getVerbs().stream()
                                .anyMatch(v -> Set.of("patch", "update", "*").contains(v)));
    }

    @Test
    void dgdsAreOperatorWorkloadsOnlyWithDynamoAndMonitorsAreOptIn() throws Exception {
        List<HasMetadata> plain = render();
        assertThat(plain).noneSatisfy(o -> assertThat(o.getKind()).isIn("ServiceMonitor", "PodMonitor"));
        // without the operator nothing needs Dynamo's CRDs: each worker Deployment describes its own pool
        assertThat(plain).noneSatisfy(o -> assertThat(o.getKind()).isEqualTo("DynamoGraphDeployment"));
        List<Deployment> workers = ofType(plain, Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().endsWith("-workers"))
                .toList();
        assertThat(workers)
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d.getMetadata().getAnnotations())
                        .containsKeys(
                                "fleetplan.io/graph-deployment-name",
                                "fleetplan.io/component",
                                "fleetplan.io/sub-component-type",
                                "fleetplan.io/gpus-per-replica"));
        List<HasMetadata> dynamo = render(
                "dynamo.enabled=true", "monitoring.serviceMonitor.enabled=true", "monitoring.podMonitor.enabled=true");
        assertThat(ofType(dynamo, Deployment.class))
                .noneSatisfy(d -> assertThat(d.getMetadata().getName()).endsWith("-workers"));
        assertThat(dynamo)
                .filteredOn(o -> o.getKind().equals("DynamoGraphDeployment"))
                .hasSize(workers.size());
        assertThat(dynamo).filteredOn(o -> o.getKind().equals("ServiceMonitor")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(dynamo).filteredOn(o -> o.getKind().equals("PodMonitor")).hasSize(1);
    }

    @Test
    void theCrdChartDeclaresConversionAndRendersOnlyCrds() throws Exception {
        String yaml = run("template", "crds", CRDS_CHART.toString());
        List<JsonNode> docs = DeployFiles.documents(yaml).stream()
                .filter(d -> d != null && !d.isEmpty())
                .toList();
        assertThat(docs).hasSize(2).allSatisfy(d -> {
            assertThat(d.path("kind").asText()).isEqualTo("CustomResourceDefinition");
            assertThat(d.path("spec").path("versions").size()).isEqualTo(2);
            assertThat(d.path("spec").path("conversion").path("strategy").asText())
                    .isEqualTo("None");
        });
        KubernetesSerialization k8s = new KubernetesSerialization();
        for (JsonNode d : docs) {
            List<String> unknown = new ArrayList<>();
            strict(k8s.unmarshal(d.toString(), KubernetesResource.class), "crd", unknown);
            assertThat(unknown).isEmpty();
        }
        assertThat(Files.exists(REPO.resolve("deploy/crds")))
                .as("no bare CRD directory to kubectl-apply by mistake")
                .isFalse();
    }

    private static String configMap(List<HasMetadata> objects, String name, String key) {
        return objects.stream()
                .filter(o -> o.getKind().equals("ConfigMap")
                        && o.getMetadata().getName().equals(name))
                .map(o -> ((ConfigMap) o).getData().get(key))
                .findFirst()
                .orElseThrow();
    }
}
