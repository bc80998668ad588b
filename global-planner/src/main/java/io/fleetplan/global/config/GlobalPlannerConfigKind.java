package io.fleetplan.global.config;

import io.fleetplan.common.config.ConfigKind;
import java.util.Set;

/** The {@code global-planner} config kind, for {@code fleetplan config validate}. */
public final class GlobalPlannerConfigKind implements ConfigKind {

    private static final Set<String> OWN = Set.of(
            "managed_namespaces",
            "no_operation",
            "max_total_gpus",
            "min_total_gpus",
            "intent_cache_ttl_seconds",
            "namespace_quotas",
            "priorities",
            "fairness",
            "executor",
            "grpc",
            "tls",
            "callers",
            "leader_election",
            "audit_log_path",
            "audit_log_max_mb",
            "audit_log_keep",
            "max_replicas_per_component",
            "blocking_timeout_seconds");

    @Override
    public String name() {
        return "global-planner";
    }

    @Override
    public Class<?> recordType() {
        return GlobalPlannerConfig.class;
    }

    @Override
    public int score(Set<String> keys) {
        int s = 0;
        for (String k : keys) {
            if (OWN.contains(k)) {
                // max_total_gpus alone also appears in a stack file's budget section, not at its top level
                s += k.equals("intent_cache_ttl_seconds") || k.equals("managed_namespaces") ? 30 : 12;
            }
        }
        return s;
    }

    @Override
    public String summary(Object config) {
        GlobalPlannerConfig c = (GlobalPlannerConfig) config;
        return "global-planner config OK: environment=" + c.environment() + ", max_total_gpus=" + c.maxTotalGpus()
                + ", min_total_gpus=" + c.minTotalGpus() + ", managed_namespaces="
                + (c.managedNamespaces() == null ? "all" : c.managedNamespaces()) + ", fairness="
                + c.fairness().policy() + (c.fairness().preemption() ? "+preemption" : "") + ", callers="
                + c.callers().size() + ", leader_election=" + c.leaderElection().enabled();
    }
}
