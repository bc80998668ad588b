package io.fleetplan.e2e.deploy;

import java.util.List;

/** Decides whether a metric name a dashboard queries is exported by some module's source code. */
final class MetricNames {

    /** Prefixes the modules build names from ({@code "dynamo_planner_" + name}). */
    static final List<String> PREFIXES = List.of(
            "dynamo_planner_",
            "dynamo_component_router_",
            "dynamo_frontend_",
            "dynamo_component_",
            "global_",
            "fleetplan_");

    private MetricNames() {}

    static boolean exported(String metric, String sources) {
        // Prometheus client 1.x: counters are declared with or without _total and exposed with it
        List<String> candidates = metric.endsWith("_total")
                ? List.of(metric, metric.substring(0, metric.length() - "_total".length()))
                : List.of(metric);
        for (String c : candidates) {
            if (sources.contains("\"" + c + "\"")) {
                return true;
            }
            for (String prefix : PREFIXES) {
                if (c.startsWith(prefix)
                        && sources.contains("\"" + prefix + "\"")
                        && sources.contains("\"" + c.substring(prefix.length()) + "\"")) {
                    return true;
                }
            }
        }
        return false;
    }
}
