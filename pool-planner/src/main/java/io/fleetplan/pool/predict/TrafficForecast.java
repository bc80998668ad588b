package io.fleetplan.pool.predict;

import java.util.List;

/**
 * The throughput loop's three forecasts (request count, mean ISL, mean OSL), one predictor each, fed one
 * traffic window per interval.
 *
 * <p>An idle window (no request) feeds 0 to the request count but the last observed ISL and OSL to the length
 * predictors (Dynamo's {@code _observe_traffic}): a mean length is undefined without requests, and a zero would
 * teach a trend model that requests became short; three idle windows after steady 3000-token prompts pulled
 * a Kalman ISL forecast far below 3000. The time-based predictors still advance once per interval. Before the
 * first window with requests (right after a deploy or a warm-up) the idle zeros go through unchanged, and the
 * predictors skip them as leading idle time.
 */
public final class TrafficForecast {

    /** The forecast for the next interval. */
    public record Next(double requests, double isl, double osl) {}

    private final LoadPredictor requests;
    private final LoadPredictor isl;
    private final LoadPredictor osl;
    private double lastIsl = Double.NaN;
    private double lastOsl = Double.NaN;
    private boolean seenRequests;

    public TrafficForecast(PredictorSettings settings) {
        this.requests = settings.create();
        this.isl = settings.create();
        this.osl = settings.create();
    }

    /**
     * Pre-loads the predictors with per-interval traffic (load_predictor_warmup_trace), then re-arms idle skip, so
     * the idle minutes right after a deploy are not read as a traffic collapse.
     */
    public void warmUp(List<TraceBuckets.IntervalLoad> intervals) {
        for (TraceBuckets.IntervalLoad l : intervals) {
            observe(l.numRequests(), l.avgIsl(), l.avgOsl());
        }
        for (LoadPredictor p : List.of(requests, isl, osl)) {
            p.resetIdleSkip();
        }
        seenRequests = false;
    }

    /** One window: its request count and mean ISL/OSL in tokens (NaN = unknown). */
    public void observe(double numRequests, double meanIsl, double meanOsl) {
        requests.addDataPoint(numRequests);
        if (numRequests > 0) {
            seenRequests = true;
            lastIsl = Double.isFinite(meanIsl) ? meanIsl : lastIsl;
            lastOsl = Double.isFinite(meanOsl) ? meanOsl : lastOsl;
        }
        boolean carry = numRequests == 0 && seenRequests;
        double i = carry ? orZero(lastIsl) : meanIsl;
        double o = carry ? orZero(lastOsl) : meanOsl;
        // an unknown length is left out rather than counted as 0 (the predictors would read NaN as no load)
        if (Double.isFinite(i)) {
            isl.addDataPoint(i);
        }
        if (Double.isFinite(o)) {
            osl.addDataPoint(o);
        }
    }

    public Next predict() {
        return predict(1);
    }

    /**
     * The forecast for the intervals a decision taken now lives through: a worker asked for now serves only after
     * its start-up, and the next decision comes an interval later, so a floor must cover the request rate over the
     * next {@code steps} intervals: the larger of the next interval's and the last one's (a trend is monotone in
     * between). Lengths are the next interval's: they are means, not a load that grows.
     */
    public Next predict(int steps) {
        double next = requests.predictNext();
        double ahead = steps > 1 ? requests.predictAhead(steps) : next;
        return new Next(Math.max(next, ahead), isl.predictNext(), osl.predictNext());
    }

    private static double orZero(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }
}
