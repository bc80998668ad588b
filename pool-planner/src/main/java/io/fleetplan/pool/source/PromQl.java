package io.fleetplan.pool.source;

import io.fleetplan.common.metrics.DynamoNamespace;

/**
 * Dynamo's PromQL for the throughput loop (reference: dynamo-pool-planner.md 4.5), one builder per
 * {@code throughput_metrics_source}. {@code W} is the window, e.g. {@code 180s}.
 */
public final class PromQl {

    private PromQl() {}

    /** The histogram quantities both sources average: name stem after the prefix, and a unit factor to ms/tokens. */
    public enum Quantity {
        TTFT("time_to_first_token_seconds", 1000.0),
        ITL("inter_token_latency_seconds", 1000.0),
        ISL("input_sequence_tokens", 1.0),
        OSL("output_sequence_tokens", 1.0),
        DURATION("request_duration_seconds", 1.0);

        final String stem;
        final double factor;

        Quantity(String stem, double factor) {
            this.stem = stem;
            this.factor = factor;
        }

        public double factor() {
            return factor;
        }
    }

    /** Frontend: per (model, dynamo_namespace) averages; the caller filters series by labels. */
    public static String frontendAverage(Quantity q, String window) {
        String m = "dynamo_frontend_" + q.stem;
        return "sum by (model, dynamo_namespace) (increase(" + m + "_sum[" + window + "])) / "
                + "sum by (model, dynamo_namespace) (increase(" + m + "_count[" + window + "]))";
    }

    public static String frontendRequests(String window) {
        return "increase(dynamo_frontend_requests_started_total[" + window + "])";
    }

    public static String frontendRequestsFallback(String window) {
        return "increase(dynamo_frontend_requests_total[" + window + "])";
    }

    /** Router: one pool-wide average over the router's series of this Dynamo namespace. */
    public static String routerAverage(Quantity q, String namespace, String window) {
        // Dynamo reads the duration from the component-level metric (the router has none)
        String m = q == Quantity.DURATION
                ? "dynamo_component_request_duration_seconds"
                : "dynamo_component_router_" + q.stem;
        String sel = selector(namespace);
        return "sum(increase(" + m + "_sum" + sel + "[" + window + "])) / sum(increase(" + m + "_count" + sel + "["
                + window + "]))";
    }

    public static String routerRequests(String namespace, String window) {
        String sel = selector(namespace);
        return "sum(increase(dynamo_component_router_requests_started_total" + sel + "[" + window
                + "]) or ignoring(__name__) " + "increase(dynamo_component_router_requests_total" + sel + "[" + window
                + "]))";
    }

    /** Dynamo's planner query for the router's KV hit rate over the window (sum over count of the histogram). */
    public static String routerKvHitRate(String namespace, String window) {
        String sel = selector(namespace);
        return "sum(increase(dynamo_component_router_kv_hit_rate_sum" + sel + "[" + window + "])) / "
                + "sum(increase(dynamo_component_router_kv_hit_rate_count" + sel + "[" + window + "]))";
    }

    public static String routerRequestsFallback(String namespace, String window) {
        return "sum(increase(dynamo_component_router_requests_total" + selector(namespace) + "[" + window + "]))";
    }

    /** Dynamo namespace label value: dashes become underscores (DYN_NAMESPACE sanitised). */
    public static String sanitize(String namespace) {
        return DynamoNamespace.label(namespace);
    }

    private static String selector(String namespace) {
        String ns = sanitize(namespace);
        return ns.isEmpty() ? "" : "{dynamo_namespace=\"" + ns + "\"}";
    }

    public static String window(double seconds) {
        return Math.round(seconds) + "s";
    }
}
