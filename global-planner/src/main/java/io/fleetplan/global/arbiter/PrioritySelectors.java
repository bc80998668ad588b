package io.fleetplan.global.arbiter;

import java.util.List;
import java.util.Optional;

/**
 * Matches {@code k8s_namespace/dgd/component} against selectors: {@code *} matches one segment and a shorter
 * selector covers everything beneath it. The most specific selector wins (most literal segments, then the
 * deepest), declaration order breaks ties, as in Dynamo's priority selectors. Also used for caller patterns.
 */
public final class PrioritySelectors {

    /** One selector and the priority it gives. */
    public record Rule(String selector, int priority) {}

    private final List<Rule> rules;

    public PrioritySelectors(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public Optional<Integer> priorityOf(TargetKey key) {
        Rule best = null;
        int bestScore = -1;
        for (Rule r : rules) {
            int score = specificity(r.selector(), key);
            if (score > bestScore) {
                best = r;
                bestScore = score;
            }
        }
        return best == null ? Optional.empty() : Optional.of(best.priority());
    }

    /** Whether {@code pattern} covers {@code key}. */
    public static boolean matches(String pattern, TargetKey key) {
        return specificity(pattern, key) >= 0;
    }

    // -1 = no match; else 10 x literal segments + depth, so literal segments dominate
    static int specificity(String pattern, TargetKey key) {
        String[] p = pattern.split("/");
        String[] k = {key.k8sNamespace(), key.graphDeploymentName(), key.componentName()};
        if (p.length > 3) {
            return -1;
        }
        int literal = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals("*")) {
                continue;
            }
            if (!p[i].equalsIgnoreCase(k[i])) {
                return -1;
            }
            literal++;
        }
        return 10 * literal + p.length;
    }
}
