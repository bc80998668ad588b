package io.fleetplan.global.arbiter;

import io.fleetplan.common.pool.SubType;

/** One ledger row, for GetState and tests. */
public record LedgerView(
        TargetKey target,
        SubType subType,
        String poolId,
        int observedReplicas,
        int runningReplicas,
        int readyReplicas,
        int grantedReplicas,
        int desiredReplicas,
        int gpusPerReplica,
        int minReplicas,
        int priority,
        int committedGpus,
        String lastProposalId) {}
