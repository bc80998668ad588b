package io.fleetplan.common.stack;

import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.common.config.ConfigDoc;
import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigProblem;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole hierarchical deployment on one page: the pools (prefill / decode / aggregated), the shared GPU budget
 * and the SLOs. The same file drives {@code fleetplan up} (live processes on one machine) and
 * {@code fleetplan replay} (virtual time), so a policy evaluated in replay is the one that runs.
 * An empty file is a working stack: one prefill and one decode pool sharing 8 GPUs.
 */
public record StackConfig(
        @ConfigDoc("Served model name (what /v1/models lists).")
        String model,

        @ConfigDoc("Dynamo namespace prefix; pool namespaces are {namespace}-{pool name}.")
        String namespace,

        @ConfigDoc("Shared GPU budget enforced by the GlobalPlanner.")
        Budget budget,

        @ConfigDoc("Latency targets every pool plans for (a pool's planner section may override them).")
        Slo slo,

        @ConfigDoc(
                "Seconds from a scale-up grant until a new worker serves (replay; live workers take what they take).")
        Double workerStartupSeconds,

        @ConfigDoc("Seconds a draining worker may take to finish in-flight requests.")
        Double drainGraceSeconds,

        @ConfigDoc("The worker pools, each its own DGD with a LocalRouter and a pool planner.")
        List<Pool> pools,

        @ConfigDoc("Ports for fleetplan up (0 = pick a free one).")
        Ports ports) {

    public StackConfig {
        model = model == null ? "fleetplan/mock-llm" : model;
        namespace = namespace == null ? "fleetplan" : namespace;
        budget = budget == null ? new Budget(null, null) : budget;
        slo = slo == null ? new Slo(null, null) : slo;
        workerStartupSeconds = workerStartupSeconds == null ? 60.0 : workerStartupSeconds;
        drainGraceSeconds = drainGraceSeconds == null ? 30.0 : drainGraceSeconds;
        pools = pools == null
                ? List.of(Pool.defaultPool("prefill", "prefill"), Pool.defaultPool("decode", "decode"))
                : List.copyOf(pools);
        ports = ports == null ? new Ports(null, null) : ports;

        ConfigChecks checks = new ConfigChecks()
                .notBlank("model", model)
                .atLeast("worker_startup_seconds", workerStartupSeconds, 0)
                .atLeast("drain_grace_seconds", drainGraceSeconds, 0)
                .check(!pools.isEmpty(), "pools", "[]", "must list at least one pool");
        Set<String> names = new HashSet<>();
        int minGpus = 0;
        for (int i = 0; i < pools.size(); i++) {
            Pool p = pools.get(i);
            checks.check(names.add(p.name()), "pools[" + i + "].name", p.name(), "must be unique among pools");
            minGpus += p.minReplicas() * p.gpusPerReplica();
        }
        boolean hasPrefill = pools.stream().anyMatch(p -> p.mode().equals("prefill"));
        boolean hasDecode = pools.stream().anyMatch(p -> p.mode().equals("decode"));
        checks.check(
                hasPrefill == hasDecode,
                "pools",
                hasPrefill ? "prefill only" : "decode only",
                "a disaggregated stack needs at least one prefill and one decode pool (or use mode agg)");
        checks.check(
                budget.maxTotalGpus() < 0 || minGpus <= budget.maxTotalGpus(),
                "budget.max_total_gpus",
                budget.maxTotalGpus(),
                "must cover the pools' minimum footprint (" + minGpus
                        + " GPUs = sum of min_replicas x gpus_per_replica)");
        checks.throwIfAny();
    }

    /** The shared budget. */
    public record Budget(
            @ConfigDoc("Ceiling on GPUs across all pools; -1 = none.")
            Integer maxTotalGpus,

            @ConfigDoc("Floor on GPUs across all pools (enforced on scale-down); -1 = none.")
            Integer minTotalGpus) {
        public Budget {
            maxTotalGpus = maxTotalGpus == null ? 8 : maxTotalGpus;
            minTotalGpus = minTotalGpus == null ? -1 : minTotalGpus;
            new ConfigChecks()
                    .atLeast("max_total_gpus", maxTotalGpus, -1)
                    .atLeast("min_total_gpus", minTotalGpus, -1)
                    .check(
                            maxTotalGpus < 0 || minTotalGpus <= maxTotalGpus,
                            "min_total_gpus",
                            minTotalGpus,
                            "must be <= max_total_gpus (" + maxTotalGpus + ")")
                    .throwIfAny();
        }
    }

    /** Latency targets (Dynamo's defaults). */
    public record Slo(
            @ConfigDoc("Time-to-first-token target, ms.") Double ttftMs,
            @ConfigDoc("Inter-token latency target, ms.") Double itlMs) {
        public Slo {
            ttftMs = ttftMs == null ? 500.0 : ttftMs;
            itlMs = itlMs == null ? 50.0 : itlMs;
            new ConfigChecks()
                    .greaterThan("ttft_ms", ttftMs, 0)
                    .greaterThan("itl_ms", itlMs, 0)
                    .throwIfAny();
        }
    }

    /** One worker pool (one DGD). */
    public record Pool(
            @ConfigDoc("Pool name, unique; also its DGD name.")
            String name,

            @ConfigDoc("prefill, decode or agg.") String mode,
            @ConfigDoc("GPUs one worker replica costs.") Integer gpusPerReplica,

            @ConfigDoc("Fewest replicas (never scaled or preempted below).")
            Integer minReplicas,

            @ConfigDoc("Most replicas the pool may ask for.")
            Integer maxReplicas,

            @ConfigDoc("Replicas at start.") Integer initialReplicas,

            @ConfigDoc("Arbitration priority; higher wins under contention (Kubernetes PriorityClass order).")
            Integer priority,

            @ConfigDoc("GlobalRouter grid: requests with ISL up to this go here first (prefill pools); 0 = any.")
            Integer maxIsl,

            @ConfigDoc("Mocker engine settings for this pool's workers.")
            Engine engine,

            @ConfigDoc(
                    "PlannerConfig fields for this pool's planner (Dynamo names); mode and SLOs are filled in from the pool and stack.")
            Map<String, Object> planner) {

        public static final List<String> MODES = List.of("prefill", "decode", "agg");

        public Pool {
            mode = mode == null ? "agg" : mode;
            gpusPerReplica = gpusPerReplica == null ? 1 : gpusPerReplica;
            minReplicas = minReplicas == null ? 1 : minReplicas;
            maxReplicas = maxReplicas == null ? 8 : maxReplicas;
            initialReplicas = initialReplicas == null ? minReplicas : initialReplicas;
            priority = priority == null ? 100 : priority;
            maxIsl = maxIsl == null ? 0 : maxIsl;
            engine = engine == null ? new Engine(null, null, null, null, null, null) : engine;
            planner = planner == null ? Map.of() : Map.copyOf(planner);
            ConfigChecks checks = new ConfigChecks()
                    .notBlank("name", name)
                    .oneOf("mode", mode, MODES)
                    .atLeast("gpus_per_replica", gpusPerReplica, 0)
                    .atLeast("min_replicas", minReplicas, 0)
                    .atLeast("max_replicas", maxReplicas, 1)
                    .atLeast("priority", priority, 0)
                    .atLeast("max_isl", maxIsl, 0);
            checks.check(
                    minReplicas <= maxReplicas,
                    "min_replicas",
                    minReplicas,
                    "must be <= max_replicas (" + maxReplicas + ")");
            checks.check(
                    initialReplicas >= minReplicas && initialReplicas <= maxReplicas,
                    "initial_replicas",
                    initialReplicas,
                    "must be between min_replicas (" + minReplicas + ") and max_replicas (" + maxReplicas + ")");
            if (name != null && !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                checks.problem(
                        "name", name, "must be a DNS-1123 label (lower-case letters, digits, '-'), as a DGD name is");
            }
            checks.throwIfAny();
        }

        static Pool defaultPool(String name, String mode) {
            return new Pool(name, mode, 1, 1, 6, 1, 100, 0, null, null);
        }
    }

    /** Mocker engine knobs (Dynamo mocker names and defaults). */
    public record Engine(
            @ConfigDoc("KV blocks per worker (--num-gpu-blocks-override).")
            Integer numGpuBlocks,

            @ConfigDoc("Tokens per KV block.") Integer blockSize,
            @ConfigDoc("Most running sequences.") Integer maxNumSeqs,
            @ConfigDoc("Per-iteration token budget.") Integer maxNumBatchedTokens,

            @ConfigDoc("Divides all simulated time (live only).")
            Double speedupRatio,

            @ConfigDoc("Prefill to decode KV transfer bandwidth, GB/s (0 = instant).")
            Double kvTransferBandwidth) {
        public Engine {
            numGpuBlocks = numGpuBlocks == null ? 16384 : numGpuBlocks;
            blockSize = blockSize == null ? 64 : blockSize;
            maxNumSeqs = maxNumSeqs == null ? 256 : maxNumSeqs;
            maxNumBatchedTokens = maxNumBatchedTokens == null ? 8192 : maxNumBatchedTokens;
            speedupRatio = speedupRatio == null ? 1.0 : speedupRatio;
            kvTransferBandwidth = kvTransferBandwidth == null ? 64.0 : kvTransferBandwidth;
            new ConfigChecks()
                    .atLeast("num_gpu_blocks", numGpuBlocks, 1)
                    .atLeast("block_size", blockSize, 1)
                    .atLeast("max_num_seqs", maxNumSeqs, 1)
                    .atLeast("max_num_batched_tokens", maxNumBatchedTokens, 1)
                    .greaterThan("speedup_ratio", speedupRatio, 0)
                    .atLeast("kv_transfer_bandwidth", kvTransferBandwidth, 0)
                    .throwIfAny();
        }
    }

    /** Listening ports of {@code fleetplan up}. */
    public record Ports(
            @ConfigDoc("OpenAI-compatible HTTP endpoint.") Integer frontend,
            @ConfigDoc("GlobalPlanner gRPC.") Integer globalPlanner) {
        public Ports {
            frontend = frontend == null ? 8000 : frontend;
            globalPlanner = globalPlanner == null ? 0 : globalPlanner;
            new ConfigChecks()
                    .between("frontend", frontend, 0, 65535)
                    .between("global_planner", globalPlanner, 0, 65535)
                    .throwIfAny();
        }
    }

    /** The pool named {@code name}. */
    public Pool pool(String name) {
        return pools.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new ConfigException(ConfigProblem.of(
                        "pools",
                        name,
                        "no such pool; pools are "
                                + pools.stream().map(Pool::name).toList())));
    }
}
