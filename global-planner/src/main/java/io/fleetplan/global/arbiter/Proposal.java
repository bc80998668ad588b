package io.fleetplan.global.arbiter;

import java.util.List;

/**
 * A pool planner's scale proposal as the arbiter sees it (the wire form is {@code fleetplan.v1.ScaleProposal}).
 *
 * @param poolId   pool the decision is pushed to on WatchDecisions; empty = {@code k8s_namespace/dgd}
 * @param sequence per-pool, increasing; 0 = unordered
 * @param priority 0 = default
 */
public record Proposal(
        String proposalId,
        String poolId,
        long sequence,
        String callerNamespace,
        String k8sNamespace,
        String graphDeploymentName,
        int priority,
        boolean dryRun,
        List<Ask> asks) {

    public Proposal {
        proposalId = proposalId == null ? "" : proposalId;
        poolId = poolId == null || poolId.isEmpty() ? k8sNamespace + "/" + graphDeploymentName : poolId;
        callerNamespace = callerNamespace == null ? "" : callerNamespace;
        asks = List.copyOf(asks);
    }
}
