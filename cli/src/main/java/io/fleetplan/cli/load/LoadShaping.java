package io.fleetplan.cli.load;

import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Bounds a trace for a live run: a time limit and ISL / OSL clamps (a laptop stack has small engines). */
final class LoadShaping {

    private LoadShaping() {}

    /**
     * @param durationSeconds keep requests arriving before this (scaled) time; null = all
     * @param maxIsl          clamp prompts to this many tokens; 0 = no clamp (hash ids are cut to match)
     * @param maxOsl          clamp outputs; 0 = no clamp
     */
    static Trace shape(Trace t, Double durationSeconds, int maxIsl, int maxOsl) {
        long limit = durationSeconds == null ? Long.MAX_VALUE : (long) (durationSeconds * 1e9);
        List<TraceRequest> out = new ArrayList<>();
        for (TraceRequest r : t.requests()) {
            if (r.arrivalNanos() >= limit) {
                break;
            }
            int isl = maxIsl > 0 ? Math.min(maxIsl, r.inputTokens()) : r.inputTokens();
            int osl = maxOsl > 0 ? Math.min(maxOsl, r.outputTokens()) : r.outputTokens();
            long[] hashes = r.hashIds();
            if (hashes != null && isl < r.inputTokens()) {
                hashes = Arrays.copyOf(hashes, Math.min(hashes.length, (isl + t.blockSize() - 1) / t.blockSize()));
            }
            out.add(new TraceRequest(r.arrivalNanos(), isl, osl, hashes));
        }
        return new Trace(t.source(), t.format(), out, t.skippedRows(), t.blockSize());
    }
}
