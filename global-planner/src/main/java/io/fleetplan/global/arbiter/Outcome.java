package io.fleetplan.global.arbiter;

import java.util.List;

/**
 * Everything one arbiter step produced: the answer (null for executor reports), what the executor must apply,
 * and the decisions to push to other pools.
 *
 * @param replay true when the answer is a stored earlier decision for the same proposal_id
 */
public record Outcome(Decision decision, List<ScaleCommand> commands, List<Decision> pushes, boolean replay) {

    public Outcome {
        commands = List.copyOf(commands);
        pushes = List.copyOf(pushes);
    }

    static Outcome of(Decision d) {
        return new Outcome(d, List.of(), List.of(), false);
    }
}
