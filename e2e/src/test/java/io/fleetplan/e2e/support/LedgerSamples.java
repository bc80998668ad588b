package io.fleetplan.e2e.support;

import io.fleetplan.proto.v1.GetStateRequest;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.LedgerEntry;
import io.fleetplan.proto.v1.PlannerState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The GlobalPlanner's ledger sampled over time: {@code GetState} every {@code periodMs}, each sample with its time
 * since {@link #startMs()} (wall clock, as the test's load phases), the committed GPUs and the granted replicas
 * per pool (DGD name).
 */
public final class LedgerSamples implements AutoCloseable {

    /** One GetState answer. */
    public record Sample(long atMs, int committed, int max, Map<String, Integer> granted) {

        public int replicas() {
            return granted.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int granted(String pool) {
            return granted.getOrDefault(pool, 0);
        }
    }

    private final ManagedChannel channel;
    private final ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final long startMs = System.currentTimeMillis();

    public LedgerSamples(int globalPlannerPort, long periodMs) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", globalPlannerPort)
                .usePlaintext()
                .build();
        GlobalPlannerGrpc.GlobalPlannerBlockingStub gp = GlobalPlannerGrpc.newBlockingStub(channel);
        poll.scheduleAtFixedRate(
                () -> {
                    try {
                        PlannerState s = gp.withDeadlineAfter(2, TimeUnit.SECONDS)
                                .getState(GetStateRequest.getDefaultInstance());
                        Map<String, Integer> granted = new TreeMap<>();
                        for (LedgerEntry e : s.getEntriesList()) {
                            granted.merge(e.getTarget().getGraphDeploymentName(), e.getGrantedReplicas(), Integer::sum);
                        }
                        samples.add(new Sample(
                                System.currentTimeMillis() - startMs,
                                s.getBudget().getCommittedGpus(),
                                s.getBudget().getMaxTotalGpus(),
                                granted));
                    } catch (RuntimeException e) {
                        // a missed sample; the audit log still covers every decision
                    }
                },
                0,
                periodMs,
                TimeUnit.MILLISECONDS);
    }

    /** Wall-clock millis of time 0 of the samples. */
    public long startMs() {
        return startMs;
    }

    /** Milliseconds since time 0 now. */
    public long nowMs() {
        return System.currentTimeMillis() - startMs;
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** One line per sample: {@code 12.5s {decode=1, prefill=2} gpus=3}. */
    public List<String> lines() {
        return samples.stream()
                .map(s -> String.format(Locale.ROOT, "%.1fs %s gpus=%d", s.atMs() / 1000.0, s.granted(), s.committed()))
                .toList();
    }

    @Override
    public void close() {
        poll.shutdownNow();
        channel.shutdownNow();
    }
}
