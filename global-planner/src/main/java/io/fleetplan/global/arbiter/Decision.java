package io.fleetplan.global.arbiter;

import java.time.Instant;
import java.util.List;

/**
 * The arbiter's answer to a proposal, or a change pushed to a pool (later grant, preemption, executor failure).
 *
 * @param wouldBe for a dry run, the reason the decision would have had (reason is then DRY_RUN); else = reason
 */
public record Decision(
        String decisionId,
        String proposalId,
        String poolId,
        long sequence,
        Status status,
        Reason reason,
        Reason wouldBe,
        String message,
        List<Grant> grants,
        BudgetSnapshot budget,
        Instant decidedAt) {

    public Decision {
        grants = List.copyOf(grants);
    }

    public boolean dryRun() {
        return reason == Reason.DRY_RUN;
    }

    /** This decision as the answer to a dry run: what would have happened, reason DRY_RUN, nothing committed. */
    public Decision asDryRun(Instant at) {
        return new Decision(
                decisionId,
                proposalId,
                poolId,
                sequence,
                status,
                Reason.DRY_RUN,
                reason,
                "dry run, nothing committed: " + message,
                grants,
                budget,
                at);
    }
}
