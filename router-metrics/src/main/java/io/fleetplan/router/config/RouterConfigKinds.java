package io.fleetplan.router.config;

import io.fleetplan.common.config.ConfigKind;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.frontend.FrontendConfig;
import io.fleetplan.router.global.GlobalRouterConfig;
import java.util.Set;

/** The config kinds this module owns, for {@code fleetplan config validate}. */
public final class RouterConfigKinds {

    private RouterConfigKinds() {}

    private static int hits(Set<String> keys, String... fields) {
        int n = 0;
        for (String f : fields) {
            if (keys.contains(f)) {
                n++;
            }
        }
        return n;
    }

    /** LocalRouter worker-selection settings ({@code router}). */
    public static final class Router implements ConfigKind {
        @Override
        public String name() {
            return "router";
        }

        @Override
        public Class<?> recordType() {
            return RouterConfig.class;
        }

        @Override
        public int score(Set<String> keys) {
            return 10
                    * hits(
                            keys,
                            "router_mode",
                            "router_temperature",
                            "overlap_score_credit",
                            "prefill_load_scale",
                            "overlap_score_weight",
                            "use_kv_events",
                            "router_track_active_blocks",
                            "router_assume_kv_reuse",
                            "router_ttl_secs",
                            "heartbeat_timeout_ms");
        }

        @Override
        public String summary(Object config) {
            RouterConfig c = (RouterConfig) config;
            return "router config OK: router_mode=" + c.routerMode() + ", overlap_score_credit="
                    + c.overlapScoreCredit() + ", prefill_load_scale=" + c.prefillLoadScale()
                    + ", router_temperature=" + c.routerTemperature() + ", use_kv_events=" + c.useKvEvents();
        }
    }

    /** Dynamo GlobalRouter pool grids ({@code global-router}). */
    public static final class GlobalRouter implements ConfigKind {
        @Override
        public String name() {
            return "global-router";
        }

        @Override
        public Class<?> recordType() {
            return GlobalRouterConfig.class;
        }

        @Override
        public int score(Set<String> keys) {
            return 10
                    * hits(
                            keys,
                            "num_prefill_pools",
                            "num_decode_pools",
                            "prefill_pool_dynamo_namespaces",
                            "decode_pool_dynamo_namespaces",
                            "prefill_pool_selection_strategy",
                            "decode_pool_selection_strategy",
                            "num_agg_pools",
                            "agg_pool_selection_strategy");
        }

        @Override
        public String referenceExample() {
            return """
                    num_prefill_pools: 1
                    num_decode_pools: 1
                    prefill_pool_dynamo_namespaces: [prefill]
                    decode_pool_dynamo_namespaces: [decode]
                    prefill_pool_selection_strategy: {isl_min: 0, isl_max: 32000, isl_resolution: 1, ttft_min: 10,
                      ttft_max: 3000, ttft_resolution: 1, prefill_pool_mapping: [[0]]}
                    decode_pool_selection_strategy: {context_length_min: 0, context_length_max: 32000,
                      context_length_resolution: 1, itl_min: 5, itl_max: 100, itl_resolution: 1,
                      decode_pool_mapping: [[0]]}
                    """;
        }

        @Override
        public String summary(Object config) {
            GlobalRouterConfig c = (GlobalRouterConfig) config;
            return "global-router config OK: mode=" + c.mode() + ", pools=" + c.allPools() + ", enable_priority_retry="
                    + c.enablePriorityRetry();
        }
    }

    /** Frontend + GlobalRouter process ({@code frontend}). */
    public static final class Frontend implements ConfigKind {
        @Override
        public String name() {
            return "frontend";
        }

        @Override
        public Class<?> recordType() {
            return FrontendConfig.class;
        }

        @Override
        public int score(Set<String> keys) {
            return 10 * hits(keys, "pool_routers", "global_router", "max_prompt_tokens", "retry_after_seconds")
                    + 2 * hits(keys, "model", "http_port", "dynamo_namespace");
        }

        @Override
        public String referenceExample() {
            return "pool_routers: {agg: '127.0.0.1:9000'}";
        }

        @Override
        public String summary(Object config) {
            FrontendConfig c = (FrontendConfig) config;
            return "frontend config OK: model=" + c.model() + ", http_port=" + c.httpPort() + ", pools=" + c.pools()
                    + ", mode=" + c.globalRouter().mode();
        }
    }
}
