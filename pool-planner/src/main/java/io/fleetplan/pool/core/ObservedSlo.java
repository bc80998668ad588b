package io.fleetplan.pool.core;

import java.util.function.DoubleUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * What requests saw, against the SLO itself (fleetplan's {@code observed_slo_scaling}): the load loop's estimates
 * come from engine iterations and a queue snapshot, so they can look fine while requests wait for seconds (a new,
 * empty engine right after a scale-up; a decode engine whose waiting requests hold no KV yet). The recent
 * window is checked instead: finished requests' mean TTFT/ITL, and the age of the oldest request still waiting
 * for its first token, which shows a queue before any of its requests finishes.
 *
 * <p>A component that missed is short by about the ratio of arrivals to completions: saturated engines finish
 * what they can, and the rest queues. Pure: the planner passes the window and the engine count.
 */
final class ObservedSlo {

    private final double ttftMs;
    private final double itlMs;
    private final double waitedShare;

    /**
     * @param ttftMs the TTFT SLO (not the planning target)
     * @param itlMs the ITL SLO
     * @param waitedShare the share of a window's prompts that may wait (prefill_late_fraction: what the throughput
     *     loop sizes for); 0 = none
     */
    ObservedSlo(double ttftMs, double itlMs, double waitedShare) {
        this.ttftMs = ttftMs;
        this.itlMs = itlMs;
        this.waitedShare = waitedShare;
    }

    /**
     * Prefill (or aggregated) requests waited longer than the TTFT SLO for their first token, and mostly waited
     * (in a queue) rather than being prefilled: {@code idleTtftMs} is what the window's mean prompt takes on an idle
     * engine, {@code oldestIdleTtftMs} what the oldest waiting request's own prompt takes (NaN = unknown; the mean
     * prompt's then), {@code idleMsOfTokens} the same for any prompt.
     *
     * <p>A prompt too long to meet the SLO even alone misses on any number of engines; such misses must not hold a
     * pool at its ceiling (on Mooncake ~13 % of the requests are such prompts). The oldest waiting request is often
     * one of them, in the middle of its own prefill: measured against the mean prompt, a 90,000-token prompt's 1-2 s
     * of prefill read as queueing every few windows and grew Mooncake's prefill pool from 15 to 23 engines.
     *
     * <p>A window whose source gives its prompts one by one also misses when more than the tolerated share of them
     * waited ({@link #waitedShare}): with a long tail of prompts a window's mean TTFT stays under the SLO while up
     * to a third of its short prompts wait behind the long ones (Mooncake on 4-5 prefill engines: 77 % of the
     * requests in time, where 7 engines serve 85 %).
     */
    boolean prefillMissed(
            TrafficSample recent, double idleTtftMs, double oldestIdleTtftMs, DoubleUnaryOperator idleMsOfTokens) {
        if (recent == null) {
            return false;
        }
        double oldestBar = bar(Double.isFinite(oldestIdleTtftMs) ? oldestIdleTtftMs : idleTtftMs);
        return over(recent.ttftMs(), bar(idleTtftMs))
                || over(recent.oldestWaitMs(), oldestBar)
                || over(waitedShare(recent.prompts(), idleMsOfTokens), waitedShare);
    }

    /**
     * The share of the window's prompts that waited: a TTFT over the SLO and over {@link #QUEUEING_DOMINATES} times
     * the prompt's own prefill on an idle engine. NaN when the window has none (or the source cannot tell).
     */
    double waitedShare(@Nullable FinishedPrompts prompts, DoubleUnaryOperator idleMsOfTokens) {
        if (prompts == null || prompts.size() == 0) {
            return Double.NaN;
        }
        int waited = 0;
        for (int i = 0; i < prompts.size(); i++) {
            if (over(prompts.ttftMs(i), bar(idleMsOfTokens.applyAsDouble(prompts.newTokens(i))))) {
                waited++;
            }
        }
        return (double) waited / prompts.size();
    }

    /** What a prompt that takes {@code idleTtftMs} on an idle engine may wait before the wait is mostly queueing. */
    private double bar(double idleTtftMs) {
        return Double.isFinite(idleTtftMs) ? Math.max(ttftMs, QUEUEING_DOMINATES * idleTtftMs) : ttftMs;
    }

    /** Observed over this many times the idle-engine time is queueing that more engines remove. */
    static final double QUEUEING_DOMINATES = 2.0;

    /**
     * Decode requests missed the ITL SLO, or waited longer than the TTFT SLO to be admitted (a disaggregated decode
     * pool's router times a handed-off request's first decode token: the wait for a batch slot and KV).
     */
    boolean decodeMissed(TrafficSample recent) {
        return recent != null
                && (over(recent.itlMs(), itlMs)
                        || over(recent.ttftMs(), ttftMs)
                        || over(recent.oldestWaitMs(), ttftMs));
    }

    /**
     * Engines the arrivals need when {@code serving} engines are saturated: serving x arrivals / finished, rounded
     * up; 0 when the window cannot tell (no arrival count, nothing finished). Saturated engines finish requests at
     * their service rate when a request is shorter than the window. A pool filling with requests that outlast it
     * ({@code requestSeconds} above the window) finishes few whatever its size (8,000-token outputs: a few per 10 s
     * window), and the ratio asked for 13 and then 22 decode engines where 2 served; for such requests the step is
     * at most a doubling of the serving engines (as a Kubernetes HPA scales up by at most 100 %), and the next one
     * comes once the new engines serve.
     */
    static int neededForArrivals(TrafficSample recent, int serving, double requestSeconds) {
        if (recent == null || serving <= 0 || !(recent.arrivals() > 0) || !(recent.numRequests() > 0)) {
            return 0;
        }
        int needed = (int) Math.ceil(serving * recent.arrivals() / recent.numRequests() - 1e-9);
        return requestSeconds > recent.windowSeconds() ? Math.min(needed, 2 * serving) : needed;
    }

    private static boolean over(double observed, double slo) {
        return Double.isFinite(observed) && observed > slo;
    }
}
