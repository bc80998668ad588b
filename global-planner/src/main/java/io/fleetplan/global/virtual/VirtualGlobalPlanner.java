package io.fleetplan.global.virtual;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.global.arbiter.Arbiter;
import io.fleetplan.global.arbiter.ArbiterSettings;
import io.fleetplan.global.arbiter.BudgetSnapshot;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.LedgerView;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.Outcome;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.executor.ScaleExecutor;
import io.fleetplan.global.executor.VirtualExecutor;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The GlobalPlanner in virtual time, for replays: the same {@link Arbiter} as the live service, driving a
 * {@link VirtualExecutor} on the caller's {@link VirtualScheduler}, or any {@link ScaleExecutor} the caller
 * brings (a simulator whose own pools are the targets). Everything runs on the event loop's thread:
 * {@link #propose} answers at once, the executor's completions and its change notifications
 * ({@link ScaleExecutor#watch}: workers that became ready, draining ones that left) go to the arbiter as the live
 * service's do, and later grants, preemptions and executor errors reach {@link #onPush} listeners from within the
 * scheduler's events.
 */
public final class VirtualGlobalPlanner {

    private final Arbiter arbiter;
    private final ScaleExecutor executor;
    private final List<Consumer<Decision>> listeners = new ArrayList<>();
    private final ScaleExecutor.Listener reports = new ScaleExecutor.Listener() {
        @Override
        public void completed(ScaleCommand command, Observation now) {
            handle(arbiter.completed(command, now));
        }

        @Override
        public void failed(ScaleCommand command, Observation now, String message) {
            handle(arbiter.failed(command, now, message));
        }
    };

    private final ScaleExecutor.ChangeListener changes = new ScaleExecutor.ChangeListener() {
        @Override
        public void changed(Observation now) {
            handle(arbiter.observed(now));
        }

        @Override
        public void removed(TargetKey target) {
            arbiter.forget(target);
        }
    };

    /** With in-memory targets ({@link #addTarget}) that are ready after {@code scaleUpDelay}. */
    public VirtualGlobalPlanner(
            ArbiterSettings settings, VirtualScheduler scheduler, Duration scaleUpDelay, Duration scaleDownDelay) {
        this(settings, scheduler.clock(), new VirtualExecutor(scheduler, scaleUpDelay, scaleDownDelay));
    }

    /**
     * With the caller's executor. Its targets join with {@link #restore} (as the live service rebuilds its ledger
     * at start) or later through its change notifications.
     */
    public VirtualGlobalPlanner(ArbiterSettings settings, InstantSource clock, ScaleExecutor executor) {
        this.arbiter = new Arbiter(settings, clock, "v");
        this.executor = executor;
        executor.watch(changes);
    }

    /** Adds an in-memory target with {@code replicas} already running (only with the in-memory executor). */
    public void addTarget(TargetKey key, SubType subType, int replicas, int gpusPerReplica) {
        if (!(executor instanceof VirtualExecutor v)) {
            throw new IllegalStateException("addTarget needs the in-memory executor; report " + key
                    + " through the executor's change notifications");
        }
        handle(arbiter.observed(v.register(key, subType, replicas, gpusPerReplica)));
    }

    /** Rebuilds the ledger from what the executor reports now, as the live service does at start. */
    public void restore() {
        handle(arbiter.restore(executor.discover()));
    }

    /** Decides a proposal; an INVALID decision (unknown component) changes nothing. */
    public Decision propose(Proposal p) {
        Outcome out = arbiter.propose(p);
        handle(out);
        return out.decision();
    }

    /** Receives every pushed decision (filter on {@link Decision#poolId()}). */
    public void onPush(Consumer<Decision> listener) {
        listeners.add(listener);
    }

    /** Replicas running now (serving, or draining after a scale-down), as last reported by the executor. */
    public int running(TargetKey key) {
        for (LedgerView v : arbiter.ledger()) {
            if (v.target().equals(key)) {
                return v.runningReplicas();
            }
        }
        throw new IllegalArgumentException("unknown target " + key);
    }

    public BudgetSnapshot budget() {
        return arbiter.budget();
    }

    public List<LedgerView> ledger() {
        return arbiter.ledger();
    }

    public ScaleExecutor executor() {
        return executor;
    }

    private void handle(Outcome out) {
        for (ScaleCommand c : out.commands()) {
            executor.apply(c, reports);
        }
        for (Decision d : out.pushes()) {
            for (Consumer<Decision> l : listeners) {
                l.accept(d);
            }
        }
    }
}
