package io.fleetplan.router.frontend;

import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.common.config.ConfigDoc;
import io.fleetplan.router.global.GlobalRouterConfig;
import io.fleetplan.router.global.PoolAttempts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Frontend + GlobalRouter config file.
 */
public record FrontendConfig(
        @ConfigDoc("Served model name (the OpenAI 'model'; label model).")
        String model,

        @ConfigDoc("Label dynamo_namespace on the dynamo_frontend_* metrics.")
        String dynamoNamespace,

        @ConfigDoc("HTTP bind address.") String host,
        @ConfigDoc("HTTP port; 0 = any free port.") Integer httpPort,

        @ConfigDoc("Pool namespace -> its LocalRouter's gRPC address (host:port); at least one.")
        Map<String, String> poolRouters,

        @ConfigDoc(
                value = "Pool choice (Dynamo's GlobalRouter config, the global-router kind); absent with one pool ="
                        + " that pool in agg mode; required with more than one.",
                shownDefault = "one agg pool")
        GlobalRouterConfig globalRouter,

        @ConfigDoc("Longer prompts are rejected with 400.") Integer maxPromptTokens,

        @ConfigDoc("Largest max_tokens accepted; larger is a 400.")
        Integer maxTokensLimit,

        @ConfigDoc("Retry-After (seconds) on a 503 when no pool can serve.")
        Integer retryAfterSeconds,

        @ConfigDoc("How often pool readiness is refreshed from the LocalRouters (ms).")
        Integer poolPollMs,

        @ConfigDoc("File with the pools' shared token, sent on ListWorkers (routers started with a worker token "
                + "refuse calls without it); null = none.")
        String routerTokenFile,

        @ConfigDoc("Body limit and connection timeouts.") HttpLimits http,

        @ConfigDoc("How long (ms) a request waits for a pool of its role to have a ready worker before its 503; 0 = "
                + "at once, as Dynamo's frontend does (fleetplan up and the Helm chart use 15000).")
        Integer unreadyWaitMs) {

    public FrontendConfig(
            String model,
            String dynamoNamespace,
            String host,
            Integer httpPort,
            Map<String, String> poolRouters,
            GlobalRouterConfig globalRouter,
            Integer maxPromptTokens,
            Integer maxTokensLimit,
            Integer retryAfterSeconds,
            Integer poolPollMs) {
        this(
                model,
                dynamoNamespace,
                host,
                httpPort,
                poolRouters,
                globalRouter,
                maxPromptTokens,
                maxTokensLimit,
                retryAfterSeconds,
                poolPollMs,
                null,
                null,
                null);
    }

    public FrontendConfig {
        ConfigChecks c = new ConfigChecks();
        c.check(
                poolRouters != null && !poolRouters.isEmpty(),
                "pool_routers",
                poolRouters,
                "must map at least one pool namespace to its LocalRouter address (host:port)");
        if (poolRouters != null) {
            poolRouters.forEach((ns, addr) -> c.check(
                    addr != null && addr.matches("[^:\\s]+:\\d{1,5}"),
                    "pool_routers." + ns,
                    addr,
                    "must be host:port"));
        }
        c.between("http_port", httpPort, 0, 65535);
        c.between("max_prompt_tokens", maxPromptTokens, 1, 10_000_000);
        c.between("max_tokens_limit", maxTokensLimit, 1, 10_000_000);
        c.between("retry_after_seconds", retryAfterSeconds, 0, 3600);
        c.between("pool_poll_ms", poolPollMs, 10, 60_000);
        c.between("unready_wait_ms", unreadyWaitMs, 0, 600_000);
        if (globalRouter == null && poolRouters != null && poolRouters.size() > 1) {
            c.problem("global_router", null, "is required when pool_routers has more than one pool");
        }
        if (globalRouter != null && poolRouters != null) {
            for (String ns : globalRouter.allPools()) {
                c.check(
                        poolRouters.containsKey(ns),
                        "pool_routers",
                        poolRouters.keySet(),
                        "must have an address for pool '" + ns + "' named in global_router");
            }
        }
        c.throwIfAny();
        model = model == null || model.isBlank() ? "fleetplan-mock" : model;
        dynamoNamespace = dynamoNamespace == null ? "dynamo" : dynamoNamespace;
        host = host == null ? "127.0.0.1" : host;
        httpPort = httpPort == null ? 8000 : httpPort;
        poolRouters = new LinkedHashMap<>(poolRouters);
        if (globalRouter == null) {
            globalRouter = GlobalRouterConfig.singleAggPool(
                    poolRouters.keySet().iterator().next());
        }
        maxPromptTokens = maxPromptTokens == null ? 131072 : maxPromptTokens;
        maxTokensLimit = maxTokensLimit == null ? 32768 : maxTokensLimit;
        retryAfterSeconds = retryAfterSeconds == null ? PoolAttempts.DEFAULT_RETRY_AFTER_SECONDS : retryAfterSeconds;
        poolPollMs = poolPollMs == null ? 250 : poolPollMs;
        http = http == null ? HttpLimits.defaults() : http;
        unreadyWaitMs = unreadyWaitMs == null ? 0 : unreadyWaitMs;
    }

    /** A single aggregated pool behind one LocalRouter. */
    public static FrontendConfig singlePool(String model, String pool, String routerAddress, int httpPort) {
        return new FrontendConfig(
                model, null, null, httpPort, Map.of(pool, routerAddress), null, null, null, null, null);
    }

    /** This config with other HTTP limits. */
    public FrontendConfig withHttp(HttpLimits limits) {
        return new FrontendConfig(
                model,
                dynamoNamespace,
                host,
                httpPort,
                poolRouters,
                globalRouter,
                maxPromptTokens,
                maxTokensLimit,
                retryAfterSeconds,
                poolPollMs,
                routerTokenFile,
                limits,
                unreadyWaitMs);
    }

    public List<String> pools() {
        return List.copyOf(poolRouters.keySet());
    }
}
