package io.fleetplan.global.executor.kubernetes;

import static io.fleetplan.global.executor.kubernetes.KubeFixtures.NS;
import static io.fleetplan.global.executor.kubernetes.KubeFixtures.adapterReplicas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.executor.ScaleExecutor;
import io.fleetplan.global.ha.Leadership;
import io.fleetplan.global.service.GlobalPlannerServer;
import io.fleetplan.proto.v1.DecisionStatus;
import io.fleetplan.proto.v1.GetStateRequest;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.LedgerEntry;
import io.fleetplan.proto.v1.PlannerState;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Kubernetes executor and a whole GlobalPlanner against the fabric8 mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class KubernetesExecutorIT {

    KubernetesClient client;
    private final WallClockScheduler scheduler = new WallClockScheduler("k8s-it", 2);

    @BeforeEach
    void cluster() throws Exception {
        KubeFixtures.installCrds(client);
        KubeFixtures.pool(client, "pool-a", 1, 2);
        KubeFixtures.pool(client, "pool-b", 1, 1);
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    private KubernetesExecutor executor() {
        return KubeFixtures.executor(client, scheduler);
    }

    private static final class Recorder implements ScaleExecutor.Listener {
        final CompletableFuture<Observation> done = new CompletableFuture<>();
        volatile String failure;

        @Override
        public void completed(ScaleCommand command, Observation now) {
            done.complete(now);
        }

        @Override
        public void failed(ScaleCommand command, Observation now, String message) {
            failure = message;
            done.complete(now);
        }
    }

    @Test
    void discoversWorkersWithGpusPerReplicaFromTheDgd() {
        try (KubernetesExecutor ex = executor()) {
            List<Observation> seen = ex.discover();
            assertThat(seen)
                    .hasSize(4)
                    .allSatisfy(o -> assertThat(o.target().k8sNamespace()).isEqualTo(NS));
            Observation prefill = seen.stream()
                    .filter(o -> o.target().equals(new TargetKey(NS, "pool-a", "prefill")))
                    .findFirst()
                    .orElseThrow();
            assertThat(prefill.subType()).isEqualTo(SubType.PREFILL);
            assertThat(prefill.gpusPerReplica()).isEqualTo(2);
            assertThat(prefill.specReplicas()).isEqualTo(1);
            Observation decode = seen.stream()
                    .filter(o -> o.target().equals(new TargetKey(NS, "pool-a", "decode")))
                    .findFirst()
                    .orElseThrow();
            assertThat(decode.gpusPerReplica()).isEqualTo(1);
            assertThat(decode.specReplicas()).isEqualTo(2);
        }
    }

    @Test
    void aClosedExecutorStopsPollingItsPendingCommands() throws Exception {
        // the operator reports 2 ready decode replicas: a scale-up to 4 is written, then waits for readiness
        KubeFixtures.status(client, "pool-a", "decode", 2, 2);
        List<Throwable> escaped = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> escaped.add(e));
        try {
            KubernetesExecutor ex = executor();
            Recorder up = new Recorder();
            ex.apply(new ScaleCommand("d1", new TargetKey(NS, "pool-a", "decode"), SubType.DECODE, 2, 4, 1), up);
            await().atMost(Duration.ofSeconds(10)).until(() -> adapterReplicas(client, "pool-a-decode") == 4);
            // a replica that stops leading closes its executor; the scheduler (shared, as in a test or a restart
            // of the server on the same scheduler) runs on. The 50 ms poll must stop, not fire into a closed pool.
            ex.close();
            Thread.sleep(1000);
            // (a call already in flight when the pool closed may fail once; a poll into the closed pool fails
            // every tick)
            assertThat(escaped)
                    .as("polls into the closed executor")
                    .noneMatch(e -> e instanceof RejectedExecutionException);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    @Test
    void scalesTheDgdsaThroughScaleAndWaitsForTheOperatorsStatus() throws Exception {
        try (KubernetesExecutor ex = executor()) {
            TargetKey decode = new TargetKey(NS, "pool-a", "decode");
            // without any status for the component (no operator) the write is the completion
            Recorder up = new Recorder();
            ex.apply(new ScaleCommand("d1", decode, SubType.DECODE, 2, 4, 1), up);
            assertThat(up.done.get(10, TimeUnit.SECONDS).specReplicas()).isEqualTo(4);
            assertThat(up.failure).isNull();
            assertThat(adapterReplicas(client, "pool-a-decode")).isEqualTo(4);

            // with an operator reporting 4 pods, a scale-down completes only when they are gone
            KubeFixtures.status(client, "pool-a", "decode", 4, 4);
            Recorder down = new Recorder();
            ex.apply(new ScaleCommand("d2", decode, SubType.DECODE, 4, 1, 1), down);
            await().atMost(Duration.ofSeconds(10)).until(() -> adapterReplicas(client, "pool-a-decode") == 1);
            Thread.sleep(300);
            assertThat(down.done).isNotDone();
            KubeFixtures.status(client, "pool-a", "decode", 1, 1);
            Observation gone = down.done.get(10, TimeUnit.SECONDS);
            assertThat(gone.runningReplicas()).isEqualTo(1);
        }
    }

    @Test
    void aMissingAdapterIsAFailure() throws Exception {
        try (KubernetesExecutor ex = executor()) {
            Recorder r = new Recorder();
            ex.apply(new ScaleCommand("d", new TargetKey(NS, "pool-a", "ghost"), SubType.DECODE, 1, 2, 1), r);
            r.done.get(10, TimeUnit.SECONDS);
            assertThat(r.failure).contains("pool-a-ghost");
        }
    }

    @Test
    void informersReportOutsideChanges() throws Exception {
        try (KubernetesExecutor ex = executor()) {
            CompletableFuture<Observation> changed = new CompletableFuture<>();
            ex.watch(new ScaleExecutor.ChangeListener() {
                @Override
                public void changed(Observation now) {
                    if (now.target().componentName().equals("prefill") && now.specReplicas() == 3) {
                        changed.complete(now);
                    }
                }

                @Override
                public void removed(TargetKey target) {}
            });
            client.genericKubernetesResources(KubeFixtures.DGDSA)
                    .inNamespace(NS)
                    .withName("pool-b-prefill")
                    .scale(3);
            assertThat(changed.get(15, TimeUnit.SECONDS).target().graphDeploymentName())
                    .isEqualTo("pool-b");
        }
    }

    /** A pod lost and replaced by the Deployment: the ledger follows the status, the grant (spec) stays. */
    @Test
    void aLostPodIsReportedFromTheStatusUntilItsReplacementIsReady() throws Exception {
        KubeFixtures.status(client, "pool-a", "decode", 2, 2);
        try (KubernetesExecutor ex = executor()) {
            List<Observation> seen = new CopyOnWriteArrayList<>();
            ex.watch(new ScaleExecutor.ChangeListener() {
                @Override
                public void changed(Observation now) {
                    if (now.target().equals(new TargetKey(NS, "pool-a", "decode"))) {
                        seen.add(now);
                    }
                }

                @Override
                public void removed(TargetKey target) {}
            });
            KubeFixtures.status(client, "pool-a", "decode", 1, 1); // a pod killed, its replacement not created yet
            await().atMost(Duration.ofSeconds(15)).until(() -> seen.stream().anyMatch(o -> o.runningReplicas() == 1));
            assertThat(seen).filteredOn(o -> o.runningReplicas() == 1).first().satisfies(o -> {
                assertThat(o.specReplicas()).isEqualTo(2);
                assertThat(o.readyReplicas()).isEqualTo(1);
            });
            KubeFixtures.status(client, "pool-a", "decode", 2, 2); // the Deployment replaced it
            await().atMost(Duration.ofSeconds(15)).until(() -> seen.getLast().readyReplicas() == 2);
        }
    }

    @Test
    void globalPlannerScalesDgdsasAndRebuildsItsLedgerAfterARestart() throws Exception {
        GlobalPlannerConfig cfg = ConfigLoader.parse("""
                max_total_gpus: 10
                grpc: {host: 127.0.0.1, port: 0}
                metrics_port: -1
                executor: {kubernetes: {namespaces: [fleetplan]}}
                """, "t.yaml", GlobalPlannerConfig.class);
        ScaleDecision d;
        try (GlobalPlannerServer s = GlobalPlannerServer.start(cfg, executor(), Leadership.single("x"), scheduler)) {
            ManagedChannel ch = Grpc.newChannelBuilderForAddress(
                            "127.0.0.1", s.port(), InsecureChannelCredentials.create())
                    .build();
            try {
                var stub = GlobalPlannerGrpc.newBlockingStub(ch);
                // budget: a = 1x2 + 2x1 = 4, b = 1x2 + 1x1 = 3 GPUs; 3 free
                d = stub.propose(ScaleProposal.newBuilder()
                        .setCallerNamespace("fleetplan-pool-a")
                        .setK8SNamespace(NS)
                        .setGraphDeploymentName("pool-a")
                        .setProposalId("p1")
                        .setSequence(1)
                        .setBlocking(true)
                        .addTargetReplicas(TargetReplica.newBuilder()
                                .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_PREFILL)
                                .setDesiredReplicas(3))
                        .build());
                assertThat(d.getStatus()).isEqualTo(DecisionStatus.PARTIAL);
                assertThat(d.getGrants(0).getGrantedReplicas()).isEqualTo(2);
                assertThat(d.getGrants(0).getGpusPerReplica()).isEqualTo(2);
                assertThat(adapterReplicas(client, "pool-a-prefill")).isEqualTo(2);
            } finally {
                ch.shutdownNow();
            }
        }
        // a new process: the ledger comes back from the DGDSAs
        try (GlobalPlannerServer s = GlobalPlannerServer.start(cfg, executor(), Leadership.single("x"), scheduler)) {
            ManagedChannel ch = Grpc.newChannelBuilderForAddress(
                            "127.0.0.1", s.port(), InsecureChannelCredentials.create())
                    .build();
            try {
                PlannerState st = GlobalPlannerGrpc.newBlockingStub(ch).getState(GetStateRequest.getDefaultInstance());
                LedgerEntry prefill = st.getEntriesList().stream()
                        .filter(e -> e.getTarget().getGraphDeploymentName().equals("pool-a")
                                && e.getTarget().getComponentName().equals("prefill"))
                        .findFirst()
                        .orElseThrow();
                assertThat(prefill.getGrantedReplicas()).isEqualTo(2);
                assertThat(st.getBudget().getCommittedGpus()).isEqualTo(9);
                assertThat(st.getBudget().getFreeGpus()).isEqualTo(1);
            } finally {
                ch.shutdownNow();
            }
        }
    }
}
