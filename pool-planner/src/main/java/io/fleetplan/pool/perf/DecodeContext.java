package io.fleetplan.pool.perf;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The context (KV tokens) a running decode request holds, averaged over the requests the decode engines ran in the
 * last {@code windowSeconds}: each iteration weighs its mean context by its requests x its wall time, so a request
 * counts for as long as it runs. That is the context a decode engine's KV has to hold per concurrent request. Dynamo
 * sizes decode for {@code isl + osl / 2} of the mean request, which is the same number only when prompt and output
 * lengths do not vary together: with 12,000-token prompts that produce 200 tokens and 500-token prompts that produce
 * 8,000 (a phased mix), the mean request's context is 8,250 tokens while the running requests hold about 4,700 on
 * average, and the formula asked for twice the decode engines the mix needed.
 *
 * <p>The window is engine time: with several engines reporting, their iterations overlap, so the kept iterations' wall
 * time may add up to the window times the engines seen in it. Not thread-safe; one owner (the perf model).
 */
final class DecodeContext {

    private record Pass(String worker, double contextWeight, double weight, double wallSeconds) {}

    private final double windowSeconds;
    private final ArrayDeque<Pass> passes = new ArrayDeque<>();
    private final Map<String, Integer> passesPerWorker = new HashMap<>();
    private double contextWeight;
    private double weight;
    private double wallSeconds;

    DecodeContext(double windowSeconds) {
        this.windowSeconds = windowSeconds;
    }

    /** One decode iteration: {@code requests} running over {@code kvTokens} of context, taking {@code wall} s. */
    void add(String worker, int requests, long kvTokens, double wall) {
        if (requests <= 0 || !(wall > 0) || !Double.isFinite(wall)) {
            return;
        }
        Pass p = new Pass(worker, (double) kvTokens * wall, requests * wall, wall);
        passes.addLast(p);
        passesPerWorker.merge(worker, 1, Integer::sum);
        contextWeight += p.contextWeight();
        weight += p.weight();
        wallSeconds += wall;
        while (passes.size() > 1 && wallSeconds - passes.peekFirst().wallSeconds() >= windowSeconds * workers()) {
            Pass old = passes.removeFirst();
            contextWeight -= old.contextWeight();
            weight -= old.weight();
            wallSeconds -= old.wallSeconds();
            passesPerWorker.computeIfPresent(old.worker(), (k, n) -> n > 1 ? n - 1 : null);
        }
    }

    private int workers() {
        return Math.max(1, passesPerWorker.size());
    }

    /** Mean context per running request over the window; NaN before any decode iteration. */
    double tokensPerRequest() {
        return weight > 0 ? contextWeight / weight : Double.NaN;
    }
}
