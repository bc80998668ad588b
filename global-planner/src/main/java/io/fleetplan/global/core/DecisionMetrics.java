package io.fleetplan.global.core;

import io.fleetplan.global.arbiter.BudgetSnapshot;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.LedgerView;
import java.util.List;

/** What the core reports to monitoring (the service's Prometheus metrics), on the arbiter's thread. */
public interface DecisionMetrics {

    /** A decision made ({@code kind} "proposal" or "push"). */
    void decided(String kind, Decision d);

    /** A retried proposal answered with its first decision. */
    void replayed(Decision first);

    /** The budget, every second. */
    void budget(BudgetSnapshot b);

    /** The ledger's rows, every second. */
    void ledger(List<LedgerView> rows);
}
