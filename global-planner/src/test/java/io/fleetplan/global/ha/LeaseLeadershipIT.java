package io.fleetplan.global.ha;

import static io.fleetplan.global.executor.kubernetes.KubeFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.cli.ExecutorFactory;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.executor.kubernetes.KubeFixtures;
import io.fleetplan.global.service.GlobalPlannerServer;
import io.fleetplan.global.service.GlobalPlannerService;
import io.fleetplan.proto.v1.DecisionStatus;
import io.fleetplan.proto.v1.GetStateRequest;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.PlannerState;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two GlobalPlanner replicas electing a leader on a Lease in the fabric8 mock API server. */
@EnableKubernetesMockClient(crud = true)
class LeaseLeadershipIT {

    KubernetesClient client;
    private final WallClockScheduler scheduler = new WallClockScheduler("ha-it", 2);

    @AfterEach
    void stop() {
        scheduler.close();
    }

    private GlobalPlannerServer replica(int port) throws IOException {
        GlobalPlannerConfig cfg = ConfigLoader.parse("""
                max_total_gpus: 10
                grpc: {host: 127.0.0.1, port: %d}
                metrics_port: -1
                executor: {kubernetes: {namespaces: [fleetplan]}}
                leader_election: {enabled: true, lease_namespace: fleetplan, lease_duration_seconds: 2,
                                  renew_deadline_seconds: 1, retry_period_seconds: 0.2}
                """.formatted(port), "t.yaml", GlobalPlannerConfig.class);
        LeaseLeadership lease = new LeaseLeadership(client, cfg.leaderElection(), NS, "127.0.0.1:" + port);
        return GlobalPlannerServer.start(cfg, ExecutorFactory.create(cfg, scheduler, () -> client), lease, scheduler);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static PlannerState state(ManagedChannel ch) {
        return GlobalPlannerGrpc.newBlockingStub(ch).getState(GetStateRequest.getDefaultInstance());
    }

    private static ScaleProposal scaleDecode(int replicas) {
        return ScaleProposal.newBuilder()
                .setCallerNamespace("fleetplan-pool-a")
                .setK8SNamespace(NS)
                .setGraphDeploymentName("pool-a")
                .addTargetReplicas(TargetReplica.newBuilder()
                        .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_DECODE)
                        .setDesiredReplicas(replicas))
                .build();
    }

    @Test
    void followerRedirectsAndTakesOverWithARebuiltLedger() throws Exception {
        KubeFixtures.installCrds(client);
        KubeFixtures.pool(client, "pool-a", 1, 1);
        int portA = freePort();
        int portB = freePort();
        GlobalPlannerServer a = replica(portA);
        ManagedChannel chA = Grpc.newChannelBuilderForAddress("127.0.0.1", portA, InsecureChannelCredentials.create())
                .build();
        ManagedChannel chB = Grpc.newChannelBuilderForAddress("127.0.0.1", portB, InsecureChannelCredentials.create())
                .build();
        GlobalPlannerServer b = null;
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> state(chA).getLeader());
            b = replica(portB);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> state(chB).getLeaderAddress().equals("127.0.0.1:" + portA));
            assertThat(state(chB).getLeader()).isFalse();
            assertThatThrownBy(() -> GlobalPlannerGrpc.newBlockingStub(chB).propose(scaleDecode(3)))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(e.getStatus().getDescription()).contains("the leader is at 127.0.0.1:" + portA);
                        assertThat(e.getTrailers().get(GlobalPlannerService.LEADER))
                                .isEqualTo("127.0.0.1:" + portA);
                    });
            assertThat(GlobalPlannerGrpc.newBlockingStub(chA)
                            .propose(scaleDecode(3))
                            .getStatus())
                    .isEqualTo(DecisionStatus.GRANTED);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> KubeFixtures.adapterReplicas(client, "pool-a-decode") == 3);

            a.close();
            a = null;
            await().atMost(Duration.ofSeconds(30)).until(() -> state(chB).getLeader());
            PlannerState s = state(chB);
            assertThat(s.getLeaderAddress()).isEqualTo("127.0.0.1:" + portB);
            assertThat(s.getEntriesList()).anySatisfy(e -> {
                assertThat(e.getTarget().getComponentName()).isEqualTo("decode");
                assertThat(e.getGrantedReplicas()).isEqualTo(3);
            });
            assertThat(GlobalPlannerGrpc.newBlockingStub(chB)
                            .propose(scaleDecode(4))
                            .getStatus())
                    .isEqualTo(DecisionStatus.GRANTED);
        } finally {
            chA.shutdownNow();
            chB.shutdownNow();
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }
    }
}
