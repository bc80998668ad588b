package io.fleetplan.global.config;

import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.common.config.ConfigDoc;
import io.fleetplan.common.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The GlobalPlanner's config file ({@code fleetplan global-planner --config FILE}). The first six fields are
 * Dynamo's GlobalPlanner config with its names and defaults; the rest are fleetplan's additions. An empty file
 * is a working config: no budget, every caller allowed, Kubernetes executor.
 */
public record GlobalPlannerConfig(
        @ConfigDoc("Dynamo namespaces (caller_namespace) allowed to send proposals; null = all.")
        List<String> managedNamespaces,

        @ConfigDoc(
                "Where scaling is executed: kubernetes (Dynamo's only value), local (processes) or virtual (in memory).")
        String environment,

        @ConfigDoc(
                "Log and answer proposals without committing or executing anything (Dynamo's dry run; fleetplan still arbitrates).")
        Boolean noOperation,

        @ConfigDoc("Ceiling on committed GPUs across all targets; -1 = none, 0 forbids any GPU growth.")
        Integer maxTotalGpus,

        @ConfigDoc("Floor on committed GPUs, enforced on scale-downs; -1 = none.")
        Integer minTotalGpus,

        @ConfigDoc("Seconds a pool's unmet demand stays eligible for later grants after its last proposal.")
        Integer intentCacheTtlSeconds,

        @ConfigDoc("Per Kubernetes namespace ceiling on committed GPUs (namespace -> GPUs).")
        Map<String, Integer> namespaceQuotas,

        @ConfigDoc(
                "Priority overrides by target selector k8s_namespace/dgd/component ('*' = one segment); the most specific wins over the proposal's own priority.")
        List<PriorityRule> priorities,

        @ConfigDoc("How a contended budget is shared.") Fairness fairness,
        @ConfigDoc("Executor settings.") Executor executor,
        @ConfigDoc("gRPC listener.") Grpc grpc,

        @ConfigDoc("TLS / mTLS on the gRPC listener; absent = plaintext.")
        Tls tls,

        @ConfigDoc(
                "Caller identities (bearer token hash or client certificate name) and the targets each may scale; empty = authorization by managed_namespaces only.")
        List<Caller> callers,

        @ConfigDoc("Kubernetes Lease leader election for several replicas.")
        LeaderElection leaderElection,

        @ConfigDoc("File that gets one JSON line per decision; '-' = stdout; null = no audit log.")
        String auditLogPath,

        @ConfigDoc(
                "fleetplan: size in MiB at which the audit log file is rotated (renamed to FILE.1, older ones shifted to FILE.2 ...); 0 = never.")
        Integer auditLogMaxMb,

        @ConfigDoc("fleetplan: rotated audit log files kept besides the current one (the oldest is deleted).")
        Integer auditLogKeep,

        @ConfigDoc("Prometheus /metrics port; 0 = any free port, -1 = off.")
        Integer metricsPort,

        @ConfigDoc("Largest desired_replicas accepted for one component (larger = INVALID_ARGUMENT).")
        Integer maxReplicasPerComponent,

        @ConfigDoc("Longest a blocking proposal waits for readiness before answering ERROR (Dynamo: 180 polls x 10 s).")
        Integer blockingTimeoutSeconds,

        @ConfigDoc(
                "fleetplan: seconds after its last proposal that a caller's pool sequence is forgotten (bounds the state kept per pool id).")
        Integer poolStateTtlSeconds) {

    public static final List<String> ENVIRONMENTS = List.of("kubernetes", "local", "virtual");

    public GlobalPlannerConfig {
        managedNamespaces = managedNamespaces == null ? null : List.copyOf(managedNamespaces);
        environment = environment == null ? "kubernetes" : environment;
        noOperation = noOperation != null && noOperation;
        maxTotalGpus = maxTotalGpus == null ? -1 : maxTotalGpus;
        minTotalGpus = minTotalGpus == null ? -1 : minTotalGpus;
        intentCacheTtlSeconds = intentCacheTtlSeconds == null ? 360 : intentCacheTtlSeconds;
        namespaceQuotas = namespaceQuotas == null ? Map.of() : Map.copyOf(namespaceQuotas);
        priorities = priorities == null ? List.of() : List.copyOf(priorities);
        fairness = fairness == null ? new Fairness(null, null, null) : fairness;
        executor = executor == null ? new Executor(null, null, null, null) : executor;
        grpc = grpc == null ? new Grpc(null, null) : grpc;
        callers = callers == null ? List.of() : List.copyOf(callers);
        leaderElection = leaderElection == null
                ? new LeaderElection(null, null, null, null, null, null, null, null)
                : leaderElection;
        auditLogMaxMb = auditLogMaxMb == null ? 100 : auditLogMaxMb;
        auditLogKeep = auditLogKeep == null ? 5 : auditLogKeep;
        metricsPort = metricsPort == null ? 9091 : metricsPort;
        maxReplicasPerComponent = maxReplicasPerComponent == null ? 10_000 : maxReplicasPerComponent;
        blockingTimeoutSeconds = blockingTimeoutSeconds == null ? 1800 : blockingTimeoutSeconds;
        poolStateTtlSeconds = poolStateTtlSeconds == null ? 3600 : poolStateTtlSeconds;

        ConfigChecks checks = new ConfigChecks()
                .oneOf("environment", environment, ENVIRONMENTS)
                .atLeast("max_total_gpus", maxTotalGpus, -1)
                .atLeast("min_total_gpus", minTotalGpus, -1)
                .atLeast("audit_log_max_mb", auditLogMaxMb, 0)
                .atLeast("audit_log_keep", auditLogKeep, 1)
                .greaterThan("intent_cache_ttl_seconds", intentCacheTtlSeconds, 0)
                .between("metrics_port", metricsPort, -1, 65535)
                .between("max_replicas_per_component", maxReplicasPerComponent, 1, 1_000_000)
                .greaterThan("blocking_timeout_seconds", blockingTimeoutSeconds, 0)
                .greaterThan("pool_state_ttl_seconds", poolStateTtlSeconds, 0);
        checks.check(
                !existsAndIsNotARegularFile(auditLogPath),
                "audit_log_path",
                auditLogPath,
                "must be a regular file (or '-' for stdout): rotation renames the file, which must never move a "
                        + "device or a directory");
        checks.check(
                maxTotalGpus < 0 || minTotalGpus < 0 || minTotalGpus <= maxTotalGpus,
                "min_total_gpus",
                minTotalGpus,
                "must be <= max_total_gpus (" + maxTotalGpus + ")");
        namespaceQuotas.forEach((ns, q) ->
                checks.check(q != null && q >= 0, "namespace_quotas." + ns, q, "must be an integer >= 0 (GPUs)"));
        Set<String> selectors = new HashSet<>();
        for (int i = 0; i < priorities.size(); i++) {
            checks.check(
                    selectors.add(priorities.get(i).selector()),
                    "priorities[" + i + "].selector",
                    priorities.get(i).selector(),
                    "must be unique among priorities");
        }
        Set<String> callerNames = new HashSet<>();
        for (int i = 0; i < callers.size(); i++) {
            checks.check(
                    callerNames.add(callers.get(i).name()),
                    "callers[" + i + "].name",
                    callers.get(i).name(),
                    "must be unique among callers");
        }
        checks.check(
                executor.kind() == null || executor.kind().equals(environment),
                "executor.kind",
                executor.kind(),
                "must match environment (" + environment + ") or be left out");
        checks.check(
                !leaderElection.enabled() || environment.equals("kubernetes"),
                "leader_election.enabled",
                true,
                "needs environment kubernetes (the lease lives in the cluster)");
        checks.throwIfAny();
    }

    private static boolean existsAndIsNotARegularFile(String path) {
        if (path == null || path.equals("-")) {
            return false;
        }
        try {
            Path p = Path.of(path);
            return Files.exists(p) && !Files.isRegularFile(p);
        } catch (InvalidPathException e) {
            return true;
        }
    }

    /** Reads and validates a YAML or JSON file. */
    public static GlobalPlannerConfig load(Path file) {
        return ConfigLoader.load(file, GlobalPlannerConfig.class);
    }

    public static GlobalPlannerConfig defaults() {
        return ConfigLoader.parse("{}", "(defaults)", GlobalPlannerConfig.class);
    }

    /** The executor in use: {@code executor.kind}, else {@code environment}. */
    public String executorKind() {
        return executor.kind() == null ? environment : executor.kind();
    }

    /** Whether the budget is enforced at all (Dynamo: either bound >= 0). */
    public boolean budgetEnabled() {
        return maxTotalGpus >= 0 || minTotalGpus >= 0;
    }

    /** One priority override. */
    public record PriorityRule(
            @ConfigDoc(
                    "k8s_namespace/dgd/component; '*' matches one segment, a shorter selector covers everything below it.")
            String selector,

            @ConfigDoc("Priority, higher = more important (Kubernetes PriorityClass order).")
            Integer priority) {
        public PriorityRule {
            new ConfigChecks()
                    .notBlank("selector", selector)
                    .atLeast("priority", priority, 0)
                    .check(priority != null, "priority", null, "is required")
                    .check(
                            selector == null || selector.split("/", -1).length <= 3 && !selector.contains("//"),
                            "selector",
                            selector,
                            "must be k8s_namespace[/dgd[/component]] with '*' wildcards")
                    .throwIfAny();
        }
    }

    /** Fair sharing of a contended budget. */
    public record Fairness(
            @ConfigDoc(
                    "weighted-max-min (priority-weighted, uses pressure hints) or first-come (grant in arrival order).")
            String policy,

            @ConfigDoc(
                    "Take replicas above their minimum from strictly lower-priority targets holding more than their fair share.")
            Boolean preemption,

            @ConfigDoc("Priority of a proposal that sets none (0) and matches no priorities rule.")
            Integer defaultPriority) {
        public static final List<String> POLICIES = List.of("weighted-max-min", "first-come");

        public Fairness {
            policy = policy == null ? "weighted-max-min" : policy;
            preemption = preemption != null && preemption;
            defaultPriority = defaultPriority == null ? 100 : defaultPriority;
            new ConfigChecks()
                    .oneOf("policy", policy, POLICIES)
                    .atLeast("default_priority", defaultPriority, 1)
                    .throwIfAny();
        }
    }

    /** Executor settings; only the section of the kind in use is read. */
    public record Executor(
            @ConfigDoc("kubernetes, local or virtual; default = environment.")
            String kind,

            @ConfigDoc("Kubernetes executor.") Kubernetes kubernetes,

            @ConfigDoc("Local-process executor (fleetplan up).")
            Local local,

            @ConfigDoc("Virtual executor (in memory; tests and replays).")
            Virtual virtual) {
        public Executor {
            kubernetes = kubernetes == null ? new Kubernetes(null, null, null, null, null) : kubernetes;
            local = local == null ? new Local(null, null, null, null, null) : local;
            virtual = virtual == null ? new Virtual(null, null, null) : virtual;
            new ConfigChecks().oneOf("kind", kind, ENVIRONMENTS).throwIfAny();
        }
    }

    /** Where the GlobalPlanner finds and scales its targets in a cluster. */
    public record Kubernetes(
            @ConfigDoc(
                    "Kubernetes namespaces watched for targets; empty = the pod's own (POD_NAMESPACE, else default).")
            List<String> namespaces,

            @ConfigDoc("API version of DynamoGraphDeployments.")
            String dgdApiVersion,

            @ConfigDoc("The resource whose /scale subresource is written.")
            ScaleTarget scaleTarget,

            @ConfigDoc(
                    "A scale-down is released from the budget when the DGD status shows the replicas gone; with no status for the component (no operator), at the write.")
            Boolean releaseOnStatus,

            @ConfigDoc("Seconds between re-lists that repair the informer cache.")
            Integer resyncSeconds) {
        public Kubernetes {
            namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
            dgdApiVersion = dgdApiVersion == null ? "nvidia.com/v1alpha1" : dgdApiVersion;
            scaleTarget = scaleTarget == null ? new ScaleTarget(null, null, null, null) : scaleTarget;
            releaseOnStatus = releaseOnStatus == null || releaseOnStatus;
            resyncSeconds = resyncSeconds == null ? 300 : resyncSeconds;
            new ConfigChecks()
                    .check(
                            dgdApiVersion.matches("[a-z0-9.-]+/v[0-9a-z]+"),
                            "dgd_api_version",
                            dgdApiVersion,
                            "must be group/version, e.g. nvidia.com/v1beta1")
                    .atLeast("resync_seconds", resyncSeconds, 0)
                    .throwIfAny();
        }
    }

    /** The scalable resource per target: Dynamo's DGDSA by default, or any kind with a /scale subresource. */
    public record ScaleTarget(
            @ConfigDoc("Kind, e.g. DynamoGraphDeploymentScalingAdapter or Deployment.")
            String kind,

            @ConfigDoc("Its apiVersion, e.g. nvidia.com/v1alpha1 or apps/v1.")
            String apiVersion,

            @ConfigDoc("Its plural resource name.") String plural,

            @ConfigDoc("Name template: {dgd} and {component} (lower-cased), as the Dynamo operator names DGDSAs.")
            String nameTemplate) {
        public static final String DGDSA = "DynamoGraphDeploymentScalingAdapter";

        public ScaleTarget {
            kind = kind == null ? DGDSA : kind;
            apiVersion = apiVersion == null ? (kind.equals(DGDSA) ? "nvidia.com/v1alpha1" : "apps/v1") : apiVersion;
            plural = plural == null ? kind.toLowerCase(Locale.ROOT) + "s" : plural;
            nameTemplate = nameTemplate == null ? "{dgd}-{component}" : nameTemplate;
            new ConfigChecks()
                    .check(
                            nameTemplate.contains("{component}") || nameTemplate.contains("{dgd}"),
                            "name_template",
                            nameTemplate,
                            "must use {dgd} and/or {component}")
                    .check(
                            apiVersion.contains("/") || apiVersion.equals("v1"),
                            "api_version",
                            apiVersion,
                            "must be group/version, e.g. apps/v1")
                    .throwIfAny();
        }

        public String nameFor(String dgd, String component) {
            return nameTemplate.replace("{dgd}", dgd).replace("{component}", component.toLowerCase(Locale.ROOT));
        }
    }

    /** Runs replicas as local {@code fleetplan mocker} processes. */
    public record Local(
            @ConfigDoc(
                    "Command line of one worker; {pool}, {dgd}, {component}, {sub_type}, {index}, {namespace} are filled in.")
            List<String> command,

            @ConfigDoc("Seconds a draining worker gets after SIGTERM before it is killed.")
            Integer drainTimeoutSeconds,

            @ConfigDoc("Targets this executor runs (there is no cluster to discover them from).")
            List<StaticTarget> targets,

            @ConfigDoc(
                    "Directory for each worker's output ({dgd}-{component}-{index}.log); null = inherit the planner's.")
            String logDir,

            @ConfigDoc(
                    "Directory for one pid file per worker: a GlobalPlanner started again over it adopts the workers still running and replaces the ones gone, instead of starting the initial replicas; null = no pid files.")
            String pidDir) {
        public Local {
            command = command == null
                    ? List.of("./fleetplan", "mocker", "--pool", "{namespace}", "--disaggregation-mode", "{sub_type}")
                    : List.copyOf(command);
            drainTimeoutSeconds = drainTimeoutSeconds == null ? 30 : drainTimeoutSeconds;
            targets = targets == null ? List.of() : List.copyOf(targets);
            new ConfigChecks()
                    .check(!command.isEmpty(), "command", "[]", "must name a program")
                    .atLeast("drain_timeout_seconds", drainTimeoutSeconds, 0)
                    .throwIfAny();
        }
    }

    /** In-memory targets that confirm each change after a delay. */
    public record Virtual(
            @ConfigDoc("Seconds from a scale-up until the new replicas are ready.")
            Double scaleUpDelaySeconds,

            @ConfigDoc("Seconds from a scale-down until the replicas are gone (GPUs released).")
            Double scaleDownDelaySeconds,

            @ConfigDoc("Targets at start.") List<StaticTarget> targets) {
        public Virtual {
            scaleUpDelaySeconds = scaleUpDelaySeconds == null ? 0.0 : scaleUpDelaySeconds;
            scaleDownDelaySeconds = scaleDownDelaySeconds == null ? 0.0 : scaleDownDelaySeconds;
            targets = targets == null ? List.of() : List.copyOf(targets);
            new ConfigChecks()
                    .atLeast("scale_up_delay_seconds", scaleUpDelaySeconds, 0)
                    .atLeast("scale_down_delay_seconds", scaleDownDelaySeconds, 0)
                    .throwIfAny();
        }
    }

    /** A target declared in the config (local and virtual executors). */
    public record StaticTarget(
            @ConfigDoc("Kubernetes-style namespace of the target.")
            String k8sNamespace,

            @ConfigDoc("DGD (pool) name.") String graphDeploymentName,
            @ConfigDoc("Component (service) name.") String componentName,
            @ConfigDoc("prefill, decode or agg.") String subComponentType,
            @ConfigDoc("GPUs one replica costs.") Integer gpusPerReplica,
            @ConfigDoc("Replicas at start.") Integer replicas) {
        public static final List<String> SUB_TYPES = List.of("prefill", "decode", "agg");

        public StaticTarget {
            k8sNamespace = k8sNamespace == null ? "default" : k8sNamespace;
            gpusPerReplica = gpusPerReplica == null ? 1 : gpusPerReplica;
            replicas = replicas == null ? 0 : replicas;
            componentName = componentName == null ? subComponentType : componentName;
            new ConfigChecks()
                    .notBlank("graph_deployment_name", graphDeploymentName)
                    .oneOf("sub_component_type", subComponentType, SUB_TYPES)
                    .check(subComponentType != null, "sub_component_type", null, "is required (prefill, decode or agg)")
                    .atLeast("gpus_per_replica", gpusPerReplica, 0)
                    .atLeast("replicas", replicas, 0)
                    .throwIfAny();
        }
    }

    /** gRPC listener. */
    public record Grpc(
            @ConfigDoc("Bind address.") String host,
            @ConfigDoc("Port; 0 = any free port.") Integer port) {
        public Grpc {
            host = host == null ? "0.0.0.0" : host;
            port = port == null ? 9090 : port;
            new ConfigChecks().between("port", port, 0, 65535).throwIfAny();
        }
    }

    /** TLS files (PEM). */
    public record Tls(
            @ConfigDoc("Server certificate chain, PEM.") String certChainFile,
            @ConfigDoc("Server private key, PEM (PKCS#8).") String privateKeyFile,

            @ConfigDoc("CA bundle that client certificates must chain to (mTLS), PEM.")
            String clientCaFile,

            @ConfigDoc("none, optional or require: whether clients present a certificate.")
            String clientAuth) {
        public static final List<String> CLIENT_AUTH = List.of("none", "optional", "require");

        public Tls {
            clientAuth = clientAuth == null ? (clientCaFile == null ? "none" : "require") : clientAuth;
            ConfigChecks checks = new ConfigChecks()
                    .notBlank("cert_chain_file", certChainFile)
                    .notBlank("private_key_file", privateKeyFile)
                    .oneOf("client_auth", clientAuth, CLIENT_AUTH)
                    .check(
                            clientAuth.equals("none") || clientCaFile != null,
                            "client_ca_file",
                            null,
                            "is required when client_auth is " + clientAuth);
            for (String[] f : new String[][] {
                {"cert_chain_file", certChainFile},
                {"private_key_file", privateKeyFile},
                {"client_ca_file", clientCaFile}
            }) {
                checks.check(f[1] == null || Files.isReadable(Path.of(f[1])), f[0], f[1], "must be a readable file");
            }
            checks.throwIfAny();
        }
    }

    /** One caller identity and what it may scale. */
    public record Caller(
            @ConfigDoc("Name used in the audit log.") String name,

            @ConfigDoc("SHA-256 (hex) of the bearer token this caller sends as 'authorization: Bearer TOKEN'.")
            String bearerTokenSha256,

            @ConfigDoc(
                    "Client certificate names (subject CN or a DNS/URI SAN, e.g. a SPIFFE id) that identify this caller.")
            List<String> certificateNames,

            @ConfigDoc(
                    "Targets k8s_namespace/dgd/component ('*' = one segment, a shorter pattern covers everything below) this caller may scale.")
            List<String> allowedTargets,

            @ConfigDoc(
                    "fleetplan: an operator identity: GetState shows it every tenant's targets and it may watch any pool (scaling is still limited to allowed_targets).")
            Boolean admin,

            @ConfigDoc(
                    "This caller's Dynamo namespace: managed_namespaces is checked on it, and a request claiming another caller_namespace is refused. Empty = the request's caller_namespace.")
            String callerNamespace) {

        public Caller(
                String name, String bearerTokenSha256, List<String> certificateNames, List<String> allowedTargets) {
            this(name, bearerTokenSha256, certificateNames, allowedTargets, false, null);
        }

        public Caller {
            admin = admin != null && admin;
            certificateNames = certificateNames == null ? List.of() : List.copyOf(certificateNames);
            allowedTargets = allowedTargets == null ? List.of() : List.copyOf(allowedTargets);
            bearerTokenSha256 = bearerTokenSha256 == null ? null : bearerTokenSha256.toLowerCase(Locale.ROOT);
            new ConfigChecks()
                    .notBlank("name", name)
                    .check(
                            bearerTokenSha256 == null || bearerTokenSha256.matches("[0-9a-f]{64}"),
                            "bearer_token_sha256",
                            bearerTokenSha256,
                            "must be 64 hex digits (sha256sum of the token)")
                    .check(
                            bearerTokenSha256 != null || !certificateNames.isEmpty(),
                            "certificate_names",
                            "[]",
                            "a caller needs a bearer_token_sha256 or at least one certificate name")
                    .check(
                            admin || !allowedTargets.isEmpty(),
                            "allowed_targets",
                            "[]",
                            "must list at least one target pattern (or set admin: true for a read-only operator)")
                    .throwIfAny();
        }
    }

    /** Kubernetes Lease leader election. */
    public record LeaderElection(
            @ConfigDoc("Elect a leader among replicas; followers answer UNAVAILABLE with the leader's address.")
            Boolean enabled,

            @ConfigDoc("Lease name.") String leaseName,

            @ConfigDoc("Lease namespace; default POD_NAMESPACE, else default.")
            String leaseNamespace,

            @ConfigDoc(
                    "This replica's address for callers (host:port); written into the Lease as holder identity. Default: hostname:grpc port.")
            String advertiseAddress,

            @ConfigDoc("Lease duration, seconds.") Integer leaseDurationSeconds,

            @ConfigDoc("The leader gives up if it cannot renew within this many seconds.")
            Integer renewDeadlineSeconds,

            @ConfigDoc("Seconds between acquire/renew attempts.")
            Double retryPeriodSeconds,

            @ConfigDoc("Also release the lease on shutdown so a follower takes over at once.")
            Boolean releaseOnCancel) {
        public LeaderElection {
            enabled = enabled != null && enabled;
            leaseName = leaseName == null ? "fleetplan-global-planner" : leaseName;
            leaseDurationSeconds = leaseDurationSeconds == null ? 15 : leaseDurationSeconds;
            renewDeadlineSeconds = renewDeadlineSeconds == null ? 10 : renewDeadlineSeconds;
            retryPeriodSeconds = retryPeriodSeconds == null ? 2.0 : retryPeriodSeconds;
            releaseOnCancel = releaseOnCancel == null || releaseOnCancel;
            new ConfigChecks()
                    .atLeast("lease_duration_seconds", leaseDurationSeconds, 1)
                    .atLeast("renew_deadline_seconds", renewDeadlineSeconds, 1)
                    .greaterThan("retry_period_seconds", retryPeriodSeconds, 0)
                    .check(
                            renewDeadlineSeconds < leaseDurationSeconds,
                            "renew_deadline_seconds",
                            renewDeadlineSeconds,
                            "must be < lease_duration_seconds (" + leaseDurationSeconds + ")")
                    .check(
                            retryPeriodSeconds < renewDeadlineSeconds,
                            "retry_period_seconds",
                            retryPeriodSeconds,
                            "must be < renew_deadline_seconds (" + renewDeadlineSeconds + ")")
                    .throwIfAny();
        }
    }
}
