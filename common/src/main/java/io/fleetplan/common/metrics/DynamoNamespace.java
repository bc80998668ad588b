package io.fleetplan.common.metrics;

/**
 * The one spelling of a Dynamo namespace in a {@code dynamo_namespace} label value. Dynamo's planner builds its
 * router and worker queries from DYN_NAMESPACE with '-' replaced by '_'
 * ({@code dynamo_component_request_duration_seconds{dynamo_namespace="..."}}), so every fleetplan component
 * (worker, router, frontend, planner) labels its series with that form: a pool named {@code fleetplan-decode}
 * is {@code fleetplan_decode} on every /metrics page.
 */
public final class DynamoNamespace {

    private DynamoNamespace() {}

    /** The label value for {@code namespace}; null reads as empty. */
    public static String label(String namespace) {
        return namespace == null ? "" : namespace.replace('-', '_');
    }
}
