package io.fleetplan.global.executor;

import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import java.util.List;

/**
 * Applies the arbiter's commands to real (or simulated) capacity and reports what is there. Implementations:
 * {@code KubernetesExecutor} (DGDSA /scale), {@link LocalProcessExecutor} (worker processes),
 * {@link VirtualExecutor} (in memory, on a scheduler).
 *
 * <p>Contract: {@link #apply} returns quickly and later calls exactly one of the listener's methods. A command
 * completes when its effect is there: a scale-up's replicas are ready, a scale-down's replicas are gone (their
 * GPUs free). Observations must never under-report {@code runningReplicas}: the budget releases GPUs on them.
 * Commands for one target are applied in the order given.
 */
public interface ScaleExecutor extends AutoCloseable {

    /** Every target and its state now; used to (re)build the ledger at start and on becoming leader. */
    List<Observation> discover();

    void apply(ScaleCommand command, Listener listener);

    /** Asks for change notifications (informers); executors without outside changes need not call them. */
    default void watch(ChangeListener listener) {}

    @Override
    default void close() {}

    /** Outcome of one command. */
    interface Listener {
        void completed(ScaleCommand command, Observation now);

        void failed(ScaleCommand command, Observation now, String message);
    }

    /** Changes made outside the GlobalPlanner or reported late (pods becoming ready, targets added or removed). */
    interface ChangeListener {
        void changed(Observation now);

        void removed(TargetKey target);
    }
}
