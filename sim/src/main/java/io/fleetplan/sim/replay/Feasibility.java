package io.fleetplan.sim.replay;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.mocker.engine.PolynomialTimingModel;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceRequest;

/**
 * How much SLO attainment is possible at all: the share of requests whose TTFT on an idle engine (its prompt
 * prefilled alone in {@code max_num_batched_tokens} chunks, no prefix reuse, plus one decode step) is within the
 * target. Long prompts (Mooncake's reach 126k tokens) cannot meet a 500 ms TTFT however many GPUs a policy
 * buys, so attainment is read against this ceiling. Prefix hits can lift a few requests above it.
 */
public final class Feasibility {

    private Feasibility() {}

    /** Share of requests that could meet the TTFT target on an idle engine of the first prefill (or agg) pool. */
    public static double ttftCeiling(Trace trace, StackConfig stack) {
        boolean[] ok = feasible(trace, stack);
        int n = 0;
        for (boolean b : ok) {
            n += b ? 1 : 0;
        }
        return ok.length == 0 ? 1 : (double) n / ok.length;
    }

    /**
     * SLO attainment among the feasible requests only (those {@link #feasible} keeps; failed ones count as
     * misses): how close a policy comes to what is possible at all, on a trace whose ceiling is far below 99%.
     */
    public static double attainmentOfFeasible(RequestLog log, boolean[] feasible, double ttftMs, double itlMs) {
        int n = 0;
        int met = 0;
        for (int i = 0; i < feasible.length; i++) {
            if (feasible[i]) {
                n++;
                met += log.completed(i) && log.ttftMs(i) <= ttftMs && log.itlMs(i) <= itlMs ? 1 : 0;
            }
        }
        return n == 0 ? 1 : (double) met / n;
    }

    /** Per request: could it meet the TTFT target on an idle engine (see the class comment)? */
    public static boolean[] feasible(Trace trace, StackConfig stack) {
        StackConfig.Pool pool = stack.pools().stream()
                .filter(p -> !p.mode().equals("decode"))
                .findFirst()
                .orElse(stack.pools().get(0));
        StackConfig.Engine e = pool.engine();
        boolean[] out = new boolean[trace.requests().size()];
        for (int i = 0; i < out.length; i++) {
            TraceRequest r = trace.requests().get(i);
            double ms = 0;
            for (int left = r.inputTokens(); left > 0; left -= e.maxNumBatchedTokens()) {
                ms += PolynomialTimingModel.prefillFormula(Math.min(left, e.maxNumBatchedTokens()));
            }
            out[i] = (ms + PolynomialTimingModel.decodeFormula(0)) / e.speedupRatio()
                    <= stack.slo().ttftMs();
        }
        return out;
    }
}
