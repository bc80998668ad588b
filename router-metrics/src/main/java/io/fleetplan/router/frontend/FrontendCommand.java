package io.fleetplan.router.frontend;

import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.proto.net.LeakDetection;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplan frontend}: the OpenAI-compatible HTTP Frontend with the GlobalRouter. */
@Command(
        name = "frontend",
        mixinStandardHelpOptions = true,
        description = "Run the OpenAI-compatible Frontend + GlobalRouter in front of pool LocalRouters.")
public final class FrontendCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(names = "--config", description = "FrontendConfig YAML/JSON (pool_routers, global_router, ...).")
    Path config;

    @Option(
            names = "--pool",
            description = "NAMESPACE=HOST:PORT of a pool's LocalRouter (repeatable; "
                    + "without --config and with one pool: an aggregated single pool).")
    Map<String, String> pools = new LinkedHashMap<>();

    @Option(names = "--model", description = "Served model name (without --config). Default: fleetplan-mock.")
    String model;

    @Option(names = "--http-port", description = "HTTP port, overrides the config (0 = any free).")
    Integer httpPort;

    @Option(names = "--host", description = "Bind address, overrides the config.")
    String host;

    @Override
    public Integer call() throws Exception {
        FrontendConfig cfg;
        try {
            if (config != null) {
                cfg = ConfigLoader.load(config, FrontendConfig.class);
            } else {
                cfg = new FrontendConfig(model, null, null, 8000, pools, null, null, null, null, null);
            }
            if (httpPort != null || host != null) {
                cfg = new FrontendConfig(
                        cfg.model(),
                        cfg.dynamoNamespace(),
                        host != null ? host : cfg.host(),
                        httpPort != null ? httpPort : cfg.httpPort(),
                        cfg.poolRouters(),
                        cfg.globalRouter(),
                        cfg.maxPromptTokens(),
                        cfg.maxTokensLimit(),
                        cfg.retryAfterSeconds(),
                        cfg.poolPollMs(),
                        cfg.routerTokenFile(),
                        cfg.http(),
                        cfg.unreadyWaitMs());
            }
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        LeakDetection.offUnlessAsked();
        try (FrontendServer server = new FrontendServer(cfg).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            System.out.printf(
                    "frontend: http://%s:%d/v1 model %s, pools %s (%s)%n",
                    cfg.host(),
                    server.port(),
                    cfg.model(),
                    cfg.poolRouters(),
                    cfg.globalRouter().mode());
            System.out.flush();
            stop.await();
        }
        return 0;
    }
}
