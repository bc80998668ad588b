package io.fleetplan.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.cli.Main;
import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.io.LoopbackPorts;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.common.supervision.RestartBackoff;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.executor.WorkerPidFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetplan up}: a whole hierarchical deployment on this machine, as separate processes: per pool a
 * LocalRouter and a pool planner, the GlobalPlanner (local-process executor, which starts and drains the pools'
 * mocker workers within the GPU budget) and the Frontend + GlobalRouter. Ctrl-C or SIGTERM stops all of them,
 * the GlobalPlanner's workers included (also those of a GlobalPlanner that died: they are found by their pid files).
 * Once the stack is up, a component that crashes is restarted with backoff (see {@link #RESTARTS}).
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        subcommands = WorkerCommand.class,
        description = "Run a hierarchical deployment locally (Frontend + GlobalRouter, GlobalPlanner, prefill and "
                + "decode pools of mocker workers) until Ctrl-C.")
public final class UpCommand implements Callable<Integer>, FleetplanSubcommand {

    /**
     * A crashed component is started again after 1 s, doubling to 10 s while it keeps crashing within 30 s of its
     * start; after 5 such crashes in a row it is given up on.
     */
    static final RestartBackoff.Policy RESTARTS =
            new RestartBackoff.Policy(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30), 5);

    @Option(
            names = "--config",
            paramLabel = "STACK_YAML",
            description = "Stack file (pools, budget, SLOs, ports); default: 1 prefill + 1 decode pool sharing 8 GPUs.")
    Path config;

    @Option(names = "--port", description = "Frontend HTTP port; overrides ports.frontend (0 = any free port).")
    Integer port;

    @Option(names = "--run-dir", description = "Where config files and logs go (default: ./fleetplan-run/<time>).")
    Path runDir;

    @Option(
            names = "--ready-timeout",
            defaultValue = "120",
            description =
                    "Seconds to wait for every process and for workers in every pool (default: ${DEFAULT-VALUE}).")
    int readyTimeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StackConfig stack;
        try {
            stack = config == null
                    ? ConfigLoader.parse("{}", "(defaults)", StackConfig.class)
                    : ConfigLoader.load(config, StackConfig.class);
        } catch (ConfigException e) {
            err.println("fleetplan up: " + e.getMessage());
            return 2;
        }
        if (port != null) {
            stack = withFrontendPort(stack, port);
        }
        if (stack.ports().frontend() > 0 && !free(stack.ports().frontend())) {
            err.println(
                    "fleetplan up: ports.frontend " + stack.ports().frontend()
                            + " is in use; choose another with --port N (0 = any free port) or ports.frontend in the stack file");
            return 2;
        }
        if (!Main.commandLine().getSubcommands().containsKey("global-planner")) {
            err.println("fleetplan up: this build has no 'global-planner' command (module global-planner missing)");
            return 2;
        }
        Path dir = (runDir != null
                        ? runDir
                        : Path.of(
                                "fleetplan-run",
                                LocalDateTime.now(ZoneId.systemDefault())
                                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))))
                .toAbsolutePath();
        Files.createDirectories(dir);
        List<String> launcher = JavaLauncher.pinnedCommand(dir);
        StackLayout layout = new StackLayout(stack, dir, UpCommand::freePort, launcher);
        Duration grace = Duration.ofMillis(Math.round(stack.drainGraceSeconds() * 1000) + 10_000);
        // workers an earlier `up` in this run directory left behind (its GlobalPlanner was killed) would be adopted
        // by this stack's GlobalPlanner as if they were its own: they go first
        for (String orphan : WorkerPidFiles.sweep(layout.workerPids(), grace)) {
            out.println("fleetplan up: stopped a worker left by an earlier run in " + dir + ": pid " + orphan);
        }
        Supervisor supervisor = new Supervisor(dir, launcher, grace);
        supervisor.sweepOnClose(layout.workerPids());
        WallClockScheduler restarts = new WallClockScheduler("fleetplan-up-restarts", 1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("fleetplan up: stopping "
                                    + supervisor.processes().size() + " processes...");
                            out.flush();
                            long t = System.nanoTime();
                            supervisor.close();
                            restarts.close();
                            for (String killed : supervisor.forced()) {
                                out.println("fleetplan up: killed after the grace period: " + killed);
                            }
                            out.printf(
                                    "fleetplan up: stopped in %.1f s; logs in %s%n",
                                    (System.nanoTime() - t) / 1e9, dir);
                            out.flush();
                            stopped.countDown();
                        },
                        "fleetplan-up-stop"));

        out.println("fleetplan up: starting " + layout.components().size() + " processes; logs in " + dir);
        out.flush();
        Duration timeout = Duration.ofSeconds(readyTimeoutSeconds);
        try {
            for (Component c : layout.components()) {
                Supervisor.Running r = supervisor.start(c);
                int readyPort = c.role() == Component.Role.GLOBAL_PLANNER ? layout.globalPlannerPort() : 0;
                supervisor.awaitReady(r, readyPort, timeout);
                out.println("  started " + c.name() + " (pid " + r.process().pid() + ")");
                out.flush();
            }
            awaitPools(layout, timeout);
            supervisor.superviseRestarts(RESTARTS, restarts, line -> {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            });
        } catch (IllegalStateException e) {
            err.println("fleetplan up: " + e.getMessage());
            err.flush();
            supervisor.close();
            return 1;
        }
        out.print(summary(layout, dir));
        out.flush();
        stopped.await(); // until Ctrl-C / SIGTERM runs the hook
        return 0;
    }

    /** Waits until the Frontend reports a ready worker in every pool. */
    private void awaitPools(StackLayout layout, Duration timeout) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI health = URI.create("http://" + StackLayout.HOST + ":" + layout.frontendPort() + "/health");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.body();
                if (r.statusCode() == 200
                        && everyPoolReady(last, layout.stack().pools().size())) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("pools have no ready workers after " + timeout.toSeconds()
                + " s (frontend /health: " + last + "); see global-planner.log and the workers' output in it");
    }

    /** {@code {"pools": {"ns": readyWorkers, ...}}} with every one of {@code pools} above zero. */
    static boolean everyPoolReady(String healthBody, int pools) throws IOException {
        JsonNode counts = new ObjectMapper().readTree(healthBody).path("pools");
        int ready = 0;
        for (JsonNode n : counts) {
            ready += n.asInt() > 0 ? 1 : 0;
        }
        return ready >= pools;
    }

    static String summary(StackLayout layout, Path dir) {
        StringBuilder sb = new StringBuilder();
        String base = "http://" + StackLayout.HOST + ":" + layout.frontendPort();
        sb.append("\nfleetplan is up: ")
                .append(layout.stack().pools().size())
                .append(" pools, GPU budget ")
                .append(layout.stack().budget().maxTotalGpus())
                .append(", SLO ttft ")
                .append(layout.stack().slo().ttftMs())
                .append(" ms / itl ")
                .append(layout.stack().slo().itlMs())
                .append(" ms\n");
        sb.append("  endpoint        ")
                .append(base)
                .append("/v1   (model ")
                .append(layout.stack().model())
                .append(")\n");
        sb.append("  try             curl ").append(base).append("/v1/models\n");
        sb.append("  load            ./fleetplan load --trace <trace.jsonl|csv> --url ")
                .append(base)
                .append(" --rate-scale 0.5\n");
        for (StackConfig.Pool p : layout.stack().pools()) {
            StackLayout.PoolPorts pp = layout.ports(p.name());
            sb.append(String.format(
                    "  pool %-10s planner dashboard http://%s:%d/   router metrics http://%s:%d/metrics"
                            + "   planner metrics http://%s:%d/metrics%n",
                    p.name(),
                    StackLayout.HOST,
                    pp.plannerDashboard(),
                    StackLayout.HOST,
                    pp.routerMetrics(),
                    StackLayout.HOST,
                    pp.plannerMetrics()));
        }
        sb.append("  frontend        ").append(base).append("/metrics\n");
        sb.append("  global planner  grpc ")
                .append(StackLayout.HOST)
                .append(':')
                .append(layout.globalPlannerPort())
                .append(", metrics http://")
                .append(StackLayout.HOST)
                .append(':')
                .append(layout.globalPlannerMetricsPort())
                .append("/metrics, audit log ")
                .append(layout.auditLog())
                .append('\n');
        sb.append("  logs            ")
                .append(dir)
                .append("/*.log, workers in ")
                .append(layout.workerLogs())
                .append('\n');
        sb.append("Ctrl-C stops everything.\n");
        return sb.toString();
    }

    private static StackConfig withFrontendPort(StackConfig s, int port) {
        return new StackConfig(
                s.model(),
                s.namespace(),
                s.budget(),
                s.slo(),
                s.workerStartupSeconds(),
                s.drainGraceSeconds(),
                s.pools(),
                new StackConfig.Ports(port, s.ports().globalPlanner()));
    }

    static boolean free(int port) {
        return LoopbackPorts.bindable(StackLayout.HOST, port);
    }

    /** {@code preferred} when set, else a free port that outgoing connections do not take meanwhile. */
    static int freePort(int preferred) {
        return preferred > 0 ? preferred : LoopbackPorts.free(StackLayout.HOST);
    }
}
