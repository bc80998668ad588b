package io.fleetplan.global.service;

import static io.fleetplan.global.service.Planners.proposal;
import static io.fleetplan.global.service.Planners.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.executor.VirtualExecutor;
import io.fleetplan.global.ha.Leadership;
import io.fleetplan.proto.v1.DecisionReason;
import io.fleetplan.proto.v1.DecisionStatus;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.TargetReplica;
import io.fleetplan.proto.v1.WatchDecisionsRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GlobalPlanner over loopback gRPC with a virtual executor on the wall clock. */
class GlobalPlannerServerIT {

    @TempDir
    Path dir;

    private record Running(
            GlobalPlannerServer server, VirtualExecutor executor, WallClockScheduler scheduler, ManagedChannel channel)
            implements AutoCloseable {
        GlobalPlannerGrpc.GlobalPlannerBlockingStub stub() {
            return GlobalPlannerGrpc.newBlockingStub(channel);
        }

        @Override
        public void close() {
            channel.shutdownNow();
            server.close();
            scheduler.close();
        }
    }

    private Running start(GlobalPlannerConfig cfg, Duration up, Duration down, int pools) throws IOException {
        return start(cfg, up, down, pools, InsecureChannelCredentials.create());
    }

    private Running start(GlobalPlannerConfig cfg, Duration up, Duration down, int pools, ChannelCredentials creds)
            throws IOException {
        WallClockScheduler scheduler = new WallClockScheduler("it", 2);
        VirtualExecutor ex = Planners.executor(scheduler, up, down, pools);
        GlobalPlannerServer s = GlobalPlannerServer.start(cfg, ex, Leadership.single("127.0.0.1:0"), scheduler);
        ManagedChannel ch =
                Grpc.newChannelBuilderForAddress("127.0.0.1", s.port(), creds).build();
        return new Running(s, ex, scheduler, ch);
    }

    @Test
    void aBudgetLoweredAcrossARestartScalesTheClusterBackAtRebuild() throws Exception {
        // two pools of 1 prefill + 1 decode at 1 GPU run 4 GPUs; the GlobalPlanner starts with max_total_gpus 3
        Path audit = dir.resolve("reconcile.jsonl");
        try (Running r = start(
                Planners.config("max_total_gpus: 3\naudit_log_path: " + audit), Duration.ZERO, Duration.ZERO, 2)) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(r.executor().gpusInUse()).isEqualTo(3);
                assertThat(state(r.stub()).getBudget().getCommittedGpus()).isEqualTo(3);
                assertThat(Files.readString(audit))
                        .contains("\"kind\":\"push\"")
                        .contains("BUDGET_CEILING");
            });
        }
    }

    @Test
    void servesHealthMetricsAuditAndDecisions() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        try (Running r = start(
                Planners.config("max_total_gpus: 6\naudit_log_path: " + audit), Duration.ZERO, Duration.ZERO, 2)) {
            HealthCheckResponse h = HealthGrpc.newBlockingStub(r.channel())
                    .check(HealthCheckRequest.newBuilder()
                            .setService(GlobalPlannerServer.SERVICE)
                            .build());
            assertThat(h.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            ScaleDecision d = r.stub().propose(proposal("pool0", 3, 3).build());
            assertThat(d.getStatus()).isEqualTo(DecisionStatus.PARTIAL);
            assertThatThrownBy(() -> r.stub().propose(proposal("pool0", -1, -1).build()))
                    .isInstanceOf(StatusRuntimeException.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String text = Files.readString(audit);
                assertThat(text)
                        .contains("\"decision_id\":\"" + d.getDecisionId() + "\"")
                        .contains("\"status\":\"PARTIAL\"")
                        .contains("\"kind\":\"refused\"")
                        .contains("\"target\":\"ns/pool0/prefill\"");
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String metrics = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(
                                                "http://127.0.0.1:" + r.server().metricsPort() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                assertThat(metrics)
                        .contains("global_scale_request_total{reason=\"success\",result=\"success\"} 1.0")
                        .contains("global_scale_request_total{reason=\"exception\",result=\"error\"} 1.0")
                        .contains("global_scale_request_latency_seconds_bucket")
                        .contains("fleetplan_global_planner_decision_latency_seconds_bucket")
                        .contains(
                                "fleetplan_global_planner_decisions_total{kind=\"proposal\",reason=\"BUDGET_CEILING\",status=\"PARTIAL\"} 1.0")
                        .contains("fleetplan_global_planner_budget_gpus{kind=\"committed\"} 6.0")
                        .contains("global_managed_dgd_gpus{dgd_name=\"pool0\"} 4.0");
            });
        }
    }

    @Test
    void anErrorAboutAHugeFieldIsDeliveredAndAuditedNotLeftToTheDeadline() throws Exception {
        Path audit = dir.resolve("huge.jsonl");
        try (Running r = start(
                Planners.config("managed_namespaces: [ns-pool0]\naudit_log_path: " + audit),
                Duration.ZERO,
                Duration.ZERO,
                1)) {
            for (int size : new int[] {16 * 1024, 3_500_000}) {
                String big = "n".repeat(size);
                List<ScaleProposal> bad = List.of(
                        proposal("pool0", 2, -1).setCallerNamespace(big).build(),
                        proposal("pool0", -1, -1)
                                .addTargetReplicas(TargetReplica.newBuilder()
                                        .setComponentName(big)
                                        .setDesiredReplicas(1))
                                .build());
                for (ScaleProposal p : bad) {
                    assertThatThrownBy(() -> r.stub()
                                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                                    .propose(p))
                            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                                assertThat(e.getStatus().getDescription()).contains("was " + size);
                            });
                }
            }
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Files.readAllLines(audit))
                            .hasSize(4)
                            .allSatisfy(line ->
                                    assertThat(line).hasSizeLessThan(4_000).contains("\"kind\":\"refused\"")));
        }
    }

    @Test
    void watchDecisionsPushesLaterGrants() throws Exception {
        try (Running r = start(Planners.config("max_total_gpus: 4"), Duration.ZERO, Duration.ofMillis(300), 2)) {
            List<ScaleDecision> seen = new CopyOnWriteArrayList<>();
            GlobalPlannerGrpc.newStub(r.channel())
                    .watchDecisions(
                            WatchDecisionsRequest.newBuilder()
                                    .setPoolId("ns/pool1")
                                    .build(),
                            collect(seen));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
            assertThat(seen.get(0).getReason()).isEqualTo(DecisionReason.NO_CHANGE);
            assertThat(seen.get(0).getGrantsCount()).isEqualTo(2);

            ScaleDecision asked = r.stub().propose(proposal("pool1", -1, 3).build());
            assertThat(asked.getStatus()).isEqualTo(DecisionStatus.REJECTED);
            ScaleDecision down = r.stub().propose(proposal("pool0", 0, 0).build());
            assertThat(down.getReason()).isEqualTo(DecisionReason.SCALE_DOWN);
            // budget frees as each of pool0's two components is gone (one push per release); pool1 gets its pending
            // decode replicas: PARTIAL after the first release, GRANTED after the second
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> seen.size() >= 2 && seen.get(seen.size() - 1).getStatus() == DecisionStatus.GRANTED);
            ScaleDecision push = seen.get(seen.size() - 1);
            assertThat(push.getGrants(0).getGrantedReplicas()).isEqualTo(3);
            assertThat(seen.subList(1, seen.size()))
                    .allSatisfy(d -> assertThat(d.getPoolId()).isEqualTo("ns/pool1"));
            assertThat(state(r.stub()).getBudget().getCommittedGpus()).isEqualTo(4);
        }
    }

    @Test
    void blockingWaitsForReadinessAndReportsExecutorFailures() throws Exception {
        try (Running r = start(Planners.config(""), Duration.ofMillis(200), Duration.ZERO, 1)) {
            ScaleDecision d =
                    r.stub().propose(proposal("pool0", -1, 3).setBlocking(true).build());
            assertThat(d.getStatus()).isEqualTo(DecisionStatus.GRANTED);
            assertThat(r.executor().running(new TargetKey("ns", "pool0", "decode")))
                    .isEqualTo(3);

            r.executor().failNext(new TargetKey("ns", "pool0", "decode"), "admission webhook denied the request");
            ScaleDecision failed =
                    r.stub().propose(proposal("pool0", -1, 5).setBlocking(true).build());
            assertThat(failed.getStatus()).isEqualTo(DecisionStatus.ERROR);
            assertThat(failed.getReason()).isEqualTo(DecisionReason.EXECUTOR_FAILED);
            assertThat(failed.getMessage()).contains("admission webhook denied");
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(state(r.stub()).getEntriesList())
                            .anySatisfy(e -> {
                                assertThat(e.getTarget().getComponentName()).isEqualTo("decode");
                                assertThat(e.getGrantedReplicas()).isEqualTo(3);
                            }));
        }
    }

    @Test
    void manyConcurrentClientsNeverExceedTheBudget() throws Exception {
        int max = 24;
        int pools = 12;
        try (Running r = start(
                Planners.config("max_total_gpus: " + max + "\nfairness: {preemption: true}"),
                Duration.ofMillis(2),
                Duration.ofMillis(5),
                pools)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger worst = new AtomicInteger();
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    worst.accumulateAndGet(r.executor().gpusInUse(), Math::max);
                    LockSupport.parkNanos(200_000);
                }
            });
            ExecutorService clients = Executors.newFixedThreadPool(32);
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 32; c++) {
                int client = c;
                results.add(clients.submit(() -> {
                    Random rnd = new Random(1000 + client);
                    GlobalPlannerGrpc.GlobalPlannerBlockingStub stub = r.stub();
                    int over = 0;
                    for (int i = 0; i < 100; i++) {
                        String pool = "pool" + rnd.nextInt(pools);
                        ScaleDecision d = stub.propose(proposal(pool, rnd.nextInt(6), rnd.nextInt(6))
                                .setPriority(50 + 50 * rnd.nextInt(3))
                                .build());
                        if (d.getBudget().getCommittedGpus() > max) {
                            over++;
                        }
                    }
                    return over;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(2, TimeUnit.MINUTES))
                        .as("decisions reporting committed > max")
                        .isZero();
            }
            clients.shutdown();
            stop.set(true);
            sampler.join();
            assertThat(worst.get())
                    .as("GPUs the executor held at any sampled moment")
                    .isLessThanOrEqualTo(max);
            assertThat(state(r.stub()).getBudget().getCommittedGpus()).isLessThanOrEqualTo(max);
        }
    }

    @Test
    void mutualTlsIdentifiesCallersByCertificate() throws Exception {
        TestCerts certs = TestCerts.make(dir, "pool0-planner");
        Assumptions.assumeTrue(certs != null, "openssl is not available to make test certificates; mTLS test skipped");
        String yaml = """
                tls:
                  cert_chain_file: %s
                  private_key_file: %s
                  client_ca_file: %s
                callers:
                  - name: pool0-planner
                    certificate_names: ["spiffe://fleetplan.test/pool0-planner"]
                    allowed_targets: ["ns/pool0/*"]
                """.formatted(certs.file("server.pem"), certs.file("server.key"), certs.file("ca.pem"));
        ChannelCredentials client = TlsChannelCredentials.newBuilder()
                .keyManager(PemFiles.keyManagers(certs.file("client.pem"), certs.file("client.key")))
                .trustManager(PemFiles.trustManagers(certs.file("ca.pem")))
                .build();
        try (Running r = start(Planners.config(yaml), Duration.ZERO, Duration.ZERO, 2, client)) {
            assertThat(r.stub().propose(proposal("pool0", 2, 2).build()).getStatus())
                    .isEqualTo(DecisionStatus.GRANTED);
            assertThatThrownBy(() -> r.stub().propose(proposal("pool1", 2, 2).build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
            // without a client certificate the handshake is refused
            ChannelCredentials anonymous = TlsChannelCredentials.newBuilder()
                    .trustManager(PemFiles.trustManagers(certs.file("ca.pem")))
                    .build();
            ManagedChannel ch = Grpc.newChannelBuilderForAddress(
                            "127.0.0.1", r.server().port(), anonymous)
                    .build();
            try {
                assertThatThrownBy(() -> GlobalPlannerGrpc.newBlockingStub(ch)
                                .withDeadlineAfter(5, TimeUnit.SECONDS)
                                .propose(proposal("pool0", 1, 1).build()))
                        .isInstanceOfSatisfying(
                                StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            } finally {
                ch.shutdownNow();
            }
        }
    }

    private static StreamObserver<ScaleDecision> collect(List<ScaleDecision> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ScaleDecision value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }
}
