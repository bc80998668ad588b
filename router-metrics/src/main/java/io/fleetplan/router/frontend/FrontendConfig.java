package io.fleetplan.router.frontend;

import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.router.global.GlobalRouterConfig;
import io.fleetplan.router.global.PoolAttempts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Frontend + GlobalRouter config file.
 *
 * @param model             served model name (the OpenAI "model"; label {@code model})
 * @param dynamoNamespace   label {@code dynamo_namespace} on dynamo_frontend_* metrics
 * @param host              HTTP bind address (127.0.0.1)
 * @param httpPort          HTTP port (8000; 0 = any free port)
 * @param poolRouters       pool namespace -> LocalRouter gRPC address (host:port)
 * @param globalRouter      pool choice; null with one pool = that pool, aggregated
 * @param maxPromptTokens   longer prompts are rejected with 400 (131072)
 * @param maxTokensLimit    largest max_tokens accepted (32768)
 * @param retryAfterSeconds Retry-After on 503 when no pool can serve (1)
 * @param poolPollMs        how often pool readiness is refreshed from the LocalRouters (250)
 * @param routerTokenFile   file with the pools' shared token, sent on ListWorkers (routers started with
 *                          --worker-token-file refuse it otherwise); null = none
 * @param http              body limit and connection timeouts ({@link HttpLimits}; defaults when absent)
 * @param unreadyWaitMs     how long a request waits for a pool of its role to have a ready worker before it is
 *                          answered 503 (0 = at once, as Dynamo's frontend does; fleetplan's stacks hold requests
 *                          while a LocalRouter or the last worker of a pool is being restarted)
 */
public record FrontendConfig(String model, String dynamoNamespace, String host, Integer httpPort,
                             Map<String, String> poolRouters, GlobalRouterConfig globalRouter,
                             Integer maxPromptTokens, Integer maxTokensLimit, Integer retryAfterSeconds,
                             Integer poolPollMs, String routerTokenFile, HttpLimits http, Integer unreadyWaitMs) {

    public FrontendConfig(String model, String dynamoNamespace, String host, Integer httpPort,
            Map<String, String> poolRouters, GlobalRouterConfig globalRouter, Integer maxPromptTokens,
            Integer maxTokensLimit, Integer retryAfterSeconds, Integer poolPollMs) {
        this(model, dynamoNamespace, host, httpPort, poolRouters, globalRouter, maxPromptTokens, maxTokensLimit,
                retryAfterSeconds, poolPollMs, null, null, null);
    }

    public FrontendConfig {
        ConfigChecks c = new ConfigChecks();
        c.check(poolRouters != null && !poolRouters.isEmpty(), "pool_routers", poolRouters,
                "must map at least one pool namespace to its LocalRouter address (host:port)");
        if (poolRouters != null) {
            poolRouters.forEach((ns, addr) -> c.check(addr != null && addr.matches("[^:\\s]+:\\d{1,5}"),
                    "pool_routers." + ns, addr, "must be host:port"));
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
                c.check(poolRouters.containsKey(ns), "pool_routers", poolRouters.keySet(),
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
            globalRouter = GlobalRouterConfig.singleAggPool(poolRouters.keySet().iterator().next());
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
        return new FrontendConfig(model, null, null, httpPort, Map.of(pool, routerAddress), null, null, null, null,
                null);
    }

    /** This config with other HTTP limits. */
    public FrontendConfig withHttp(HttpLimits limits) {
        return new FrontendConfig(model, dynamoNamespace, host, httpPort, poolRouters, globalRouter, maxPromptTokens,
                maxTokensLimit, retryAfterSeconds, poolPollMs, routerTokenFile, limits, unreadyWaitMs);
    }

    public List<String> pools() {
        return List.copyOf(poolRouters.keySet());
    }
}
