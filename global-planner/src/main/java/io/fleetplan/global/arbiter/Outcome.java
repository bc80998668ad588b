package io.fleetplan.global.arbiter;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything one arbiter step produced: the answer (null for executor reports), what the executor must apply,
 * and the decisions to push to other pools.
 *
 * @param replay true when the answer is a stored earlier decision for the same proposal_id
 */
public record Outcome(@Nullable Decision decision, List<ScaleCommand> commands, List<Decision> pushes, boolean replay) {

    public Outcome {
        commands = List.copyOf(commands);
        pushes = List.copyOf(pushes);
    }

    /**
     * The answer of a proposal's outcome (every proposal gets one).
     *
     * @throws IllegalStateException for the outcome of an executor report, which answers no one
     */
    public Decision answer() {
        if (decision == null) {
            throw new IllegalStateException("an executor report's outcome has no answer");
        }
        return decision;
    }

    static Outcome of(@Nullable Decision d) {
        return new Outcome(d, List.of(), List.of(), false);
    }
}
