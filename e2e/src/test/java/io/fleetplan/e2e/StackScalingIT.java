package io.fleetplan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.cli.load.LoadStats;
import io.fleetplan.cli.up.Component;
import io.fleetplan.cli.up.JavaLauncher;
import io.fleetplan.cli.up.Supervisor;
import io.fleetplan.e2e.support.Artifacts;
import io.fleetplan.e2e.support.Loads;
import io.fleetplan.proto.v1.GetStateRequest;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.LedgerEntry;
import io.fleetplan.proto.v1.PlannerState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The whole hierarchy as separate processes ({@code fleetplan up}: Frontend + GlobalRouter, GlobalPlanner with
 * the local-process executor, prefill and decode pools with LocalRouters, pool planners and mocker workers)
 * under a load ramp: the pools scale up, then down; the GPU budget holds at every GetState sample and in every
 * audit line; no client request fails, also while workers drain; SIGTERM to {@code fleetplan up} leaves no
 * process behind.
 */
class StackScalingIT {

    static final int BUDGET = 4;
    static final ObjectMapper JSON = new ObjectMapper();

    /** Every pool plans on load against the SLO every 2 s (FPM model), eager enough to act within this test. */
    static final String PLANNER = "{optimization_target: sla, enable_load_scaling: true, enable_throughput_scaling: false, "
            + "load_adjustment_interval: 2, load_min_observations: 2, load_metric_samples: 3, "
            + "load_scaling_down_sensitivity: 100, max_num_fpm_samples: 4096, fpm_sample_bucket_size: 64}";

    static final String STACK = """
            model: e2e-model
            budget: {max_total_gpus: %1$d}
            slo: {ttft_ms: 400, itl_ms: 15}
            drain_grace_seconds: 15
            pools:
              - name: prefill
                mode: prefill
                min_replicas: 1
                max_replicas: 3
                engine: {num_gpu_blocks: 2048, max_num_batched_tokens: 2048}
                planner: %2$s
              - name: decode
                mode: decode
                min_replicas: 1
                # one step up early in the high phase (see the ramp below)
                max_replicas: 2
                engine: {num_gpu_blocks: 384}
                planner: %2$s
            """.formatted(BUDGET, PLANNER);

    record Sample(long atMs, int committed, int max, Map<String, Integer> granted) {
    }

    @Test
    void poolsScaleUpThenDownWithinTheBudgetWithoutFailedRequests() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                io.fleetplan.cli.Main.commandLine().getSubcommands().containsKey("global-planner"), () -> {
                    String reason = "this build has no 'fleetplan global-planner' command yet";
                    System.out.println("SKIPPED: StackScalingIT: " + reason);
                    return reason;
                });
        Path dir = Artifacts.dir("stack");
        Path stack = dir.resolve("stack.yaml");
        Files.writeString(stack, STACK);
        Path runDir = dir.resolve("run");
        try (Supervisor outer = new Supervisor(dir, JavaLauncher.fleetplanCommand(), Duration.ofSeconds(40))) {
            Supervisor.Running up = outer.start(new Component("up", Component.Role.FRONTEND,
                    List.of("up", "--config", stack.toString(), "--port", "0", "--run-dir", runDir.toString()),
                    Map.of(), Pattern.compile("^Ctrl-C stops everything")));
            outer.awaitReady(up, 0, Duration.ofSeconds(180));
            String upLog = Files.readString(up.log());
            int http = port(upLog, "endpoint\\s+http://127\\.0\\.0\\.1:(\\d+)/v1");
            int gpPort = port(upLog, "global planner\\s+grpc 127\\.0\\.0\\.1:(\\d+)");

            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", gpPort).usePlaintext().build();
            GlobalPlannerGrpc.GlobalPlannerBlockingStub gp = GlobalPlannerGrpc.newBlockingStub(channel);
            List<Sample> samples = new CopyOnWriteArrayList<>();
            long t0 = System.currentTimeMillis();
            ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor();
            poll.scheduleAtFixedRate(() -> {
                try {
                    PlannerState s = gp.withDeadlineAfter(2, TimeUnit.SECONDS).getState(GetStateRequest.getDefaultInstance());
                    Map<String, Integer> granted = new ConcurrentHashMap<>();
                    for (LedgerEntry e : s.getEntriesList()) {
                        granted.merge(e.getTarget().getGraphDeploymentName(), e.getGrantedReplicas(), Integer::sum);
                    }
                    samples.add(new Sample(System.currentTimeMillis() - t0, s.getBudget().getCommittedGpus(),
                            s.getBudget().getMaxTotalGpus(), granted));
                } catch (RuntimeException e) {
                    // a missed sample; the audit log still covers every decision
                }
            }, 0, 500, TimeUnit.MILLISECONDS);

            // low, high (the pools must grow), then quiet (they must shrink while requests still arrive, so a
            // worker drains mid-stream). 10 req/s x 60 tokens keeps one decode engine far over the ITL target (~30
            // ms estimated) and two over it or refused by the consolidation check, so they hold until the load
            // drops; the quiet phase is far under it (~10 ms). On a loaded 2-core machine the workers fall behind
            // real time and drain their backlog after the high phase (up to ~70 s seen), so the quiet phase is long
            // enough for the scale-down to come while requests still arrive.
            long loadStartMs = System.currentTimeMillis() - t0;
            Loads.Phase[] phases = {new Loads.Phase(1, 5), new Loads.Phase(10, 40), new Loads.Phase(1, 100)};
            long lastSendMs = loadStartMs + (long) (1000 * java.util.Arrays.stream(phases).mapToDouble(Loads.Phase::seconds).sum());
            CompletableFuture<LoadStats> load = Loads.replay("http://127.0.0.1:" + http, "e2e-model",
                    Loads.trace(1000, 60, phases));
            LoadStats stats = load.get(300, TimeUnit.SECONDS);
            double loadSeconds = (System.currentTimeMillis() - t0 - loadStartMs) / 1000.0;
            // a shrink that has not shown by now gets a little more time, for the failure message to be exact
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && shrinkAt(samples) < 0) {
                Thread.sleep(1000);
            }
            poll.shutdownNow();
            channel.shutdownNow();

            List<String> timeline = new ArrayList<>();
            for (Sample s : samples) {
                timeline.add(s.atMs() / 1000 + "s " + s.granted() + " gpus=" + s.committed());
            }
            Files.write(dir.resolve("timeline.txt"), timeline);
            long grewAt = grewAt(samples);
            long shrankAt = shrinkAt(samples);
            System.out.println("stack e2e: " + stats.table(loadSeconds).lines().findFirst().orElse("") + "; load from "
                    + loadStartMs / 1000.0 + " s (high phase " + (loadStartMs + 5000) / 1000.0 + "-" + (loadStartMs + 45_000) / 1000.0
                    + " s, last send " + lastSendMs / 1000.0 + " s); scale-up at " + grewAt / 1000.0 + " s, scale-down at "
                    + shrankAt / 1000.0 + " s; peak " + samples.stream().mapToInt(Sample::committed).max().orElse(-1) + "/"
                    + BUDGET + " GPUs; timeline in " + dir.resolve("timeline.txt"));

            assertThat(stats.failedCount()).as("failed client requests: %s", stats.errors()).isZero();
            assertThat(samples).as("GetState samples").hasSizeGreaterThan(50);
            assertThat(samples).allSatisfy(s -> assertThat(s.committed()).as("committed GPUs at %d ms", s.atMs())
                    .isLessThanOrEqualTo(BUDGET));
            int peak = samples.stream().mapToInt(s -> total(s.granted())).max().orElse(0);
            assertThat(peak).as("replicas grew above the initial 2").isGreaterThan(2);
            assertThat(shrankAt).as("a pool scaled down after the peak; last decode planner decision: %s",
                    lastDecision(runDir.resolve("pool-planner-decode.log"))).isGreaterThanOrEqualTo(0);
            // the drain happened under traffic: the scale-down was granted while requests were still being sent
            assertThat(shrankAt).as("scale-down before the last request was sent at %d ms", lastSendMs)
                    .isLessThan(lastSendMs);

            List<String> audit = Files.readAllLines(runDir.resolve("global-planner-audit.jsonl"));
            assertThat(audit).isNotEmpty();
            for (String line : audit) {
                JsonNode a = JSON.readTree(line);
                if (a.has("committed_gpus")) {
                    assertThat(a.path("committed_gpus").asInt()).as(line).isLessThanOrEqualTo(BUDGET);
                }
            }

            // SIGTERM to fleetplan up: everything it started (and what the GlobalPlanner started) goes away
            List<ProcessHandle> all = new ArrayList<>(up.process().descendants().toList());
            assertThat(all.size()).as("processes under fleetplan up").isGreaterThanOrEqualTo(8);
            up.process().destroy();
            assertThat(up.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            for (ProcessHandle h : all) {
                h.onExit().get(10, TimeUnit.SECONDS);
                assertThat(h.isAlive()).as("pid %d %s", h.pid(), h.info().commandLine().orElse("")).isFalse();
            }
        }
    }

    static int total(Map<String, Integer> granted) {
        return granted.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Time of the first sample with more than the initial 2 replicas, or -1. */
    static long grewAt(List<Sample> samples) {
        return samples.stream().filter(s -> total(s.granted()) > 2).mapToLong(Sample::atMs).findFirst().orElse(-1);
    }

    /** Time of the first sample after the peak (above the initial 2) with fewer replicas than the peak, or -1. */
    static long shrinkAt(List<Sample> samples) {
        int peak = 0;
        for (Sample s : samples) {
            int n = total(s.granted());
            if (n > peak) {
                peak = n;
            } else if (n < peak && peak > 2) {
                return s.atMs();
            }
        }
        return -1;
    }

    static String lastDecision(Path plannerLog) throws java.io.IOException {
        return Files.readString(plannerLog).lines().filter(l -> l.startsWith("INFO: #")).reduce((a, b) -> b)
                .orElse("(no decision logged)");
    }

    static int port(String log, String regex) {
        Matcher m = Pattern.compile(regex).matcher(log);
        assertThat(m.find()).as("'" + regex + "' in fleetplan up output:\n" + log).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
