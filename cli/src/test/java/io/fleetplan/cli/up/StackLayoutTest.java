package io.fleetplan.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.router.frontend.FrontendConfig;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StackLayoutTest {

    static final Path RUN = Path.of("target", "fleetplan-run-test");

    static StackLayout layout(String yaml) {
        AtomicInteger next = new AtomicInteger(20000);
        return new StackLayout(
                ConfigLoader.parse(yaml, "stack.yaml", StackConfig.class),
                RUN,
                preferred -> preferred > 0 ? preferred : next.getAndIncrement());
    }

    @Test
    void defaultStackRunsRoutersThenPlannersThenTheFrontend() {
        StackLayout l = layout("{}");
        assertThat(l.components())
                .extracting(Component::name)
                .containsExactly(
                        "router-prefill",
                        "router-decode",
                        "global-planner",
                        "pool-planner-prefill",
                        "pool-planner-decode",
                        "frontend");
        assertThat(l.frontendPort()).isEqualTo(8000);
        Set<Integer> ports =
                new HashSet<>(List.of(l.frontendPort(), l.globalPlannerPort(), l.globalPlannerMetricsPort()));
        for (String pool : List.of("prefill", "decode")) {
            StackLayout.PoolPorts p = l.ports(pool);
            ports.addAll(List.of(p.routerGrpc(), p.routerMetrics(), p.plannerDashboard(), p.plannerMetrics()));
        }
        assertThat(ports).as("every listener its own port").hasSize(11);
    }

    @Test
    void generatedConfigsAreValidForTheirCommands() {
        StackLayout l = layout("""
                budget: {max_total_gpus: 5}
                slo: {ttft_ms: 300, itl_ms: 30}
                pools:
                  - {name: p, mode: prefill, max_replicas: 3, planner: {load_predictor: constant}}
                  - {name: d, mode: decode, gpus_per_replica: 2, initial_replicas: 2, max_replicas: 3}
                """);
        Component frontend = l.components().getLast();
        FrontendConfig fc =
                ConfigLoader.parse(frontend.files().get("frontend.yaml"), "frontend.yaml", FrontendConfig.class);
        assertThat(fc.poolRouters()).containsOnlyKeys("fleetplan-p", "fleetplan-d");
        assertThat(fc.globalRouter().disaggregated()).isTrue();

        Component planner = l.components().stream()
                .filter(c -> c.name().equals("pool-planner-p"))
                .findFirst()
                .orElseThrow();
        PlannerConfig pc =
                ConfigLoader.parse(planner.files().get("planner-p.yaml"), "planner-p.yaml", PlannerConfig.class);
        assertThat(pc.mode()).isEqualTo("prefill");
        assertThat(pc.environment()).isEqualTo("global-planner");
        assertThat(pc.ttftMs()).isEqualTo(300.0);
        assertThat(pc.loadPredictor()).as("the pool's planner section wins").isEqualTo("constant");
        assertThat(pc.maxGpuBudget()).as("max_replicas x gpus_per_replica").isEqualTo(3);
        assertThat(pc.globalPlannerAddress()).isEqualTo("127.0.0.1:" + l.globalPlannerPort());
        assertThat(pc.routerAddress()).isEqualTo("127.0.0.1:" + l.ports("p").routerGrpc());

        Component gp = l.components().stream()
                .filter(c -> c.name().equals("global-planner"))
                .findFirst()
                .orElseThrow();
        String gpYaml = gp.files().get("global-planner.yaml");
        assertThat(gpYaml)
                .contains("environment: \"local\"")
                .contains("max_total_gpus: 5")
                .contains("graph_deployment_name: \"d\"")
                .contains("gpus_per_replica: 2")
                .contains("replicas: 2")
                .contains("\"--pool\"")
                .contains("\"{dgd}\"");
        GlobalPlannerConfig gc = ConfigLoader.parse(gpYaml, "global-planner.yaml", GlobalPlannerConfig.class);
        assertThat(gc.executorKind()).isEqualTo("local");
        assertThat(gc.executor().local().targets()).hasSize(2);
        assertThat(gc.executor().local().logDir()).isEqualTo(l.workerLogs().toString());
        assertThat(gc.managedNamespaces()).containsExactly("fleetplan-p", "fleetplan-d");
        assertThat(gp.files().get(WorkerCommand.argsFile("d")))
                .contains("--disaggregation-mode\ndecode\n")
                .contains("--router\n127.0.0.1:" + l.ports("d").routerGrpc() + "\n")
                .contains("--gpus\n2\n");
    }

    @Test
    void workersTheGlobalPlannerStartsRunTheStacksLauncher() {
        StackLayout l = new StackLayout(
                ConfigLoader.parse("{}", "stack.yaml", StackConfig.class),
                RUN,
                p -> 20000,
                List.of("java", "-cp", "/run/fleetplan.jar", "io.fleetplan.cli.Main"));
        Component gp = l.components().stream()
                .filter(c -> c.name().equals("global-planner"))
                .findFirst()
                .orElseThrow();
        GlobalPlannerConfig gc = ConfigLoader.parse(
                gp.files().get("global-planner.yaml"), "global-planner.yaml", GlobalPlannerConfig.class);
        assertThat(gc.executor().local().command())
                .startsWith("java", "-cp", "/run/fleetplan.jar", "io.fleetplan.cli.Main", "up", "worker");
    }

    @Test
    void aggregatedStackUsesAnAggGrid() {
        StackLayout l = layout("pools: [{name: a, mode: agg}, {name: b, mode: agg}]");
        FrontendConfig fc = ConfigLoader.parse(
                l.components().getLast().files().get("frontend.yaml"), "f.yaml", FrontendConfig.class);
        assertThat(fc.globalRouter().disaggregated()).isFalse();
        assertThat(fc.globalRouter().allPools()).containsExactly("fleetplan-a", "fleetplan-b");
    }

    @Test
    void healthBodyNeedsAWorkerInEveryPool() throws Exception {
        assertThat(UpCommand.everyPoolReady("{\"status\":\"healthy\",\"pools\":{\"a\":1,\"b\":0}}", 2))
                .isFalse();
        assertThat(UpCommand.everyPoolReady("{\"status\":\"healthy\",\"pools\":{\"a\":1,\"b\":3}}", 2))
                .isTrue();
    }

    private static List<String> argsOf(StackLayout l, String name) {
        return l.components().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow()
                .args();
    }

    /** The value after {@code flag} in a command line. */
    private static String flag(List<String> args, String flag) {
        int i = args.indexOf(flag);
        assertThat(i).as(flag + " in " + args).isGreaterThanOrEqualTo(0);
        return args.get(i + 1);
    }

    @Test
    void everyListenerOfTheStackIsOnLoopback() {
        StackLayout l = layout("{}");
        for (String pool : List.of("prefill", "decode")) {
            assertThat(flag(argsOf(l, "router-" + pool), "--host")).isEqualTo("127.0.0.1");
            // the pool planner's live dashboard and /metrics
            assertThat(flag(argsOf(l, "pool-planner-" + pool), "--host")).isEqualTo("127.0.0.1");
            assertThat(flag(
                            l.workerArgs(l.stack().pools().stream()
                                    .filter(p -> p.name().equals(pool))
                                    .findFirst()
                                    .orElseThrow()),
                            "--host"))
                    .isEqualTo("127.0.0.1");
        }
        Component gp = l.components().stream()
                .filter(c -> c.name().equals("global-planner"))
                .findFirst()
                .orElseThrow();
        GlobalPlannerConfig gc = ConfigLoader.parse(
                gp.files().get("global-planner.yaml"), "global-planner.yaml", GlobalPlannerConfig.class);
        // its /metrics listens on the gRPC host
        assertThat(gc.grpc().host()).isEqualTo("127.0.0.1");
        FrontendConfig fc = ConfigLoader.parse(
                l.components().getLast().files().get("frontend.yaml"), "f.yaml", FrontendConfig.class);
        assertThat(fc.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void routersWorkersAndTheFrontendShareThisRunsToken() {
        StackLayout l = new StackLayout(
                ConfigLoader.parse("{}", "stack.yaml", StackConfig.class),
                RUN,
                p -> 20000,
                List.of("fleetplan"),
                "run-token-0123456789abcdef");
        String tokenFile = l.poolTokenFile().toString();
        for (String pool : List.of("prefill", "decode")) {
            Component router = l.components().stream()
                    .filter(c -> c.name().equals("router-" + pool))
                    .findFirst()
                    .orElseThrow();
            assertThat(flag(router.args(), "--worker-token-file")).isEqualTo(tokenFile);
            assertThat(router.files()).containsEntry(StackLayout.POOL_TOKEN_FILE, "run-token-0123456789abcdef\n");
            assertThat(flag(
                            l.workerArgs(l.stack().pools().stream()
                                    .filter(p -> p.name().equals(pool))
                                    .findFirst()
                                    .orElseThrow()),
                            "--router-token-file"))
                    .isEqualTo(tokenFile);
        }
        FrontendConfig fc = ConfigLoader.parse(
                l.components().getLast().files().get("frontend.yaml"), "f.yaml", FrontendConfig.class);
        assertThat(fc.routerTokenFile()).isEqualTo(tokenFile);
        assertThat(StackLayout.newToken())
                .as("a new secret every run")
                .isNotEqualTo(StackLayout.newToken())
                .hasSizeGreaterThanOrEqualTo(40);
    }
}
