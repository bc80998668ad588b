package io.fleetplan.bench.mocker;

import io.fleetplan.common.cli.FleetplanSubcommand;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetplan bench engine}: virtual-time engine throughput (1 and 16 workers at a full batch) and live
 * token timing error (one worker at speedup 1 with many concurrent streams). Prints a table, then one JSON line.
 */
@Command(
        name = "engine",
        mixinStandardHelpOptions = true,
        description = "Benchmark the mocker engine: virtual-time throughput and live token timing error.")
public final class BenchEngineCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(
            names = "--virtual-seconds",
            defaultValue = "3",
            description = "Wall seconds per virtual-time scenario (default: ${DEFAULT-VALUE}).")
    double virtualSeconds;

    @Option(
            names = "--batch",
            defaultValue = "256",
            description = "Sequences kept in flight per worker in virtual time (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--workers",
            defaultValue = "16",
            description = "Workers in the multi-worker scenario (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--isl",
            defaultValue = "1000",
            description = "Prompt tokens per request (default: ${DEFAULT-VALUE}).")
    int isl;

    @Option(
            names = "--osl",
            defaultValue = "200",
            description = "Output tokens per request (default: ${DEFAULT-VALUE}).")
    int osl;

    @Option(names = "--no-kv-events", description = "Do not build KV events in the virtual scenarios.")
    boolean noKvEvents;

    @Option(
            names = "--streams",
            defaultValue = "1000",
            description = "Concurrent streams in the live scenario (default: ${DEFAULT-VALUE}).")
    int streams;

    @Option(
            names = "--live-seconds",
            defaultValue = "10",
            description = "Measured wall seconds of the live scenario (default: ${DEFAULT-VALUE}).")
    double liveSeconds;

    // 5 s left the JIT compiling gRPC/Netty paths for 3 to 3.5 s of the 10 s window on 2 cores (the compiler
    // threads then compete with the worker, and the send path is not compiled yet); after 30 s it is 0.5 to 1.3 s
    @Option(
            names = "--live-warmup-seconds",
            defaultValue = "30",
            description =
                    "Unmeasured wall seconds of the live scenario before its window, so the JIT has compiled the send path (default: ${DEFAULT-VALUE}).")
    double liveWarmupSeconds;

    @Option(names = "--skip-live", description = "Only the virtual-time scenarios.")
    boolean skipLive;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public String parent() {
        return "bench";
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (batch < 1
                || workers < 1
                || isl < 1
                || osl < 1
                || streams < 1
                || virtualSeconds <= 0
                || liveSeconds <= 0
                || liveWarmupSeconds < 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--batch, --workers, --isl, --osl, --streams must be >= 1, the durations > 0 and the warm-up >= 0");
        }
        boolean kv = !noKvEvents;
        // a short warm-up so the JIT has compiled the hot loop before we measure
        VirtualEngineBench.run(new VirtualEngineBench.Setup(1, batch, isl, osl, kv, Math.min(1.0, virtualSeconds)));
        VirtualEngineBench.Result one =
                VirtualEngineBench.run(new VirtualEngineBench.Setup(1, batch, isl, osl, kv, virtualSeconds));
        VirtualEngineBench.Result many =
                VirtualEngineBench.run(new VirtualEngineBench.Setup(workers, batch, isl, osl, kv, virtualSeconds));
        out.printf(
                Locale.ROOT,
                "virtual time: ISL %d, OSL %d, %d sequences per worker, KV events %s, one thread%n",
                isl,
                osl,
                batch,
                kv ? "on" : "off");
        out.printf(
                Locale.ROOT,
                "%-12s %14s %18s %18s %14s %12s%n",
                "workers",
                "iterations/s",
                "request-tokens/s",
                "output-tokens/s",
                "x real time",
                "cpu cores");
        row(out, "1", one);
        row(out, Integer.toString(workers), many);
        StringBuilder json = new StringBuilder("{");
        field(json, "virtual_isl", isl);
        field(json, "virtual_osl", osl);
        field(json, "virtual_batch", batch);
        field(json, "virtual_1w_iterations_per_s", one.iterationsPerWallSecond());
        field(json, "virtual_1w_request_tokens_per_s", one.requestTokensPerWallSecond());
        field(json, "virtual_1w_request_tokens_per_cpu_s", perCpu(one));
        field(json, "virtual_1w_output_tokens_per_s", one.outputTokensPerWallSecond());
        field(json, "virtual_1w_x_real_time", one.speedup());
        field(json, "virtual_workers", workers);
        field(json, "virtual_nw_iterations_per_s", many.iterationsPerWallSecond());
        field(json, "virtual_nw_request_tokens_per_s", many.requestTokensPerWallSecond());
        field(json, "virtual_nw_request_tokens_per_cpu_s", perCpu(many));
        field(json, "virtual_nw_output_tokens_per_s", many.outputTokensPerWallSecond());
        field(json, "virtual_nw_x_real_time", many.speedup());
        if (!skipLive) {
            out.printf(
                    Locale.ROOT,
                    "%nlive: one worker at speedup 1, %d concurrent streams, ISL %d, OSL %d, %.0f s measured"
                            + " after %.0f s of warm-up%n",
                    streams,
                    isl,
                    osl,
                    liveSeconds,
                    liveWarmupSeconds);
            out.flush();
            LiveEngineBench.Result live =
                    LiveEngineBench.run(new LiveEngineBench.Setup(streams, isl, osl, liveWarmupSeconds, liveSeconds));
            out.printf(Locale.ROOT, "%-28s %10.3f%n", "token emission error p50 ms", live.p50Ms());
            out.printf(Locale.ROOT, "%-28s %10.3f%n", "token emission error p99 ms", live.p99Ms());
            out.printf(Locale.ROOT, "%-28s %10.3f%n", "token emission error max ms", live.maxMs());
            out.printf(Locale.ROOT, "%-28s %10.0f%n", "tokens streamed per s", live.tokens() / live.seconds());
            out.printf(Locale.ROOT, "%-28s %10.3f%n", "worker cpu cores", live.workerCpuCores());
            out.printf(
                    Locale.ROOT,
                    "%-28s %10.3f  (p99 %.3f; per iteration, how late its sends began)%n",
                    "first token error p50 ms",
                    live.firstTokenP50Ms(),
                    live.firstTokenP99Ms());
            out.printf(
                    Locale.ROOT,
                    "%-28s %10.3f  (p99 %.3f; per iteration, its tokens all written to the socket)%n",
                    "iteration written p50 ms",
                    live.writtenP50Ms(),
                    live.writtenP99Ms());
            out.printf(
                    Locale.ROOT,
                    "%-28s %10.0f  (p90 %.0f; wall ns between two sends of one iteration)%n",
                    "send spacing p50 ns",
                    live.sendSpacingP50Ns(),
                    live.sendSpacingP90Ns());
            out.printf(Locale.ROOT, "%-28s %10.0f%n", "worker cpu ns per token", live.workerCpuNsPerToken());
            out.printf(Locale.ROOT, "%-28s %10.0f%n", "worker alloc bytes per token", live.workerAllocBytesPerToken());
            out.printf(
                    Locale.ROOT,
                    "%-28s %10.2f  (worker threads runnable, waiting for a CPU)%n",
                    "worker run-queue ms per s",
                    live.workerRunQueueMsPerS());
            out.printf(
                    Locale.ROOT,
                    "%-28s %10.3f  (bench client, JIT, GC in this JVM)%n",
                    "other cpu cores",
                    live.otherCpuCores());
            out.printf(Locale.ROOT, "%-28s %10d  (%d ms)%n", "gc pauses", live.gcPauses(), Math.round(live.gcMs()));
            out.printf(Locale.ROOT, "%-28s %10.0f%n", "jit compile ms", live.jitMs());
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            int cores = Runtime.getRuntime().availableProcessors();
            out.printf(
                    Locale.ROOT,
                    "%-28s %10.2f  (%d cores; timing error grows when the machine is oversubscribed)%n",
                    "system load average",
                    load,
                    cores);
            field(json, "system_load_average", load);
            field(json, "cores", cores);
            field(json, "live_streams", streams);
            field(json, "live_seconds", live.seconds());
            field(json, "live_warmup_seconds", liveWarmupSeconds);
            field(json, "live_tokens_per_s", live.tokens() / live.seconds());
            field(json, "live_requests", live.requests());
            field(json, "live_emission_error_p50_ms", live.p50Ms());
            field(json, "live_emission_error_p99_ms", live.p99Ms());
            field(json, "live_emission_error_max_ms", live.maxMs());
            field(json, "live_worker_cpu_cores", live.workerCpuCores());
            field(json, "live_first_token_error_p50_ms", live.firstTokenP50Ms());
            field(json, "live_first_token_error_p99_ms", live.firstTokenP99Ms());
            field(json, "live_iteration_written_p50_ms", live.writtenP50Ms());
            field(json, "live_iteration_written_p99_ms", live.writtenP99Ms());
            field(json, "live_send_spacing_p50_ns", live.sendSpacingP50Ns());
            field(json, "live_send_spacing_p90_ns", live.sendSpacingP90Ns());
            field(json, "live_worker_cpu_ns_per_token", live.workerCpuNsPerToken());
            field(json, "live_worker_alloc_bytes_per_token", live.workerAllocBytesPerToken());
            field(json, "live_worker_runqueue_ms_per_s", live.workerRunQueueMsPerS());
            field(json, "live_other_cpu_cores", live.otherCpuCores());
            field(json, "live_gc_pauses", live.gcPauses());
            field(json, "live_gc_ms", live.gcMs());
            field(json, "live_jit_ms", live.jitMs());
        }
        json.setLength(json.length() - 1);
        json.append('}');
        out.println(json);
        out.flush();
        return 0;
    }

    private static double perCpu(VirtualEngineBench.Result r) {
        return r.cpuSeconds() <= 0 ? 0 : (r.outputTokens() + r.prefillTokens()) / r.cpuSeconds();
    }

    private static void row(PrintWriter out, String label, VirtualEngineBench.Result r) {
        out.printf(
                Locale.ROOT,
                "%-12s %14.0f %18.0f %18.0f %14.0f %12.2f%n",
                label,
                r.iterationsPerWallSecond(),
                r.requestTokensPerWallSecond(),
                r.outputTokensPerWallSecond(),
                r.speedup(),
                r.cpuSeconds() / r.wallSeconds());
    }

    private static void field(StringBuilder json, String name, double value) {
        json.append('"').append(name).append("\":");
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            json.append((long) value);
        } else {
            json.append(String.format(Locale.ROOT, "%.3f", value));
        }
        json.append(',');
    }
}
