package io.fleetplan.global.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.executor.ScaleExecutor;
import io.fleetplan.global.ha.Leadership;
import io.fleetplan.global.ha.LeaseLeadership;
import io.fleetplan.global.service.GlobalPlannerServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplan global-planner --config FILE}: runs the GlobalPlanner until SIGTERM/SIGINT. */
@Command(
        name = "global-planner",
        mixinStandardHelpOptions = true,
        description = "Run the GlobalPlanner: gRPC GlobalPlanner service (Propose, WatchDecisions, GetState) and "
                + "grpc.health.v1, a shared GPU budget arbiter, an executor (kubernetes /scale, local processes or "
                + "virtual), optional Lease leader election, TLS/mTLS, audit log and Prometheus /metrics.")
public final class GlobalPlannerCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(
            names = "--config",
            required = true,
            description =
                    "GlobalPlanner config: a YAML/JSON file, or inline JSON starting with '{' (as Dynamo's --config).")
    String config;

    @Override
    public Integer call() throws Exception {
        GlobalPlannerConfig cfg;
        try {
            cfg = config.trim().startsWith("{")
                    ? ConfigLoader.parse(config, "--config.json", GlobalPlannerConfig.class)
                    : GlobalPlannerConfig.load(Path.of(config));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Supplier<KubernetesClient> kube = new Supplier<>() {
            private KubernetesClient client;

            @Override
            public synchronized KubernetesClient get() {
                if (client == null) {
                    client = new KubernetesClientBuilder().build();
                }
                return client;
            }
        };
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // the hook waits for the close below: draining local workers must finish before the JVM halts
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                closed.await(cfg.executor().local().drainTimeoutSeconds() + 15L, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try (WallClockScheduler scheduler = new WallClockScheduler("global-planner", 2)) {
            ScaleExecutor executor = ExecutorFactory.create(cfg, scheduler, kube);
            GlobalPlannerServer server;
            try {
                server = GlobalPlannerServer.start(cfg, executor, leadership(cfg, kube), scheduler);
            } catch (RuntimeException | IOException e) {
                executor.close();
                throw e;
            }
            try (server) {
                System.out.printf(
                        "global-planner: gRPC %s:%d, metrics %s, environment %s, max_total_gpus %d, "
                                + "min_total_gpus %d, %s, leader election %s%n",
                        cfg.grpc().host(),
                        server.port(),
                        server.metricsPort() < 0
                                ? "off"
                                : "http://" + cfg.grpc().host() + ":" + server.metricsPort() + "/metrics",
                        cfg.executorKind(),
                        cfg.maxTotalGpus(),
                        cfg.minTotalGpus(),
                        cfg.noOperation() ? "no_operation (dry run)" : "executing",
                        cfg.leaderElection().enabled() ? "on" : "off");
                System.out.flush();
                stop.await();
            }
        } finally {
            closed.countDown();
        }
        return 0;
    }

    private static Leadership leadership(GlobalPlannerConfig cfg, Supplier<KubernetesClient> kube) {
        GlobalPlannerConfig.LeaderElection le = cfg.leaderElection();
        String address = le.advertiseAddress() != null
                ? le.advertiseAddress()
                : hostname() + ":" + cfg.grpc().port();
        if (!le.enabled()) {
            return Leadership.single(address);
        }
        String pod = System.getenv("POD_NAMESPACE");
        String ns = le.leaseNamespace() != null ? le.leaseNamespace() : pod != null && !pod.isBlank() ? pod : "default";
        return new LeaseLeadership(kube.get(), le, ns, address);
    }

    private static String hostname() {
        String pod = System.getenv("POD_IP");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
