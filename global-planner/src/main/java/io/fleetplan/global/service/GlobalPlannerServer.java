package io.fleetplan.global.service;

import io.fleetplan.common.time.Scheduler;
import io.fleetplan.global.arbiter.ArbiterSettings;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.core.PlannerCore;
import io.fleetplan.global.executor.ScaleExecutor;
import io.fleetplan.global.ha.Leadership;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A running GlobalPlanner: gRPC (GlobalPlanner + grpc.health.v1, optional TLS/mTLS), Prometheus /metrics, the
 * arbiter core, and leadership. The ledger is rebuilt from the executor's view of the cluster whenever this
 * replica becomes leader; until then it answers UNAVAILABLE.
 */
public final class GlobalPlannerServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GlobalPlannerServer.class.getName());
    public static final String SERVICE = GlobalPlannerGrpc.SERVICE_NAME;

    private final Server server;
    private final HTTPServer metricsServer;
    private final PlannerCore core;
    private final PlannerMetrics metrics;
    private final HealthStatusManager health;
    private final Leadership leadership;
    private final ScaleExecutor executor;
    private final AuditLog audit;
    private final NettyTransport transport;

    private GlobalPlannerServer(
            Server server,
            HTTPServer metricsServer,
            PlannerCore core,
            PlannerMetrics metrics,
            HealthStatusManager health,
            Leadership leadership,
            ScaleExecutor executor,
            AuditLog audit,
            NettyTransport transport) {
        this.server = server;
        this.metricsServer = metricsServer;
        this.core = core;
        this.metrics = metrics;
        this.health = health;
        this.leadership = leadership;
        this.executor = executor;
        this.audit = audit;
        this.transport = transport;
    }

    public static GlobalPlannerServer start(
            GlobalPlannerConfig cfg, ScaleExecutor executor, Leadership leadership, Scheduler scheduler)
            throws IOException {
        AuditLog audit = AuditLog.open(cfg.auditLogPath(), cfg.auditLogMaxMb() * 1024L * 1024L, cfg.auditLogKeep());
        PlannerMetrics metrics = new PlannerMetrics();
        String idPrefix = Long.toString(scheduler.clock().millis(), 36);
        PlannerCore core = new PlannerCore(
                ArbiterSettings.from(cfg),
                executor,
                scheduler,
                audit,
                metrics,
                Duration.ofSeconds(cfg.blockingTimeoutSeconds()),
                idPrefix);
        GlobalPlannerService service = new GlobalPlannerService(
                core,
                Authorizer.from(cfg),
                new ProposalValidator(cfg.maxReplicasPerComponent()),
                leadership,
                audit,
                metrics,
                scheduler.clock(),
                cfg.noOperation());
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
        // its own I/O threads (one per core, accept included), not gRPC's process-wide default group
        NettyTransport transport =
                new NettyTransport("global-planner-grpc", Runtime.getRuntime().availableProcessors());
        Server server;
        try {
            server = NettyServerBuilder.forAddress(
                            new InetSocketAddress(cfg.grpc().host(), cfg.grpc().port()), credentials(cfg.tls()))
                    .bossEventLoopGroup(transport.group())
                    .workerEventLoopGroup(transport.group())
                    .channelType(transport.serverChannelType())
                    // handlers never block (they validate, then queue to the arbiter), so no executor hop is needed
                    .directExecutor()
                    .addService(ServerInterceptors.intercept(service, new CallerInterceptor()))
                    .addService(health.getHealthService())
                    .build()
                    .start();
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
        HTTPServer http = cfg.metricsPort() < 0
                ? null
                // on the gRPC bind address: loopback under `fleetplan up`, the pod's interfaces in a cluster
                : HTTPServer.builder()
                        .hostname(cfg.grpc().host())
                        .port(cfg.metricsPort())
                        .registry(metrics.registry())
                        .buildAndStart();
        GlobalPlannerServer s =
                new GlobalPlannerServer(server, http, core, metrics, health, leadership, executor, audit, transport);
        leadership.start(s::leadershipChanged);
        return s;
    }

    private void leadershipChanged(boolean leading) {
        metrics.leader(leading);
        if (leading) {
            try {
                core.rebuild().get(5, TimeUnit.MINUTES);
                health.setStatus(SERVICE, ServingStatus.SERVING);
                LOG.info("leading; answering proposals");
            } catch (Exception e) {
                LOG.severe("could not rebuild the ledger: " + e);
            }
        } else {
            health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
            core.stepDown("leadership moved; the leader is at " + leadership.leaderAddress());
        }
    }

    static ServerCredentials credentials(GlobalPlannerConfig.Tls tls) {
        if (tls == null) {
            return InsecureServerCredentials.create();
        }
        try {
            TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder()
                    .keyManager(PemFiles.keyManagers(Path.of(tls.certChainFile()), Path.of(tls.privateKeyFile())));
            if (tls.clientCaFile() != null) {
                b.trustManager(PemFiles.trustManagers(Path.of(tls.clientCaFile())));
            }
            b.clientAuth(
                    switch (tls.clientAuth()) {
                        case "require" -> TlsServerCredentials.ClientAuth.REQUIRE;
                        case "optional" -> TlsServerCredentials.ClientAuth.OPTIONAL;
                        default -> TlsServerCredentials.ClientAuth.NONE;
                    });
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException("tls: cannot read the certificate or key files: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** The /metrics port, or -1 when metrics are off. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.getPort();
    }

    public PlannerCore core() {
        return core;
    }

    public PlannerMetrics metrics() {
        return metrics;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.shutdownNow();
        transport.close();
        leadership.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        core.close();
        executor.close();
        audit.close();
    }
}
