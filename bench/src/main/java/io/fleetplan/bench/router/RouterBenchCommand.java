package io.fleetplan.bench.router;

import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.proto.net.LeakDetection;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongToDoubleFunction;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplan bench router}: router decision time and end-to-end added latency. */
@Command(
        name = "router",
        mixinStandardHelpOptions = true,
        description = "Router decision time (pure KV selection, p50/p99 us) with a realistic prefix index, and the "
                + "latency Frontend -> LocalRouter -> worker adds at N concurrent streams. Ends with one JSON line.")
public final class RouterBenchCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(
            names = "--workers",
            defaultValue = "64",
            description = "Workers for the decision bench. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(
            names = "--blocks-per-worker",
            defaultValue = "16384",
            description =
                    "Blocks each worker caches (Dynamo mocker default 16384); beyond it the oldest unique tails are evicted. Default: ${DEFAULT-VALUE}.")
    int blocksPerWorker;

    @Option(
            names = "--families",
            defaultValue = "2000",
            description = "Shared-prefix families (system prompts / conversations). Default: ${DEFAULT-VALUE}.")
    int families;

    @Option(names = "--decisions", defaultValue = "50000", description = "Timed decisions. Default: ${DEFAULT-VALUE}.")
    int decisions;

    @Option(
            names = "--warmup-decisions",
            defaultValue = "60000",
            description = "Untimed decisions that fill the index first. Default: ${DEFAULT-VALUE}.")
    int warmupDecisions;

    @Option(
            names = "--streams",
            defaultValue = "500",
            description = "Concurrent SSE streams (0 = skip). Default: ${DEFAULT-VALUE}.")
    int streams;

    @Option(
            names = "--stream-workers",
            defaultValue = "4",
            description = "Zero-work workers behind the router. Default: ${DEFAULT-VALUE}.")
    int streamWorkers;

    @Option(
            names = "--itl-ms",
            defaultValue = "50",
            description = "Token interval of the bench workers. Default: ${DEFAULT-VALUE}.")
    long itlMs;

    @Option(names = "--max-tokens", defaultValue = "40", description = "Tokens per stream. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(
            names = "--prompt-tokens",
            defaultValue = "512",
            description = "Prompt length (token ids). Default: ${DEFAULT-VALUE}.")
    int promptTokens;

    @Option(
            names = "--duration-s",
            defaultValue = "15",
            description = "Measured seconds of the stream load. Default: ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(
            names = "--warmup-s",
            defaultValue = "60",
            description =
                    "Unmeasured seconds of the stream load first (on 2 cores the JIT still compiles 30 s in). Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(
            names = "--hop-warmup-s",
            defaultValue = "30",
            description =
                    "Unmeasured seconds before each router-hop phase (they run after the stream load). Default: ${DEFAULT-VALUE}.")
    int hopWarmupSeconds;

    @Option(
            names = "--hop-streams",
            defaultValue = "500",
            description =
                    "Concurrent gRPC streams for the router-hop comparison (0 = skip). Default: ${DEFAULT-VALUE}.")
    int hopStreams;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    /** Runs without the launcher: {@code java -cp <module classpath> io.fleetplan.bench.router.RouterBenchCommand}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new RouterBenchCommand()).execute(args));
    }

    private static double perToken(long nanos, long tokens) {
        return tokens == 0 ? 0 : nanos / 1e3 / tokens;
    }

    private static double bytesPerToken(long bytes, long tokens) {
        return tokens == 0 ? 0 : (double) bytes / tokens;
    }

    @Override
    public String parent() {
        return "bench";
    }

    @Override
    public Integer call() throws Exception {
        String bad = firstBelowMinimum(new Object[][] {
            {"--workers", workers, 1},
            {"--decisions", decisions, 1},
            {"--warmup-decisions", warmupDecisions, 0},
            {"--families", families, 1},
            {"--blocks-per-worker", blocksPerWorker, 1},
            {"--streams", streams, 0},
            {"--hop-streams", hopStreams, 0},
            {"--stream-workers", streamWorkers, 1},
            {"--max-tokens", maxTokens, 1},
            {"--itl-ms", itlMs, 1},
            {"--prompt-tokens", promptTokens, 1},
            {"--duration-s", durationSeconds, 1},
            {"--warmup-s", warmupSeconds, 0},
            {"--hop-warmup-s", hopWarmupSeconds, 0}
        });
        if (bad != null) {
            System.err.println(bad);
            return 2;
        }
        // the serving processes run without it (FrontendCommand, RouterCommand): measure what they run
        LeakDetection.offUnlessAsked();
        DecisionBench.Result d =
                DecisionBench.run(workers, blocksPerWorker, families, warmupDecisions, decisions, seed);
        System.out.println("Router decision time (pure PoolRouter.route, KV mode)");
        System.out.printf(Locale.ROOT, "  %-28s %d%n", "workers", d.workers());
        System.out.printf(
                Locale.ROOT, "  %-28s %d (tree nodes %d)%n", "indexed blocks", d.indexedBlocks(), d.indexNodes());
        System.out.printf(Locale.ROOT, "  %-28s %d%n", "timed decisions", d.decisions());
        System.out.printf(Locale.ROOT, "  %-28s %.1f blocks%n", "mean overlap of chosen", d.meanOverlapBlocks());
        System.out.printf(
                Locale.ROOT,
                "  %-28s p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f us%n",
                "decision",
                d.p50Us(),
                d.p99Us(),
                d.p999Us(),
                d.maxUs());
        System.out.printf(Locale.ROOT, "  %-28s p50 %.1f us%n", "hash 4096-token prompt", d.hashP50Us());
        StreamLoadBench.Result s = null;
        if (streams > 0) {
            s = StreamLoadBench.run(
                    streams,
                    streamWorkers,
                    itlMs,
                    maxTokens,
                    promptTokens,
                    Duration.ofSeconds(warmupSeconds),
                    Duration.ofSeconds(durationSeconds));
            System.out.println("End-to-end added latency (client <-SSE- Frontend <-gRPC- LocalRouter <-gRPC- worker, "
                    + "one JVM, loopback)");
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s %d streams, %d workers, ITL %d ms, %d tokens each%n",
                    "load",
                    s.streams(),
                    s.workers(),
                    itlMs,
                    maxTokens);
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s %d requests, %d tokens in %.1f s (%.0f tokens/s), %d errors%n",
                    "measured",
                    s.requests(),
                    s.tokens(),
                    s.seconds(),
                    s.tokens() / s.seconds(),
                    s.errors());
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms%n",
                    "per token (worker->client)",
                    s.tokenP50Ms(),
                    s.tokenP90Ms(),
                    s.tokenP99Ms(),
                    s.tokenP999Ms(),
                    s.tokenMaxMs());
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s p50 %.3f  p99 %.3f ms%n",
                    "request path (client->worker)",
                    s.requestPathP50Ms(),
                    s.requestPathP99Ms());
            System.out.printf(Locale.ROOT, "  %-28s p99 %.3f ms%n", "TTFT added (both paths)", s.ttftAddedP99Ms());
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s %.2f cores (client + Frontend + router + workers), %.1f us per token%n",
                    "process CPU",
                    s.cpuCores(),
                    s.cpuUsPerToken());
            for (Map.Entry<String, Long> e : s.cpuNanosByThread().entrySet()) {
                System.out.printf(
                        Locale.ROOT, "  %-28s %-28s %.1f us%n", "", e.getKey(), perToken(e.getValue(), s.tokens()));
            }
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s %.0f bytes per token (%.1f MB/s)%n",
                    "heap allocated",
                    s.allocBytesPerToken(),
                    s.allocMbPerSecond());
            for (Map.Entry<String, Long> e : s.allocatedBytesByThread().entrySet()) {
                System.out.printf(
                        Locale.ROOT,
                        "  %-28s %-28s %.0f bytes%n",
                        "",
                        e.getKey(),
                        bytesPerToken(e.getValue(), s.tokens()));
            }
            if (s.runQueueMsPerSecond() >= 0) {
                System.out.printf(
                        Locale.ROOT,
                        "  %-28s %.1f ms per s, summed over threads (runnable, not running)%n",
                        "waiting for a CPU",
                        s.runQueueMsPerSecond());
                for (Map.Entry<String, Long> e : s.runQueueNanosByThread().entrySet()) {
                    System.out.printf(
                            Locale.ROOT,
                            "  %-28s %-28s %.1f ms per s%n",
                            "",
                            e.getKey(),
                            e.getValue() / 1e6 / s.seconds());
                }
            }
            System.out.printf(
                    Locale.ROOT, "  %-28s %s%n", "tokens over 2 ms, by second", join(s.lateTokensBySecond(), " "));
            if (s.machineCpuCores() >= 0) {
                System.out.printf(Locale.ROOT, "  %-28s %s%n", "stolen ms, by second", join(s.stealMsBySecond(), " "));
                System.out.printf(
                        Locale.ROOT,
                        "  %-28s %.2f cores busy (this process included), %.1f ms per s stolen"
                                + " by the hypervisor%n",
                        "whole machine",
                        s.machineCpuCores(),
                        s.stealMsPerSecond());
            }
            GcPauses.Collector gc = s.gc();
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s %d in %.1f s (%.2f/s), %d ms in all, longest %d ms%n",
                    "GC pauses",
                    gc.count(),
                    s.seconds(),
                    gc.count() / s.seconds(),
                    gc.totalMs(),
                    gc.maxMs());
            for (Map.Entry<String, GcPauses.Collector> e : s.gcByCollector().entrySet()) {
                System.out.printf(
                        Locale.ROOT,
                        "  %-28s %-28s %d, %d ms, longest %d ms%n",
                        "",
                        e.getKey(),
                        e.getValue().count(),
                        e.getValue().totalMs(),
                        e.getValue().maxMs());
            }
        }
        RouterHopBench.Result hop = null;
        if (hopStreams > 0) {
            hop = RouterHopBench.run(
                    hopStreams,
                    streamWorkers,
                    itlMs,
                    maxTokens,
                    Duration.ofSeconds(hopWarmupSeconds),
                    Duration.ofSeconds(durationSeconds));
            System.out.println("Router hop alone (gRPC client -> [LocalRouter ->] worker, same load both ways)");
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s %d streams, ITL %d ms, %d tokens each%n",
                    "load",
                    hopStreams,
                    itlMs,
                    maxTokens);
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s direct p50 %.3f p99 %.3f | via router p50 %.3f p99 %.3f ms%n",
                    "per token",
                    hop.direct().tokenP50Ms(),
                    hop.direct().tokenP99Ms(),
                    hop.viaRouter().tokenP50Ms(),
                    hop.viaRouter().tokenP99Ms());
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s direct p50 %.3f p99 %.3f | via router p50 %.3f p99 %.3f ms%n",
                    "request path",
                    hop.direct().pathP50Ms(),
                    hop.direct().pathP99Ms(),
                    hop.viaRouter().pathP50Ms(),
                    hop.viaRouter().pathP99Ms());
        }
        StringBuilder json = new StringBuilder(String.format(
                Locale.ROOT,
                "{\"bench\":\"router\",\"workers\":%d,\"indexed_blocks\":%d,\"index_nodes\":%d,\"decisions\":%d,"
                        + "\"decision_p50_us\":%.2f,\"decision_p99_us\":%.2f,\"decision_p999_us\":%.2f,"
                        + "\"decision_max_us\":%.2f,\"mean_overlap_blocks\":%.2f,\"hash_4096_tokens_p50_us\":%.2f",
                d.workers(),
                d.indexedBlocks(),
                d.indexNodes(),
                d.decisions(),
                d.p50Us(),
                d.p99Us(),
                d.p999Us(),
                d.maxUs(),
                d.meanOverlapBlocks(),
                d.hashP50Us()));
        if (s != null) {
            json.append(String.format(
                    Locale.ROOT,
                    ",\"streams\":%d,\"stream_requests\":%d,\"stream_tokens\":%d,"
                            + "\"tokens_per_s\":%.1f,\"added_token_p50_ms\":%.3f,\"added_token_p90_ms\":%.3f,"
                            + "\"added_token_p99_ms\":%.3f,\"added_token_p999_ms\":%.3f,\"added_token_max_ms\":%.3f,"
                            + "\"request_path_p50_ms\":%.3f,\"request_path_p99_ms\":%.3f,"
                            + "\"ttft_added_p99_ms\":%.3f,\"stream_errors\":%d,\"process_cpu_cores\":%.2f,"
                            + "\"cpu_us_per_token\":%.2f",
                    s.streams(),
                    s.requests(),
                    s.tokens(),
                    s.tokens() / s.seconds(),
                    s.tokenP50Ms(),
                    s.tokenP90Ms(),
                    s.tokenP99Ms(),
                    s.tokenP999Ms(),
                    s.tokenMaxMs(),
                    s.requestPathP50Ms(),
                    s.requestPathP99Ms(),
                    s.ttftAddedP99Ms(),
                    s.errors(),
                    s.cpuCores(),
                    s.cpuUsPerToken()));
            long tokens = s.tokens();
            double seconds = s.seconds();
            appendObject(
                    json, "cpu_us_per_token_by_thread", s.cpuNanosByThread(), "%.2f", nanos -> perToken(nanos, tokens));
            GcPauses.Collector gc = s.gc();
            json.append(String.format(
                    Locale.ROOT,
                    ",\"alloc_bytes_per_token\":%.0f,\"alloc_mb_per_s\":%.1f",
                    s.allocBytesPerToken(),
                    s.allocMbPerSecond()));
            appendObject(
                    json,
                    "alloc_bytes_per_token_by_thread",
                    s.allocatedBytesByThread(),
                    "%.0f",
                    bytes -> bytesPerToken(bytes, tokens));
            json.append(String.format(
                    Locale.ROOT,
                    ",\"machine_cpu_cores\":%.2f,\"steal_ms_per_s\":%.1f",
                    s.machineCpuCores(),
                    s.stealMsPerSecond()));
            json.append(",\"late_tokens_by_second\":[")
                    .append(join(s.lateTokensBySecond(), ","))
                    .append("],\"steal_ms_by_second\":[")
                    .append(join(s.stealMsBySecond(), ","))
                    .append(']');
            json.append(String.format(Locale.ROOT, ",\"runqueue_ms_per_s\":%.1f", s.runQueueMsPerSecond()));
            appendObject(
                    json,
                    "runqueue_ms_per_s_by_thread",
                    s.runQueueNanosByThread(),
                    "%.1f",
                    nanos -> nanos / 1e6 / seconds);
            json.append(String.format(
                    Locale.ROOT,
                    ",\"gc_pauses\":%d,\"gc_pauses_per_s\":%.2f," + "\"gc_pause_total_ms\":%d,\"gc_pause_max_ms\":%d",
                    gc.count(),
                    gc.count() / s.seconds(),
                    gc.totalMs(),
                    gc.maxMs()));
        }
        if (hop != null) {
            json.append(String.format(
                    Locale.ROOT,
                    ",\"hop_streams\":%d,\"hop_direct_token_p50_ms\":%.3f,"
                            + "\"hop_direct_token_p99_ms\":%.3f,\"hop_router_token_p50_ms\":%.3f,"
                            + "\"hop_router_token_p99_ms\":%.3f,\"hop_direct_path_p99_ms\":%.3f,"
                            + "\"hop_router_path_p99_ms\":%.3f,\"hop_router_added_token_p99_ms\":%.3f",
                    hopStreams,
                    hop.direct().tokenP50Ms(),
                    hop.direct().tokenP99Ms(),
                    hop.viaRouter().tokenP50Ms(),
                    hop.viaRouter().tokenP99Ms(),
                    hop.direct().pathP99Ms(),
                    hop.viaRouter().pathP99Ms(),
                    hop.viaRouter().tokenP99Ms() - hop.direct().tokenP99Ms()));
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf(
                Locale.ROOT,
                "  %-28s %.2f on %d cores (other processes compete for the same CPUs)%n",
                "load average (1 min)",
                load,
                Runtime.getRuntime().availableProcessors());
        json.append(String.format(Locale.ROOT, ",\"load_avg_1m\":%.2f", load));
        System.out.println(json.append('}'));
        return 0;
    }

    /** {@code ,"field":{"group":value,...}} with each counter turned into the reported unit. */
    private static void appendObject(
            StringBuilder json, String field, Map<String, Long> byGroup, String format, LongToDoubleFunction unit) {
        json.append(",\"").append(field).append("\":{");
        String sep = "";
        for (Map.Entry<String, Long> e : byGroup.entrySet()) {
            json.append(sep)
                    .append('"')
                    .append(e.getKey())
                    .append("\":")
                    .append(String.format(Locale.ROOT, format, unit.applyAsDouble(e.getValue())));
            sep = ",";
        }
        json.append('}');
    }

    private static String join(long[] values, String separator) {
        return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(separator));
    }

    private static String join(double[] values, String separator) {
        return Arrays.stream(values)
                .mapToObj(v -> String.format(Locale.ROOT, "%.0f", v))
                .collect(Collectors.joining(separator));
    }

    /** "{@code --option} must be >= min (got value)" for the first {option, value, min} row that is below, else null. */
    static String firstBelowMinimum(Object[][] rows) {
        for (Object[] row : rows) {
            long value = ((Number) row[1]).longValue();
            long min = ((Number) row[2]).longValue();
            if (value < min) {
                return row[0] + " must be >= " + min + " (got " + value + ")";
            }
        }
        return null;
    }
}
