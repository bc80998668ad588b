package io.fleetplan.global.virtual;

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
import io.fleetplan.global.arbiter.SubType;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.executor.ScaleExecutor;
import io.fleetplan.global.executor.VirtualExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The GlobalPlanner in virtual time, for replays: the same {@link Arbiter} as the live service, driving a
 * {@link VirtualExecutor} on the caller's {@link VirtualScheduler}. Everything runs on the event loop's thread:
 * {@link #propose} answers at once, scale-ups are ready after {@code scaleUpDelay}, scale-downs release their GPUs
 * after {@code scaleDownDelay}, and later grants, preemptions and executor errors reach {@link #onPush} listeners
 * from within the scheduler's events.
 */
public final class VirtualGlobalPlanner {

    private final Arbiter arbiter;
    private final VirtualExecutor executor;
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

    public VirtualGlobalPlanner(ArbiterSettings settings, VirtualScheduler scheduler, Duration scaleUpDelay,
            Duration scaleDownDelay) {
        this.arbiter = new Arbiter(settings, scheduler.clock(), "v");
        this.executor = new VirtualExecutor(scheduler, scaleUpDelay, scaleDownDelay);
    }

    /** Adds a target with {@code replicas} already running. */
    public void addTarget(TargetKey key, SubType subType, int replicas, int gpusPerReplica) {
        handle(arbiter.observed(executor.register(key, subType, replicas, gpusPerReplica)));
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

    /** Replicas running now (serving, or draining after a scale-down). */
    public int running(TargetKey key) {
        return executor.running(key);
    }

    public BudgetSnapshot budget() {
        return arbiter.budget();
    }

    public List<LedgerView> ledger() {
        return arbiter.ledger();
    }

    public VirtualExecutor executor() {
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
