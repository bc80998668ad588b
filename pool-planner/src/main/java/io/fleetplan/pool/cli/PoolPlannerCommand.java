package io.fleetplan.pool.cli;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.config.PlannerConfigKind;
import io.fleetplan.pool.config.PlannerPresets;
import io.fleetplan.pool.connect.AdvisoryConnector;
import io.fleetplan.pool.connect.GlobalPlannerConnector;
import io.fleetplan.pool.connect.KubernetesConnector;
import io.fleetplan.pool.connect.PoolIdentity;
import io.fleetplan.pool.connect.VirtualConnector;
import io.fleetplan.pool.core.MetricsSource;
import io.fleetplan.pool.core.PlannerLoop;
import io.fleetplan.pool.core.PlanningSettings;
import io.fleetplan.pool.core.PoolPlanner;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.monitor.DashboardServer;
import io.fleetplan.pool.monitor.DiagnosticsRecorder;
import io.fleetplan.pool.monitor.PlannerMetrics;
import io.fleetplan.pool.monitor.ReportWriter;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.pool.predict.TraceBuckets;
import io.fleetplan.pool.profile.ProfileFiles;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.source.MetricsScrapeSource;
import io.fleetplan.pool.source.PrometheusClient;
import io.fleetplan.pool.source.PrometheusSource;
import io.fleetplan.pool.source.RouterStreams;
import io.fleetplan.proto.net.SharedToken;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplan pool-planner --config FILE}: runs one pool planner until interrupted. */
@Command(
        name = "pool-planner",
        mixinStandardHelpOptions = true,
        description = "Run a pool planner from a Dynamo PlannerConfig file (YAML/JSON, or a DGDR's features.planner).")
public final class PoolPlannerCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(
            names = "--config",
            description = "PlannerConfig file; without it the planner runs the recommended"
                    + " configuration (preset fleetplan) with the environment's Kubernetes settings")
    Path config;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description =
                    "Bind address of the live dashboard and /metrics (0.0.0.0 in a pod). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(
            names = "--global-planner-token-file",
            paramLabel = "FILE",
            description =
                    "File holding this planner's GlobalPlanner caller token, sent as 'authorization: Bearer TOKEN' "
                            + "(the GlobalPlanner's callers[].bearer_token_sha256 is its SHA-256).")
    Path globalPlannerTokenFile;

    @Option(
            names = "--block-size",
            defaultValue = "64",
            description = "KV block size in tokens, to convert router block counts")
    int blockSize;

    @Option(
            names = "--initial-prefill",
            defaultValue = "1",
            description = "virtual environment: starting prefill replicas")
    int initialPrefill;

    @Option(
            names = "--initial-decode",
            defaultValue = "1",
            description = "virtual environment: starting decode replicas")
    int initialDecode;

    @Override
    public Integer call() throws Exception {
        PlannerConfig c = config == null ? PlannerPresets.recommended(Map.of()) : PlannerConfigKind.read(config);
        PlanningSettings settings = PlanningSettings.from(c);
        ProfileData profile = c.profileResultsDir() == null || !Files.exists(Path.of(c.profileResultsDir()))
                ? null
                : ProfileFiles.load(Path.of(c.profileResultsDir()));
        PoolPlanner planner = new PoolPlanner(settings, profile);
        if (c.loadPredictorWarmupTrace() != null) {
            planner.warmUp(TraceBuckets.bucket(
                    TraceBuckets.parseMooncake(
                            Files.readAllLines(Path.of(c.loadPredictorWarmupTrace())), c.loadPredictorWarmupTrace()),
                    c.throughputAdjustmentIntervalSeconds()));
        }
        Duration timeout = Duration.ofMillis((long) (1000
                * Math.min(
                        c.pluginRegistration().transport().requestTimeoutSeconds(),
                        c.scheduling().tickMaxDurationSeconds())));
        MetricsSource source = source(c, settings, timeout);
        PoolIdentity pool = PoolIdentity.from(c);
        ScalingConnector connector = connector(c, pool, timeout);
        if (c.advisory()) {
            connector = new AdvisoryConnector(connector);
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        // the SLO itself (not the planning targets) is what the charts draw observed latency against
        DiagnosticsRecorder recorder =
                new DiagnosticsRecorder(10_000, settings.sloTtftMs(), settings.sloItlMs(), settings.mode());
        WallClockScheduler scheduler = new WallClockScheduler("pool-planner", 1);
        PlannerLoop loop = new PlannerLoop(planner, source, connector, scheduler)
                .addListener(new PlannerMetrics(
                        registry,
                        c.namespace() != null ? c.namespace() : System.getenv("DYN_NAMESPACE"),
                        settings.mode(),
                        settings.prefillGpus(),
                        settings.decodeGpus(),
                        settings.sloTtftMs(),
                        settings.sloItlMs()))
                .addListener(recorder);
        HTTPServer metricsServer = c.metricReportingPrometheusPort() > 0
                ? HTTPServer.builder()
                        .hostname(host)
                        .port(c.metricReportingPrometheusPort())
                        .registry(registry)
                        .buildAndStart()
                : null;
        String title = "fleetplan pool planner " + pool.poolId();
        DashboardServer dashboard =
                c.liveDashboardPort() > 0 ? new DashboardServer(host, c.liveDashboardPort(), recorder, title) : null;
        c.reportIntervalHours().ifPresent(h -> {
            ReportWriter writer = new ReportWriter(recorder, Path.of(c.reportOutputDir()), title);
            Duration every = Duration.ofMillis((long) (h * 3_600_000));
            scheduler.scheduleAtFixedRate(every, every, () -> writer.write(scheduler.now()));
        });
        System.out.println("pool-planner " + pool.poolId() + ": " + new PlannerConfigKind().summary(c) + "; source="
                + (c.routerAddress() != null ? "router " + c.routerAddress() : "prometheus " + prometheusUrl(c))
                + ", connector=" + connector.name()
                + (dashboard != null ? ", dashboard http://" + host + ":" + dashboard.port() + "/" : "")
                + (metricsServer != null ? ", metrics :" + metricsServer.getPort() : ""));
        loop.start();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loop.close();
            if (dashboard != null) {
                dashboard.close();
            }
            if (metricsServer != null) {
                metricsServer.close();
            }
            scheduler.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    static String prometheusUrl(PlannerConfig c) {
        if (c.prometheusEndpoint() != null) {
            return c.prometheusEndpoint();
        }
        String env = System.getenv("PROMETHEUS_ENDPOINT");
        return env != null && !env.isBlank()
                ? env
                : "http://prometheus-kube-prometheus-prometheus.monitoring.svc.cluster.local:9090";
    }

    private MetricsSource source(PlannerConfig c, PlanningSettings s, Duration timeout) {
        if (c.routerAddress() != null) {
            return RouterStreams.connect(c.routerAddress(), 1000, blockSize);
        }
        String ns = c.namespace() != null ? c.namespace() : System.getenv("DYN_NAMESPACE");
        MetricsSource engines = c.routerMetricsUrl() == null
                ? null
                : new MetricsScrapeSource(
                        c.routerMetricsUrl(), ns == null ? "" : ns, timeout, blockSize, s.engineLimits());
        return new PrometheusSource(
                new PrometheusClient(prometheusUrl(c), timeout),
                c.throughputMetricsSource(),
                ns,
                c.modelName(),
                engines);
    }

    /** The channel to the GlobalPlanner; with a token, every call carries it as the caller's identity. */
    static ManagedChannel globalPlannerChannel(String address, String token) {
        ManagedChannelBuilder<?> b = ManagedChannelBuilder.forTarget(address).usePlaintext();
        if (token != null) {
            Metadata headers = new Metadata();
            headers.put(SharedToken.AUTHORIZATION, "Bearer " + token);
            b.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return b.build();
    }

    private ScalingConnector connector(PlannerConfig c, PoolIdentity pool, Duration timeout) {
        return switch (c.environment()) {
            case "global-planner" -> {
                if (c.globalPlannerAddress() == null) {
                    throw new IllegalArgumentException(
                            "global_planner_address: required (host:port) with environment global-planner");
                }
                GlobalPlannerConnector g = new GlobalPlannerConnector(
                        globalPlannerChannel(
                                c.globalPlannerAddress(),
                                globalPlannerTokenFile == null
                                        ? null
                                        : SharedToken.read(globalPlannerTokenFile, "--global-planner-token-file")),
                        pool,
                        new Replicas(initialPrefill, initialDecode),
                        InstantSource.system(),
                        timeout);
                g.watch();
                yield g;
            }
            case "kubernetes" -> new KubernetesConnector(new KubernetesClientBuilder().build(), pool);
            default -> new VirtualConnector(new Replicas(initialPrefill, initialDecode));
        };
    }
}
