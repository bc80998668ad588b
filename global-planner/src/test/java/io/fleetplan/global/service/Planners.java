package io.fleetplan.global.service;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.arbiter.ArbiterSettings;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.core.PlannerCore;
import io.fleetplan.global.executor.VirtualExecutor;
import io.fleetplan.global.ha.Leadership;
import io.fleetplan.proto.v1.GetStateRequest;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.PlannerState;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Test fixtures: a GlobalPlanner on a virtual executor, in process or over loopback. */
final class Planners {

    private static final AtomicLong SEQ = new AtomicLong();

    private Planners() {}

    static GlobalPlannerConfig config(String yaml) {
        return ConfigLoader.parse(
                "environment: virtual\ngrpc: {host: 127.0.0.1, port: 0}\nmetrics_port: 0\n" + yaml,
                "test.yaml",
                GlobalPlannerConfig.class);
    }

    /** Targets ns/pool{i}/decode (and prefill) with 1 GPU per replica and 1 replica each. */
    static VirtualExecutor executor(WallClockScheduler scheduler, Duration up, Duration down, int pools) {
        VirtualExecutor ex = new VirtualExecutor(scheduler, up, down);
        for (int i = 0; i < pools; i++) {
            ex.register(new TargetKey("ns", "pool" + i, "prefill"), SubType.PREFILL, 1, 1);
            ex.register(new TargetKey("ns", "pool" + i, "decode"), SubType.DECODE, 1, 1);
        }
        return ex;
    }

    static ScaleProposal.Builder proposal(String pool, int prefill, int decode) {
        long s = SEQ.incrementAndGet();
        ScaleProposal.Builder b = ScaleProposal.newBuilder()
                .setCallerNamespace("ns-" + pool)
                .setK8SNamespace("ns")
                .setGraphDeploymentName(pool)
                .setProposalId(pool + "#" + s)
                .setSequence(s);
        if (prefill >= 0) {
            b.addTargetReplicas(TargetReplica.newBuilder()
                    .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_PREFILL)
                    .setDesiredReplicas(prefill));
        }
        if (decode >= 0) {
            b.addTargetReplicas(TargetReplica.newBuilder()
                    .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_DECODE)
                    .setDesiredReplicas(decode));
        }
        return b;
    }

    static PlannerState state(GlobalPlannerGrpc.GlobalPlannerBlockingStub stub) {
        return stub.getState(GetStateRequest.getDefaultInstance());
    }

    /** The service in process (no sockets), always leader. */
    static final class InProcess implements AutoCloseable {
        final WallClockScheduler scheduler = new WallClockScheduler("test", 2);
        final VirtualExecutor executor;
        final PlannerCore core;
        final Server server;
        final ManagedChannel channel;

        InProcess(GlobalPlannerConfig cfg, int pools) throws IOException {
            executor = executor(scheduler, Duration.ZERO, Duration.ZERO, pools);
            core = new PlannerCore(
                    ArbiterSettings.from(cfg),
                    executor,
                    scheduler,
                    AuditLog.none(),
                    new PlannerMetrics(),
                    Duration.ofSeconds(cfg.blockingTimeoutSeconds()),
                    "t");
            core.rebuild().join();
            GlobalPlannerService service = new GlobalPlannerService(
                    core,
                    Authorizer.from(cfg),
                    new ProposalValidator(cfg.maxReplicasPerComponent()),
                    Leadership.single("in-process"),
                    AuditLog.none(),
                    new PlannerMetrics(),
                    scheduler.clock(),
                    cfg.noOperation());
            String name = InProcessServerBuilder.generateName();
            server = InProcessServerBuilder.forName(name)
                    .directExecutor()
                    .addService(ServerInterceptors.intercept(service, new CallerInterceptor()))
                    .build()
                    .start();
            channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        }

        GlobalPlannerGrpc.GlobalPlannerBlockingStub stub() {
            return GlobalPlannerGrpc.newBlockingStub(channel);
        }

        @Override
        public void close() {
            channel.shutdownNow();
            server.shutdownNow();
            core.close();
            scheduler.close();
        }
    }
}
