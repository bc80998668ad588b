package io.fleetplan.mocker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.profile.TimingModels;
import io.fleetplan.mocker.worker.MockerWorker;
import io.fleetplan.mocker.worker.WorkerSettings;
import io.fleetplan.proto.net.SharedToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetplan mocker}: runs one simulated engine as a worker process. Flags follow Dynamo's
 * {@code python -m dynamo.mocker}; {@code --extra-engine-args} (JSON or YAML, snake_case fields of
 * {@link EngineConfig}) overrides them, as in Dynamo.
 */
@Command(
        name = "mocker",
        mixinStandardHelpOptions = true,
        description = "Run a mocker worker: a simulated GPU engine serving the fleetplan Worker gRPC service.")
public final class MockerCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(
            names = "--model-name",
            defaultValue = "mock-model",
            description = "Served model name (default: ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--model-path", description = "Accepted for Dynamo compatibility; the mocker needs no tokenizer.")
    String modelPath;

    @Option(
            names = "--num-gpu-blocks-override",
            defaultValue = "16384",
            description = "KV blocks (default: ${DEFAULT-VALUE}).")
    int numGpuBlocks;

    @Option(
            names = "--block-size",
            defaultValue = "64",
            description = "Tokens per KV block (default: ${DEFAULT-VALUE}).")
    int blockSize;

    @Option(
            names = "--max-num-seqs",
            defaultValue = "256",
            description = "Max running sequences (default: ${DEFAULT-VALUE}).")
    int maxNumSeqs;

    @Option(
            names = "--max-num-batched-tokens",
            defaultValue = "8192",
            description = "Token budget per iteration (default: ${DEFAULT-VALUE}).")
    int maxNumBatchedTokens;

    @Option(
            names = "--enable-prefix-caching",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Prefix caching (default: on; --no-enable-prefix-caching turns it off).")
    boolean prefixCaching;

    @Option(
            names = "--enable-chunked-prefill",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Chunked prefill (default: on; --no-enable-chunked-prefill turns it off).")
    boolean chunkedPrefill;

    @Option(
            names = "--watermark",
            defaultValue = "0.01",
            description = "Fraction of KV blocks kept free at admission (default: ${DEFAULT-VALUE}).")
    double watermark;

    @Option(
            names = "--preemption-mode",
            defaultValue = "lifo",
            description = "lifo or fifo (default: ${DEFAULT-VALUE}).")
    String preemptionMode;

    @Option(
            names = "--speedup-ratio",
            defaultValue = "1.0",
            description = "Divides simulated time; 'inf' = no waiting (default: ${DEFAULT-VALUE}).")
    String speedupRatio;

    @Option(
            names = "--decode-speedup-ratio",
            defaultValue = "1.0",
            description = "Extra divisor for decode time (default: ${DEFAULT-VALUE}).")
    double decodeSpeedupRatio;

    @Option(
            names = "--disaggregation-mode",
            defaultValue = "agg",
            description = "agg, prefill or decode (default: ${DEFAULT-VALUE}).")
    String disaggregationMode;

    @Option(
            names = "--kv-transfer-bandwidth",
            defaultValue = "64.0",
            description = "Prefill-to-decode KV bandwidth, GB/s; 0 disables (default: ${DEFAULT-VALUE}).")
    double kvTransferBandwidth;

    @Option(
            names = "--kv-bytes-per-token",
            description =
                    "KV bytes per token (default: from the model: layers x 2 x kv_heads x head_dim x dtype bytes).")
    Long kvBytesPerToken;

    @Option(
            names = "--data-parallel-size",
            defaultValue = "1",
            description = "DP ranks; only 1 is supported (run one worker per rank).")
    int dataParallelSize;

    @Option(
            names = "--dp-rank",
            defaultValue = "0",
            description = "DP rank reported in events (default: ${DEFAULT-VALUE}).")
    int dpRank;

    @Option(
            names = "--heartbeat-interval-ms",
            defaultValue = "1000",
            description = "Idle heartbeat period, ms; 0 disables (default: ${DEFAULT-VALUE}).")
    int heartbeatIntervalMs;

    @Option(
            names = "--planner-profile-data",
            paramLabel = "PATH",
            description =
                    "Profile (.npz, JSON, or a profiler results directory) whose measured times replace the polynomial timing model.")
    private Path plannerProfileData;

    @Option(
            names = "--extra-engine-args",
            paramLabel = "FILE",
            description = "JSON/YAML file of engine settings (snake_case); overrides the flags.")
    Path extraEngineArgs;

    @Option(
            names = "--host",
            defaultValue = "0.0.0.0",
            description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--advertise-host",
            description = "Host name given to the router (default: 127.0.0.1 when --host is 0.0.0.0, else --host).")
    String advertiseHost;

    @Option(
            names = "--grpc-port",
            defaultValue = "0",
            description = "Worker gRPC port; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(
            names = "--metrics-port",
            defaultValue = "0",
            description = "HTTP /metrics and /health port; 0 = any free port, -1 = off (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--router", paramLabel = "ADDRESS", description = "LocalRouter host:port to register with.")
    String router;

    @Option(
            names = "--pool",
            defaultValue = "default",
            description = "Pool (LocalRouter namespace) name (default: ${DEFAULT-VALUE}).")
    String pool;

    @Option(
            names = "--gpus",
            defaultValue = "1",
            description = "GPUs this worker stands for (default: ${DEFAULT-VALUE}).")
    int gpus;

    @Option(names = "--worker-id", description = "Worker id (default: generated).")
    String workerId;

    @Option(
            names = "--cuda-probe",
            description = "Probe CUDA devices at start and report them on /health and in metrics.")
    boolean cudaProbe;

    @Option(
            names = "--router-token-file",
            paramLabel = "FILE",
            description =
                    "File holding the pool's shared worker token, sent to the router as 'authorization: Bearer TOKEN'.")
    Path routerTokenFile;

    @Option(
            names = "--drain-grace-ms",
            defaultValue = "30000",
            description = "Default drain grace period, ms (default: ${DEFAULT-VALUE}).")
    long drainGraceMs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WorkerSettings settings = settings();
        PrintWriter out = spec.commandLine().getOut();
        try (MockerWorker worker = MockerWorker.start(settings)) {
            SignalDrain.install(() -> worker.drain(null, true));
            // one parseable line for launchers and tests that start the worker as a subprocess
            out.printf(
                    "mocker ready worker_id=%s grpc=%s:%d metrics_port=%d%n",
                    worker.workerId(), settings.advertiseHost(), worker.grpcPort(), worker.metricsPort());
            if (worker.cuda() != null) {
                out.println("cuda: " + worker.cuda().message());
            }
            out.flush();
            worker.awaitExit();
        }
        out.println("mocker exited after drain");
        out.flush();
        return 0;
    }

    /** The settings these flags describe (validated; errors name the flag or field). */
    public WorkerSettings settings() {
        if (dataParallelSize != 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--data-parallel-size " + dataParallelSize
                            + " is not supported: run one worker per DP rank (use --dp-rank)");
        }
        EngineConfig engine = engineConfig();
        String advertise = advertiseHost != null ? advertiseHost : "0.0.0.0".equals(host) ? "127.0.0.1" : host;
        String token;
        try {
            token = routerTokenFile == null ? null : SharedToken.read(routerTokenFile, "--router-token-file");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return new WorkerSettings(
                engine,
                workerId,
                host,
                advertise,
                grpcPort,
                metricsPort,
                router,
                pool,
                gpus,
                cudaProbe,
                Duration.ofMillis(drainGraceMs),
                token);
    }

    EngineConfig engineConfig() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("model_name", modelName);
        node.put("num_gpu_blocks", numGpuBlocks);
        node.put("block_size", blockSize);
        node.put("max_num_seqs", maxNumSeqs);
        node.put("max_num_batched_tokens", maxNumBatchedTokens);
        node.put("enable_prefix_caching", prefixCaching);
        node.put("enable_chunked_prefill", chunkedPrefill);
        node.put("watermark", watermark);
        node.put("speedup_ratio", parseSpeedup(speedupRatio));
        node.put("decode_speedup_ratio", decodeSpeedupRatio);
        node.put("preemption_mode", preemptionMode);
        node.put("disaggregation_mode", disaggregationMode);
        node.put("kv_transfer_bandwidth", kvTransferBandwidth);
        if (kvBytesPerToken != null) {
            node.put("kv_bytes_per_token", kvBytesPerToken);
        }
        node.put("dp_rank", dpRank);
        node.put("heartbeat_interval_ms", heartbeatIntervalMs);
        if (plannerProfileData != null) {
            node.put("planner_profile_data", plannerProfileData.toString());
        }
        String source = "command line";
        if (extraEngineArgs != null) {
            source = extraEngineArgs.toString();
            JsonNode file;
            try {
                file = ConfigLoader.yamlMapper().readTree(Files.readString(extraEngineArgs));
            } catch (IOException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--extra-engine-args " + extraEngineArgs + ": " + e.getMessage());
            }
            if (file != null && !file.isObject()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--extra-engine-args " + extraEngineArgs + " must hold an object of engine settings");
            }
            if (file != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = file.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    node.set(e.getKey(), e.getValue());
                }
            }
        }
        EngineConfig config;
        try {
            config = ConfigLoader.convert(node, source, EngineConfig.class);
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            TimingModels.of(config); // a bad profile stops the worker before it serves anything
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return config;
    }

    private double parseSpeedup(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("inf") || v.equals("infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--speedup-ratio '" + value + "' must be a positive number or 'inf'");
        }
    }
}
