package io.fleetplan.bench.global;

import com.sun.management.OperatingSystemMXBean;
import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.executor.VirtualExecutor;
import io.fleetplan.global.ha.Leadership;
import io.fleetplan.global.service.GlobalPlannerServer;
import io.fleetplan.global.service.NettyTransport;
import io.fleetplan.proto.v1.DecisionStatus;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoop;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetplan bench global-planner}: a GlobalPlanner (virtual executor, contended budget) on loopback gRPC.
 * Phase 1 sends proposals open-loop at a fixed rate, round-robin over the pools, and measures the decision
 * latency from each proposal's scheduled send time to its answer (so a stall counts against every proposal it
 * delays). Phase 2 keeps a fixed number of proposals in flight and reports the proposals/s sustained.
 */
@Command(
        name = "global-planner",
        mixinStandardHelpOptions = true,
        description = "Decision latency at a fixed proposal rate and the sustained maximum proposals/s of the "
                + "GlobalPlanner over loopback gRPC. Ends with one JSON line (latencies in ms, rates per second).")
public final class GlobalPlannerBenchCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(
            names = "--pools",
            defaultValue = "100",
            description = "Pools (DGDs with a prefill and a decode component). Default: ${DEFAULT-VALUE}.")
    int pools;

    @Option(
            names = "--rate",
            defaultValue = "1000",
            description = "Proposals per second in the latency phase. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(
            names = "--seconds",
            defaultValue = "10",
            description = "Length of each measured phase, seconds. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "3",
            description =
                    "Unmeasured warm-up at full speed before each phase (then 1 s at --rate before the latency phase). Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(
            names = "--in-flight",
            defaultValue = "256",
            description = "Proposals in flight in the throughput phase. Default: ${DEFAULT-VALUE}.")
    int inFlight;

    @Option(
            names = "--channels",
            defaultValue = "4",
            description = "gRPC channels (connections) the clients use. Default: ${DEFAULT-VALUE}.")
    int channels;

    @Option(
            names = "--gpus-per-pool",
            defaultValue = "4",
            description =
                    "max_total_gpus = pools x this (pools ask up to 12 GPUs each, so the budget is contended). Default: ${DEFAULT-VALUE}.")
    int gpusPerPool;

    @Option(
            names = "--audit-log",
            defaultValue = "tmp",
            description =
                    "Audit log of the planner: 'tmp' = a temporary file (deleted at the end), 'none' = off, else a path. Default: ${DEFAULT-VALUE}.")
    String auditLog;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "Random seed of the proposals. Default: ${DEFAULT-VALUE}.")
    long seed;

    private final AtomicLongArray sequences = new AtomicLongArray(100_000);
    private final Map<DecisionStatus, AtomicLong> statuses = new EnumMap<>(DecisionStatus.class);
    private final AtomicLong errors = new AtomicLong();
    private volatile String firstError = "";
    private long auditBytes = -1;
    // the client's one I/O thread: it times the sends, sends and receives
    private EventLoop clientLoop;

    @Override
    public Integer call() throws Exception {
        if (pools < 1 || pools > 100_000 || rate < 1 || seconds < 1 || inFlight < 1 || channels < 1) {
            System.err.println("--pools must be 1..100000; --rate, --seconds, --in-flight and --channels must be >= 1");
            return 2;
        }
        for (DecisionStatus s : DecisionStatus.values()) {
            statuses.put(s, new AtomicLong());
        }
        // a real deployment keeps an audit log, so the bench writes one too (one JSON line per decision)
        Path audit = switch (auditLog) {
            case "none" -> null;
            case "tmp" -> Files.createTempFile("fleetplan-bench-audit", ".jsonl");
            default -> Path.of(auditLog);
        };
        try {
            return run(audit);
        } finally {
            if (audit != null && auditLog.equals("tmp")) {
                Files.deleteIfExists(audit);
            }
        }
    }

    private int run(Path audit) throws Exception {
        GlobalPlannerConfig cfg = ConfigLoader.parse(
                "environment: virtual\ngrpc: {host: 127.0.0.1, port: 0}\n"
                        + "metrics_port: -1\nmax_total_gpus: " + pools * gpusPerPool + "\n"
                        // one file, never rotated: the bench measures every byte it writes and deletes the file
                        // at the end
                        + (audit == null
                                ? ""
                                : "audit_log_path: '" + audit.toString().replace("'", "''") + "'\n"
                                        + "audit_log_max_mb: 0\n"),
                "bench.yaml",
                GlobalPlannerConfig.class);
        // one timer thread runs the simulated cluster's completions (as one informer thread would report them)
        try (WallClockScheduler scheduler = new WallClockScheduler("bench-gp", 1)) {
            VirtualExecutor executor = new VirtualExecutor(scheduler, Duration.ZERO, Duration.ZERO);
            for (int p = 0; p < pools; p++) {
                executor.register(new TargetKey("bench", "pool" + p, "prefill"), SubType.PREFILL, 1, 1);
                executor.register(new TargetKey("bench", "pool" + p, "decode"), SubType.DECODE, 1, 1);
            }
            // the load generator has its own I/O threads, so its CPU is told apart from the server's
            try (GlobalPlannerServer server =
                            GlobalPlannerServer.start(cfg, executor, Leadership.single("bench"), scheduler);
                    NettyTransport clientIo = new NettyTransport("bench-client-io", 1)) {
                clientLoop = clientIo.group().next();
                List<ManagedChannel> chans = new ArrayList<>();
                for (int i = 0; i < channels; i++) {
                    chans.add(NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                            .usePlaintext()
                            .eventLoopGroup(clientIo.group())
                            .channelType(clientIo.channelType())
                            .directExecutor()
                            .build());
                }
                try {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    // warm-up at full speed first, until the JIT is done with the hot paths as it would be in a
                    // server that has been up for a while; otherwise C2 (hundreds of ms per method on 2 busy
                    // cores) runs during the measured phase at 1,000/s and its CPU, not the planner, sets the p99
                    System.err.println("warming up at full speed until the JIT is quiet...");
                    double warmedUp = warmUp(chans, rnd);
                    // the warm-up leaves ~100,000 young decisions (the replay cache) behind; collect them now, or
                    // the first young GC of the latency phase copies them all (a pause of 100+ ms on 2 busy cores)
                    // and measures the warm-up instead of 1,000/s. A server at 1,000/s never has that backlog.
                    System.gc();
                    fixedRate(chans, rnd, 1);
                    System.err.printf(Locale.ROOT, "phase 1: %d proposals/s for %d s...%n", rate, seconds);
                    Cpu c0 = Cpu.now();
                    Histogram latency = fixedRate(chans, rnd, seconds);
                    Cpu latencyCpu = Cpu.now().minus(c0);
                    long sentLatency = latency.getTotalCount();
                    closedLoop(chans, rnd, warmupSeconds);
                    System.err.printf(Locale.ROOT, "phase 2: %d in flight for %d s...%n", inFlight, seconds);
                    long t0 = System.nanoTime();
                    Cpu c1 = Cpu.now();
                    Histogram loop = closedLoop(chans, rnd, seconds);
                    Cpu loopCpu = Cpu.now().minus(c1);
                    double throughput = loop.getTotalCount() / ((System.nanoTime() - t0) / 1e9);
                    auditBytes = audit == null ? -1 : Files.size(audit);
                    report(
                            warmedUp,
                            latency,
                            sentLatency,
                            latencyCpu,
                            loop,
                            throughput,
                            loopCpu,
                            server.core().state().get().budget().committedGpus(),
                            pools * gpusPerPool);
                } finally {
                    chans.forEach(ManagedChannel::shutdownNow);
                }
            }
        }
        return 0;
    }

    private ScaleProposal proposal(SplittableRandom rnd, int pool) {
        long seq = sequences.incrementAndGet(pool);
        String name = "pool" + pool;
        return ScaleProposal.newBuilder()
                .setCallerNamespace("bench-" + name)
                .setK8SNamespace("bench")
                .setGraphDeploymentName(name)
                .setProposalId(name + "#" + seq)
                .setSequence(seq)
                .setPriority(rnd.nextInt(3) * 50 + 50)
                .addTargetReplicas(TargetReplica.newBuilder()
                        .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_PREFILL)
                        .setDesiredReplicas(rnd.nextInt(7))
                        .setMinReplicas(0))
                .addTargetReplicas(TargetReplica.newBuilder()
                        .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_DECODE)
                        .setDesiredReplicas(rnd.nextInt(7))
                        .setMinReplicas(0))
                .build();
    }

    /**
     * Closed loop for {@link #warmupSeconds}, then on in one-second slices while the JIT still compiled more than
     * 20 ms in the last slice (at most 60 s more). Returns the seconds it took.
     */
    private double warmUp(List<ManagedChannel> chans, SplittableRandom rnd) throws InterruptedException {
        long t0 = System.nanoTime();
        closedLoop(chans, rnd, warmupSeconds);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
            for (int i = 0; i < 60; i++) {
                long before = jit.getTotalCompilationTime();
                closedLoop(chans, rnd, 1);
                if (jit.getTotalCompilationTime() - before <= 20) {
                    break;
                }
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Open loop at {@link #rate}; latency from the scheduled send time, microseconds. The sends are timed on the
     * client's I/O thread (an event loop timer), so a proposal leaves without a hand-over between threads, and a
     * late timer counts against the latency like any other delay.
     */
    private Histogram fixedRate(List<ManagedChannel> chans, SplittableRandom rnd, int durationSeconds)
            throws InterruptedException {
        Recorder rec = new Recorder(3);
        long total = (long) rate * durationSeconds;
        long interval = 1_000_000_000L / rate;
        CountDownLatch done = new CountDownLatch((int) Math.min(Integer.MAX_VALUE, total));
        List<GlobalPlannerGrpc.GlobalPlannerStub> stubs =
                chans.stream().map(GlobalPlannerGrpc::newStub).toList();
        EventLoop loop = clientLoop;
        long start = System.nanoTime() + 1_000_000;
        loop.execute(new Runnable() {
            private long i;

            @Override
            public void run() {
                // everything due by now goes out (a late tick catches up: open loop)
                while (i < total && start + i * interval - System.nanoTime() <= 0) {
                    long due = start + i * interval;
                    int pool = (int) (i % pools);
                    // one pool's proposals share a connection, so they arrive in sequence order
                    stubs.get(pool % stubs.size())
                            .propose(
                                    proposal(rnd, pool),
                                    observer(
                                            () -> rec.recordValue(Math.max(1, (System.nanoTime() - due) / 1000)),
                                            done));
                    i++;
                }
                if (i < total) {
                    loop.schedule(this, start + i * interval - System.nanoTime(), TimeUnit.NANOSECONDS);
                }
            }
        });
        done.await(durationSeconds + 60L, TimeUnit.SECONDS);
        return rec.getIntervalHistogram();
    }

    /**
     * Closed loop: {@link #inFlight} proposals outstanding; each answer sends the next proposal from the client's
     * I/O thread. Latency from send, microseconds.
     */
    private Histogram closedLoop(List<ManagedChannel> chans, SplittableRandom rnd, int durationSeconds)
            throws InterruptedException {
        Recorder rec = new Recorder(3);
        List<GlobalPlannerGrpc.GlobalPlannerStub> stubs =
                chans.stream().map(GlobalPlannerGrpc::newStub).toList();
        long end = System.nanoTime() + durationSeconds * 1_000_000_000L;
        CountDownLatch drained = new CountDownLatch(1);
        clientLoop.execute(new Runnable() {
            private long i;
            private int outstanding;

            @Override
            public void run() {
                for (int k = 0; k < inFlight; k++) {
                    send();
                }
            }

            // runs on the client's I/O thread only (the initial burst and every answer)
            private void send() {
                long sent = System.nanoTime();
                int pool = (int) (i++ % pools);
                outstanding++;
                stubs.get(pool % stubs.size())
                        .propose(
                                proposal(rnd, pool),
                                observer(
                                        () -> {
                                            long now = System.nanoTime();
                                            rec.recordValue(Math.max(1, (now - sent) / 1000));
                                            outstanding--;
                                            if (now - end < 0) {
                                                send();
                                            } else if (outstanding == 0) {
                                                drained.countDown();
                                            }
                                        },
                                        null));
            }
        });
        drained.await(durationSeconds + 60L, TimeUnit.SECONDS);
        return rec.getIntervalHistogram();
    }

    private StreamObserver<ScaleDecision> observer(Runnable onAnswer, CountDownLatch done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ScaleDecision d) {
                statuses.get(d.getStatus()).incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
                if (errors.incrementAndGet() == 1) {
                    firstError = String.valueOf(t.getMessage());
                }
                onAnswer.run();
                if (done != null) {
                    done.countDown();
                }
            }

            @Override
            public void onCompleted() {
                onAnswer.run();
                if (done != null) {
                    done.countDown();
                }
            }
        };
    }

    /**
     * CPU time used, nanoseconds: the whole process (includes GC and JIT), the GlobalPlanner's threads (names
     * {@code global-planner-*}: gRPC I/O, arbiter, responders), the load generator's ({@code bench-client-io-*}
     * and the sending thread) and the simulated cluster's (the virtual executor's scheduler, {@code bench-gp-*}).
     * CPU per proposal depends far less on other load on the machine than latency does.
     */
    record Cpu(long process, long server, long client, long cluster) {
        static Cpu now() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long server = 0;
            long client = 0;
            long cluster = 0;
            long[] ids = threads.getAllThreadIds();
            ThreadInfo[] infos = threads.getThreadInfo(ids);
            for (int i = 0; i < ids.length; i++) {
                long t = infos[i] == null ? -1 : threads.getThreadCpuTime(ids[i]);
                if (t < 0) {
                    continue;
                }
                String name = infos[i].getThreadName();
                if (name.startsWith("global-planner")) {
                    server += t;
                } else if (name.startsWith("bench-client")
                        || ids[i] == Thread.currentThread().threadId()) {
                    client += t;
                } else if (name.startsWith("bench-gp")) {
                    cluster += t;
                }
            }
            long process = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                    ? os.getProcessCpuTime()
                    : -1;
            return new Cpu(process, server, client, cluster);
        }

        Cpu minus(Cpu o) {
            return new Cpu(process - o.process, server - o.server, client - o.client, cluster - o.cluster);
        }

        /** Microseconds per proposal of each part. */
        double[] perProposal(long proposals) {
            double n = Math.max(1, proposals) * 1000.0;
            return new double[] {process / n, server / n, client / n, cluster / n};
        }
    }

    private void report(
            double warmedUp,
            Histogram lat,
            long sent,
            Cpu latCpu,
            Histogram loop,
            double throughput,
            Cpu loopCpu,
            int committed,
            int max) {
        double[] cpuLat = latCpu.perProposal(sent);
        double[] cpuLoop = loopCpu.perProposal(loop.getTotalCount());
        double p50 = lat.getValueAtPercentile(50) / 1000.0;
        double p99 = lat.getValueAtPercentile(99) / 1000.0;
        double p999 = lat.getValueAtPercentile(99.9) / 1000.0;
        double maxMs = lat.getMaxValue() / 1000.0;
        double loopP50 = loop.getValueAtPercentile(50) / 1000.0;
        double loopP99 = loop.getValueAtPercentile(99) / 1000.0;
        System.out.println("GlobalPlanner bench: " + pools + " pools x 2 components, max_total_gpus " + max
                + ", loopback gRPC (" + NettyTransport.kind() + "), " + channels + " channels, virtual executor, "
                + Runtime.getRuntime().availableProcessors() + " cores, audit log "
                + (auditBytes < 0 ? "off" : "on (" + auditBytes / 1024 / 1024 + " MiB written)"));
        System.out.printf(Locale.ROOT, "warm-up at full speed until the JIT was quiet: %.1f s%n", warmedUp);
        System.out.println();
        System.out.println("phase                               proposals     p50 ms     p99 ms   p99.9 ms     max ms");
        System.out.printf(
                Locale.ROOT,
                "fixed rate %6d/s (open loop)    %10d %10.3f %10.3f %10.3f %10.3f%n",
                rate,
                sent,
                p50,
                p99,
                p999,
                maxMs);
        System.out.printf(
                Locale.ROOT,
                "max rate, %4d in flight          %10d %10.3f %10.3f %10s %10s%n",
                inFlight,
                loop.getTotalCount(),
                loopP50,
                loopP99,
                "",
                "");
        System.out.println();
        System.out.println(
                "CPU per proposal, us                 process     server     client    cluster (process = all threads + GC + JIT)");
        System.out.printf(
                Locale.ROOT,
                "fixed rate %6d/s                %10.1f %10.1f %10.1f %10.1f%n",
                rate,
                cpuLat[0],
                cpuLat[1],
                cpuLat[2],
                cpuLat[3]);
        System.out.printf(
                Locale.ROOT,
                "max rate, %4d in flight          %10.1f %10.1f %10.1f %10.1f%n",
                inFlight,
                cpuLoop[0],
                cpuLoop[1],
                cpuLoop[2],
                cpuLoop[3]);
        System.out.println();
        System.out.printf(Locale.ROOT, "sustained maximum: %.0f proposals/s%n", throughput);
        System.out.printf(
                Locale.ROOT,
                "targets: p99 <= 2 ms at 1,000/s: %s (%.3f ms); >= 20,000 proposals/s: %s%n",
                p99 <= 2.0 ? "met" : "NOT met",
                p99,
                throughput >= 20_000 ? "met" : "NOT met");
        System.out.println("decisions: " + statusLine() + ", errors " + errors.get()
                + (errors.get() > 0 ? " (first: " + firstError + ")" : "") + "; committed GPUs at the end " + committed
                + " of " + max);
        System.out.printf(
                Locale.ROOT,
                "{\"bench\":\"global-planner\",\"pools\":%d,\"rate_per_s\":%d,\"proposals\":%d,"
                        + "\"latency_p50_ms\":%.3f,\"latency_p99_ms\":%.3f,\"latency_p999_ms\":%.3f,\"latency_max_ms\":%.3f,"
                        + "\"max_proposals_per_s\":%.0f,\"max_rate_p50_ms\":%.3f,\"max_rate_p99_ms\":%.3f,\"in_flight\":%d,"
                        + "\"latency_cpu_us_per_proposal\":%.1f,\"latency_server_cpu_us_per_proposal\":%.1f,"
                        + "\"max_rate_cpu_us_per_proposal\":%.1f,\"max_rate_server_cpu_us_per_proposal\":%.1f,"
                        + "\"max_rate_client_cpu_us_per_proposal\":%.1f,\"max_rate_cluster_cpu_us_per_proposal\":%.1f,"
                        + "\"cores\":%d,\"warmup_s\":%.1f,\"audit_log_bytes\":%d,"
                        + "\"errors\":%d,\"committed_gpus\":%d,\"max_total_gpus\":%d,\"p99_target_met\":%b,"
                        + "\"throughput_target_met\":%b}%n",
                pools,
                rate,
                sent,
                p50,
                p99,
                p999,
                maxMs,
                throughput,
                loopP50,
                loopP99,
                inFlight,
                cpuLat[0],
                cpuLat[1],
                cpuLoop[0],
                cpuLoop[1],
                cpuLoop[2],
                cpuLoop[3],
                Runtime.getRuntime().availableProcessors(),
                warmedUp,
                auditBytes,
                errors.get(),
                committed,
                max,
                p99 <= 2.0,
                throughput >= 20_000);
    }

    private String statusLine() {
        StringBuilder sb = new StringBuilder();
        statuses.forEach((s, n) -> {
            if (n.get() > 0) {
                sb.append(sb.isEmpty() ? "" : ", ").append(s.name()).append(' ').append(n.get());
            }
        });
        return sb.toString();
    }

    @Override
    public String parent() {
        return "bench";
    }
}
