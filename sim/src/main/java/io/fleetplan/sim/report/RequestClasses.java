package io.fleetplan.sim.report;

import io.fleetplan.sim.replay.RequestLog;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * SLO outcome per request class, so a policy's misses can be traced to the requests behind them: short prompts
 * miss by queueing, long prompts also by prefill time itself, long outputs by decode (ITL, KV). Classes by
 * prompt length (ISL &lt; 2k, 2k-8k, &ge; 8k tokens) for requests with outputs under 2k tokens, and one class for
 * outputs of 2k tokens or more (decode-heavy requests, whatever their prompt).
 */
public final class RequestClasses {

    /** Class names in report order. */
    public static final List<String> NAMES = List.of("isl<2k", "isl2k-8k", "isl>=8k", "osl>=2k");

    static final int LONG_OUTPUT = 2048;
    static final int MEDIUM_PROMPT = 2048;
    static final int LONG_PROMPT = 8192;

    /**
     * One class's figures.
     *
     * @param ttftMisses completed requests over the TTFT target (whatever their ITL)
     * @param itlMisses completed requests within the TTFT target but over the ITL target
     * @param failed requests that never completed (they count as misses)
     */
    public record Figures(String name, int requests, double attainment, int ttftMisses, int itlMisses, int failed) {}

    private RequestClasses() {}

    /** The class of one request ({@link #NAMES}). */
    static int classOf(TraceRequest r) {
        if (r.outputTokens() >= LONG_OUTPUT) {
            return 3;
        }
        return r.inputTokens() < MEDIUM_PROMPT ? 0 : r.inputTokens() < LONG_PROMPT ? 1 : 2;
    }

    /** Per non-empty class, in {@link #NAMES} order; {@code log} is indexed like {@code trace.requests()}. */
    public static List<Figures> of(Trace trace, RequestLog log, double ttftMs, double itlMs) {
        int k = NAMES.size();
        int[] n = new int[k];
        int[] good = new int[k];
        int[] ttft = new int[k];
        int[] itl = new int[k];
        int[] failed = new int[k];
        List<TraceRequest> requests = trace.requests();
        for (int i = 0; i < requests.size(); i++) {
            int c = classOf(requests.get(i));
            n[c]++;
            if (!log.completed(i)) {
                failed[c]++;
            } else if (log.ttftMs(i) > ttftMs) {
                ttft[c]++;
            } else if (log.itlMs(i) > itlMs) {
                itl[c]++;
            } else {
                good[c]++;
            }
        }
        List<Figures> out = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            if (n[c] > 0) {
                out.add(new Figures(NAMES.get(c), n[c], (double) good[c] / n[c], ttft[c], itl[c], failed[c]));
            }
        }
        return List.copyOf(out);
    }
}
