package io.fleetplan.router.local;

import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.proto.net.LeakDetection;
import io.fleetplan.proto.net.SharedToken;
import io.fleetplan.router.core.RouterConfig;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplan router}: runs one pool's LocalRouter until SIGTERM/SIGINT. */
@Command(
        name = "router",
        mixinStandardHelpOptions = true,
        description = "Run a pool's LocalRouter: gRPC Router service (workers register here, Generate is routed "
                + "KV-aware), Prometheus /metrics with dynamo_component_router_* and per-worker load gauges.")
public final class RouterCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(
            names = "--namespace",
            defaultValue = "dynamo",
            description =
                    "Pool (Dynamo namespace) this router serves; label dynamo_namespace ('-' -> '_'). Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(
            names = "--port",
            defaultValue = "9000",
            description = "gRPC port (0 = any free). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--metrics-port",
            defaultValue = "9100",
            description = "HTTP port for /metrics and /health (0 = any free). Default: ${DEFAULT-VALUE}.")
    int metricsPort;

    @Option(names = "--router-id", description = "router_id label; default router-<namespace>-<random>.")
    String routerId;

    @Option(names = "--config", description = "RouterConfig YAML/JSON (router_mode, router_temperature, ...).")
    Path config;

    @Option(names = "--router-mode", description = "Overrides router_mode: kv, round-robin, random.")
    String mode;

    @Option(names = "--router-temperature", description = "Overrides router_temperature (0 = argmin).")
    Double temperature;

    @Option(
            names = "--worker-token-file",
            paramLabel = "FILE",
            description =
                    "File holding the pool's shared worker token: Register, WorkerHeartbeat, Deregister and "
                            + "ListWorkers must send 'authorization: Bearer TOKEN'. Required unless --host is a loopback address.")
    Path workerTokenFile;

    @Option(
            names = "--allow-unauthenticated-workers",
            description = "Accept Register/Deregister/ListWorkers without a token on a non-loopback --host (any "
                    + "host that reaches the port can then join the pool and receive its prompts).")
    boolean allowUnauthenticated;

    /** The worker token, or null when none is required; throws with the flag to fix when the setup is unsafe. */
    static String workerToken(String host, Path tokenFile, boolean allowUnauthenticated) {
        if (tokenFile != null) {
            return SharedToken.read(tokenFile, "--worker-token-file");
        }
        if (!allowUnauthenticated && !isLoopback(host)) {
            throw new IllegalArgumentException("--worker-token-file: required when --host is " + host
                    + " (not a loopback address): without it any host that reaches the router can register as a "
                    + "worker and receive the pool's requests; or pass --allow-unauthenticated-workers");
        }
        return null;
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    @Override
    public Integer call() throws Exception {
        RouterConfig cfg;
        String token;
        try {
            token = workerToken(host, workerTokenFile, allowUnauthenticated);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        try {
            cfg = config == null ? RouterConfig.defaults() : ConfigLoader.load(config, RouterConfig.class);
            if (mode != null || temperature != null) {
                cfg = new RouterConfig(
                        mode != null ? mode : cfg.routerMode(),
                        cfg.overlapScoreCredit(),
                        cfg.prefillLoadScale(),
                        null,
                        temperature != null ? temperature : cfg.routerTemperature(),
                        cfg.useKvEvents(),
                        cfg.routerTrackActiveBlocks(),
                        cfg.routerAssumeKvReuse(),
                        cfg.routerTrackPrefillTokens(),
                        cfg.routerTtlSecs(),
                        cfg.blockSize(),
                        cfg.heartbeatIntervalMs(),
                        cfg.heartbeatTimeoutMs(),
                        cfg.activeDecodeBlocksThreshold(),
                        cfg.activePrefillTokensThreshold(),
                        cfg.maxRetries(),
                        cfg.seed());
            }
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        String id = routerId != null
                ? routerId
                : "router-" + namespace + "-" + UUID.randomUUID().toString().substring(0, 8);
        CountDownLatch stop = new CountDownLatch(1);
        LeakDetection.offUnlessAsked();
        try (LocalRouter router =
                new LocalRouter(new LocalRouter.Options(namespace, id, host, port, metricsPort, cfg, token)).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            System.out.printf(
                    "router %s for pool %s: gRPC %s:%d, metrics http://%s:%d/metrics, mode %s, workers %s%n",
                    id,
                    namespace,
                    host,
                    router.grpcPort(),
                    host,
                    router.metricsPort(),
                    cfg.routerMode(),
                    token != null ? "need the worker token" : "unauthenticated");
            System.out.flush();
            stop.await();
        }
        return 0;
    }
}
