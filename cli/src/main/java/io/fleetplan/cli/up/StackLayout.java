package io.fleetplan.cli.up;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.cli.up.Component.Role;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.common.stack.StackConfig.Pool;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code fleetplan up} runs for a {@link StackConfig}, decided without starting anything: one LocalRouter and
 * one pool planner per pool, the GlobalPlanner (local-process executor: it starts and drains each pool's mocker
 * workers, beginning with {@code initial_replicas}) and the Frontend with the GlobalRouter in front of the pools.
 * Ports come from a {@link PortSource}, so the same stack file gives the same wiring in tests.
 */
public final class StackLayout {

    /** Loopback only: {@code fleetplan up} is a one-machine stack. */
    public static final String HOST = "127.0.0.1";
    /** How long the Frontend holds a request for a pool with no ready worker (a component up is restarting). */
    static final int UNREADY_WAIT_MS = 15_000;

    /**
     * The run's shared worker token (run dir, owner-only): routers require it on Register, WorkerHeartbeat,
     * Deregister and ListWorkers; workers and the Frontend send it. A new one for every run.
     */
    public static final String POOL_TOKEN_FILE = "pool-token";

    private final StackConfig stack;
    private final Path runDir;
    /** How this stack's processes run {@code fleetplan} (the GlobalPlanner's worker command too). */
    private final List<String> launcher;

    private final List<Component> components = new ArrayList<>();
    private final Map<String, PoolPorts> poolPorts = new LinkedHashMap<>();
    private final int frontendPort;
    private final int globalPlannerPort;
    private final int globalPlannerMetricsPort;
    private final String poolToken;

    /** Ports of one pool's processes. */
    public record PoolPorts(int routerGrpc, int routerMetrics, int plannerDashboard, int plannerMetrics) {}

    public StackLayout(StackConfig stack, Path runDir, PortSource ports) {
        this(stack, runDir, ports, JavaLauncher.fleetplanCommand());
    }

    /** @param launcher the command that runs {@code fleetplan} ({@link JavaLauncher#pinnedCommand}) */
    public StackLayout(StackConfig stack, Path runDir, PortSource ports, List<String> launcher) {
        this(stack, runDir, ports, launcher, newToken());
    }

    /** @param poolToken the shared worker token of this run (tests pass a fixed one) */
    public StackLayout(StackConfig stack, Path runDir, PortSource ports, List<String> launcher, String poolToken) {
        this.poolToken = poolToken;
        this.stack = stack;
        this.runDir = runDir;
        this.launcher = List.copyOf(launcher);
        this.frontendPort = ports.port(stack.ports().frontend());
        this.globalPlannerPort = ports.port(stack.ports().globalPlanner());
        this.globalPlannerMetricsPort = ports.port(0);
        for (Pool p : stack.pools()) {
            poolPorts.put(p.name(), new PoolPorts(ports.port(0), ports.port(0), ports.port(0), ports.port(0)));
        }
        for (Pool p : stack.pools()) {
            components.add(router(p));
        }
        components.add(globalPlanner());
        for (Pool p : stack.pools()) {
            components.add(poolPlanner(p));
        }
        components.add(frontend());
    }

    /** 32 random bytes, URL-safe base64: a fresh secret per run. */
    static String newToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The run directory's copy of the shared worker token. */
    public Path poolTokenFile() {
        return runDir.resolve(POOL_TOKEN_FILE);
    }

    public List<Component> components() {
        return List.copyOf(components);
    }

    public StackConfig stack() {
        return stack;
    }

    public int frontendPort() {
        return frontendPort;
    }

    public int globalPlannerPort() {
        return globalPlannerPort;
    }

    public int globalPlannerMetricsPort() {
        return globalPlannerMetricsPort;
    }

    public PoolPorts ports(String pool) {
        return poolPorts.get(pool);
    }

    /** The Dynamo namespace of a pool: {@code {namespace}-{pool}} (also the LocalRouter's namespace). */
    public String poolNamespace(Pool p) {
        return stack.namespace() + "-" + p.name();
    }

    /** The audit log the GlobalPlanner writes (one JSON line per decision). */
    public Path auditLog() {
        return runDir.resolve("global-planner-audit.jsonl");
    }

    /** Where each worker's output goes ({pool}-{component}-{index}.log). */
    public Path workerLogs() {
        return runDir.resolve("worker-logs");
    }

    /** One pid file per worker: a restarted GlobalPlanner adopts them, {@code up} stops them when it stops. */
    public Path workerPids() {
        return runDir.resolve("worker-pids");
    }

    /** The mocker command line of one worker of {@code pool}, after {@code fleetplan}. */
    public List<String> workerArgs(Pool p) {
        StackConfig.Engine e = p.engine();
        return List.of(
                "mocker",
                "--model-name",
                stack.model(),
                "--host",
                HOST,
                "--disaggregation-mode",
                p.mode(),
                "--pool",
                poolNamespace(p),
                "--router",
                HOST + ":" + ports(p.name()).routerGrpc(),
                "--router-token-file",
                poolTokenFile().toString(),
                "--gpus",
                String.valueOf(p.gpusPerReplica()),
                "--num-gpu-blocks-override",
                String.valueOf(e.numGpuBlocks()),
                "--block-size",
                String.valueOf(e.blockSize()),
                "--max-num-seqs",
                String.valueOf(e.maxNumSeqs()),
                "--max-num-batched-tokens",
                String.valueOf(e.maxNumBatchedTokens()),
                "--speedup-ratio",
                String.valueOf(e.speedupRatio()),
                "--kv-transfer-bandwidth",
                String.valueOf(e.kvTransferBandwidth()),
                "--drain-grace-ms",
                String.valueOf(Math.round(stack.drainGraceSeconds() * 1000)));
    }

    private Component router(Pool p) {
        PoolPorts pp = ports(p.name());
        return new Component(
                "router-" + p.name(),
                Role.ROUTER,
                List.of(
                        "router",
                        "--namespace",
                        poolNamespace(p),
                        "--host",
                        HOST,
                        "--port",
                        String.valueOf(pp.routerGrpc()),
                        "--metrics-port",
                        String.valueOf(pp.routerMetrics()),
                        "--router-id",
                        "router-" + p.name(),
                        "--worker-token-file",
                        poolTokenFile().toString()),
                Map.of(POOL_TOKEN_FILE, poolToken + "\n"),
                Pattern.compile("^router .*gRPC"));
    }

    private Component globalPlanner() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("environment", "local");
        cfg.put(
                "managed_namespaces",
                stack.pools().stream().map(this::poolNamespace).toList());
        cfg.put("max_total_gpus", stack.budget().maxTotalGpus());
        cfg.put("min_total_gpus", stack.budget().minTotalGpus());
        cfg.put("grpc", Map.of("host", HOST, "port", globalPlannerPort));
        cfg.put("metrics_port", globalPlannerMetricsPort);
        cfg.put("audit_log_path", auditLog().toString());
        List<Map<String, Object>> targets = new ArrayList<>();
        for (Pool p : stack.pools()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("k8s_namespace", stack.namespace());
            t.put("graph_deployment_name", p.name());
            t.put("component_name", component(p));
            t.put("sub_component_type", p.mode());
            t.put("gpus_per_replica", p.gpusPerReplica());
            t.put("replicas", p.initialReplicas());
            targets.add(t);
        }
        // the executor runs `fleetplan up worker --pool {dgd}`: it reads this pool's mocker command from the run dir
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("up", "worker", "--run-dir", runDir.toString(), "--pool", "{dgd}"));
        cfg.put(
                "executor",
                Map.of(
                        "local",
                        Map.of(
                                "command",
                                command,
                                "drain_timeout_seconds",
                                (int) Math.ceil(stack.drainGraceSeconds()),
                                "targets",
                                targets,
                                "log_dir",
                                workerLogs().toString(),
                                "pid_dir",
                                workerPids().toString())));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("global-planner.yaml", yaml(cfg));
        for (Pool p : stack.pools()) {
            files.put(WorkerCommand.argsFile(p.name()), String.join("\n", workerArgs(p)) + "\n");
        }
        return new Component(
                "global-planner",
                Role.GLOBAL_PLANNER,
                List.of(
                        "global-planner",
                        "--config",
                        runDir.resolve("global-planner.yaml").toString()),
                files,
                null);
    }

    /** The DGD component (service) name of a pool's workers: the pool's mode, as Dynamo names prefill/decode services. */
    static String component(Pool p) {
        return p.mode().equals("agg") ? "decode" : p.mode();
    }

    private Component poolPlanner(Pool p) {
        PoolPorts pp = ports(p.name());
        Map<String, Object> cfg = new LinkedHashMap<>();
        // the recommended configuration, as the Helm chart and replay's fleetplan policy run it; the pool's own
        // planner section overrides it
        cfg.put("preset", "fleetplan");
        cfg.put("backend", "mocker");
        cfg.putAll(p.planner());
        cfg.put("mode", p.mode());
        cfg.put("environment", "global-planner");
        cfg.put("namespace", poolNamespace(p));
        cfg.put("global_planner_namespace", stack.namespace() + "-control");
        cfg.put("global_planner_address", HOST + ":" + globalPlannerPort);
        cfg.put("router_address", HOST + ":" + pp.routerGrpc());
        cfg.put("graph_deployment_name", p.name());
        cfg.put("k8s_namespace", stack.namespace());
        cfg.put(p.mode().equals("prefill") ? "prefill_component_name" : "decode_component_name", component(p));
        cfg.putIfAbsent("ttft", stack.slo().ttftMs());
        cfg.putIfAbsent("itl", stack.slo().itlMs());
        cfg.putIfAbsent("min_endpoint", p.minReplicas());
        // the pool's max_replicas as Dynamo's per-planner GPU budget (the planner clamps its own asks to it)
        cfg.putIfAbsent("max_gpu_budget", p.maxReplicas() * p.gpusPerReplica());
        cfg.putIfAbsent("pool_priority", p.priority());
        cfg.put(p.mode().equals("prefill") ? "prefill_engine_num_gpu" : "decode_engine_num_gpu", p.gpusPerReplica());
        // the engines' capacity, which load-based scaling divides queue and KV use by
        StackConfig.Engine e = p.engine();
        cfg.putIfAbsent("max_kv_tokens", (long) e.numGpuBlocks() * e.blockSize());
        cfg.putIfAbsent("max_num_batched_tokens", e.maxNumBatchedTokens());
        cfg.putIfAbsent("max_num_seqs", e.maxNumSeqs());
        cfg.put("live_dashboard_port", pp.plannerDashboard());
        cfg.put("metric_reporting_prometheus_port", pp.plannerMetrics());
        cfg.put(
                "report_output_dir",
                runDir.resolve("planner-reports-" + p.name()).toString());
        String file = "planner-" + p.name() + ".yaml";
        return new Component(
                "pool-planner-" + p.name(),
                Role.POOL_PLANNER,
                List.of(
                        "pool-planner",
                        "--config",
                        runDir.resolve(file).toString(),
                        "--host",
                        HOST,
                        "--block-size",
                        String.valueOf(p.engine().blockSize()),
                        "--initial-prefill",
                        String.valueOf(p.initialReplicas()),
                        "--initial-decode",
                        String.valueOf(p.initialReplicas())),
                Map.of(file, yaml(cfg)),
                Pattern.compile("^pool-planner "));
    }

    private Component frontend() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("model", stack.model());
        cfg.put("dynamo_namespace", stack.namespace());
        cfg.put("host", HOST);
        cfg.put("http_port", frontendPort);
        Map<String, String> routers = new LinkedHashMap<>();
        for (Pool p : stack.pools()) {
            routers.put(poolNamespace(p), HOST + ":" + ports(p.name()).routerGrpc());
        }
        cfg.put("pool_routers", routers);
        cfg.put("router_token_file", poolTokenFile().toString());
        cfg.put("global_router", globalRouter());
        // up restarts a crashed LocalRouter (and the executor a pool's lost last worker) within seconds: requests
        // wait for it rather than failing
        cfg.put("unready_wait_ms", UNREADY_WAIT_MS);
        return new Component(
                "frontend",
                Role.FRONTEND,
                List.of("frontend", "--config", runDir.resolve("frontend.yaml").toString()),
                Map.of("frontend.yaml", yaml(cfg)),
                Pattern.compile("^frontend: http"));
    }

    /** Dynamo GlobalRouter grids: prefill pools split by max_isl along the ISL axis, decode/agg pools one cell each. */
    private Map<String, Object> globalRouter() {
        List<Pool> prefill =
                stack.pools().stream().filter(p -> p.mode().equals("prefill")).toList();
        List<Pool> decode =
                stack.pools().stream().filter(p -> p.mode().equals("decode")).toList();
        List<Pool> agg =
                stack.pools().stream().filter(p -> p.mode().equals("agg")).toList();
        Map<String, Object> gr = new LinkedHashMap<>();
        if (!prefill.isEmpty()) {
            gr.put("mode", "disagg");
            gr.put("num_prefill_pools", prefill.size());
            gr.put("num_decode_pools", decode.size());
            gr.put(
                    "prefill_pool_dynamo_namespaces",
                    prefill.stream().map(this::poolNamespace).toList());
            gr.put(
                    "decode_pool_dynamo_namespaces",
                    decode.stream().map(this::poolNamespace).toList());
            int islMax =
                    Math.max(1, prefill.stream().mapToInt(Pool::maxIsl).max().orElse(0));
            gr.put(
                    "prefill_pool_selection_strategy",
                    Map.of(
                            "isl_min",
                            0,
                            "isl_max",
                            islMax * 2,
                            "isl_resolution",
                            prefill.size(),
                            "ttft_min",
                            0,
                            "ttft_max",
                            stack.slo().ttftMs() * 2,
                            "ttft_resolution",
                            1,
                            "prefill_pool_mapping",
                            indexRows(prefill.size())));
            gr.put(
                    "decode_pool_selection_strategy",
                    Map.of(
                            "context_length_min",
                            0,
                            "context_length_max",
                            131072,
                            "context_length_resolution",
                            decode.size(),
                            "itl_min",
                            0,
                            "itl_max",
                            stack.slo().itlMs() * 2,
                            "itl_resolution",
                            1,
                            "decode_pool_mapping",
                            indexRows(decode.size())));
        } else {
            gr.put("mode", "agg");
            gr.put("num_agg_pools", agg.size());
            gr.put(
                    "agg_pool_dynamo_namespaces",
                    agg.stream().map(this::poolNamespace).toList());
            gr.put(
                    "agg_pool_selection_strategy",
                    Map.of(
                            "ttft_min",
                            0,
                            "ttft_max",
                            stack.slo().ttftMs() * 2,
                            "ttft_resolution",
                            agg.size(),
                            "itl_min",
                            0,
                            "itl_max",
                            stack.slo().itlMs() * 2,
                            "itl_resolution",
                            1,
                            "agg_pool_mapping",
                            indexRows(agg.size())));
        }
        return gr;
    }

    /** [[0], [1], ...]: row i of the grid goes to pool i. */
    private static List<List<Integer>> indexRows(int n) {
        List<List<Integer>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(List.of(i));
        }
        return rows;
    }

    private static String yaml(Object value) {
        try {
            ObjectMapper m = ConfigLoader.yamlMapper();
            return m.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
