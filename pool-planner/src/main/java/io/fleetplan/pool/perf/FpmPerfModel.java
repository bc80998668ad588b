package io.fleetplan.pool.perf;

import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * Dynamo's second-generation engine model: wall time of an iteration as a linear function of its work,
 * fitted on ForwardPassMetrics (bootstrapped from a profile's FPMs, refreshed from live ones).
 * <ul>
 *   <li>prefill: wall = a + b * sum_prefill_tokens;</li>
 *   <li>decode: wall = a + b1 * num_decode_requests + b2 * sum_decode_kv_tokens (b1 &lt; 0 is clipped to 0).</li>
 * </ul>
 * Samples are kept by {@link BucketedSamples}; FPMs with wall_time 0 (idle) update only the moving averages.
 *
 * <p>Aggregated engines mix prefill and decode in one iteration, so for them (fleetplan) one joint model
 * wall = a + b * sum_prefill_tokens + c1 * num_decode_requests + c2 * sum_decode_kv_tokens is fitted on every
 * timed iteration; the prefill and decode wall times are that model with the other half's work at zero.
 * Not thread-safe: the planning pipeline is its only writer.
 */
public final class FpmPerfModel implements CapacityModel {

    private static final double MIN_WALL = 1e-6;
    private static final int DEFAULT_KV_CAP = 256;

    private final BucketedSamples prefillSamples;
    private final BucketedSamples decodeSamples;
    private final BucketedSamples jointSamples;
    private final boolean aggregated;
    private final int minObservations;
    private final MovingAverage avgIsl;
    private final MovingAverage avgDecodeLen;
    private final MovingAverage avgNumDecode;
    private final @Nullable DecodeContext decodeContext;
    private long maxObservedKv;
    // null until the first accepted fit
    private @Nullable LinearFit prefillFit;
    private @Nullable LinearFit decodeFit;
    private boolean dirty;

    public FpmPerfModel(int maxSamples, int bucketSize, int minObservations) {
        this(maxSamples, bucketSize, minObservations, false);
    }

    /** @param aggregated engines run prefill and decode in the same iterations (mode agg): one joint model */
    public FpmPerfModel(int maxSamples, int bucketSize, int minObservations, boolean aggregated) {
        this(maxSamples, bucketSize, minObservations, aggregated, 0);
    }

    /**
     * @param decodeContextWindowSeconds above 0, decode capacity uses the context the engines' running requests held
     *     over this many seconds ({@link DecodeContext}) instead of {@code isl + osl / 2}; 0 = Dynamo's formula
     */
    public FpmPerfModel(
            int maxSamples,
            int bucketSize,
            int minObservations,
            boolean aggregated,
            double decodeContextWindowSeconds) {
        this.aggregated = aggregated;
        this.decodeContext = decodeContextWindowSeconds > 0 ? new DecodeContext(decodeContextWindowSeconds) : null;
        this.jointSamples = new BucketedSamples(3, bucketSize, maxSamples);
        this.prefillSamples = new BucketedSamples(1, bucketSize, maxSamples);
        this.decodeSamples = new BucketedSamples(2, bucketSize, maxSamples);
        this.minObservations = minObservations;
        this.avgIsl = new MovingAverage(maxSamples);
        this.avgDecodeLen = new MovingAverage(maxSamples);
        this.avgNumDecode = new MovingAverage(maxSamples);
    }

    /** Feeds one iteration. Mixed iterations (prefill and decode together) train neither regression. */
    public void observe(Fpm f) {
        observe(f, true);
    }

    /**
     * A pre-deployment profile's iteration: trains the regressions like a live one, but says nothing about the
     * requests the engines will hold, so it does not enter the held decode context.
     */
    public void observeProfile(Fpm f) {
        observe(f, false);
    }

    private void observe(Fpm f, boolean live) {
        if (f.numPrefillRequests() > 0) {
            avgIsl.add((double) f.sumPrefillTokens() / f.numPrefillRequests());
        }
        if (f.numDecodeRequests() > 0) {
            avgDecodeLen.add((double) f.sumDecodeKvTokens() / f.numDecodeRequests());
            avgNumDecode.add(f.numDecodeRequests());
        }
        maxObservedKv = Math.max(maxObservedKv, f.sumDecodeKvTokens() + f.queuedDecodeKvTokens());
        if (decodeContext != null && live) {
            decodeContext.add(f.workerId(), f.numDecodeRequests(), f.sumDecodeKvTokens(), f.wallTimeSeconds());
        }
        if (!(f.wallTimeSeconds() > 0) || !Double.isFinite(f.wallTimeSeconds())) {
            return;
        }
        if (aggregated) {
            jointSamples.add(
                    new double[] {f.sumPrefillTokens(), f.numDecodeRequests(), f.sumDecodeKvTokens()},
                    f.wallTimeSeconds());
            dirty = true;
        } else if (f.sumPrefillTokens() > 0 && f.numDecodeRequests() == 0) {
            prefillSamples.add(new double[] {f.sumPrefillTokens()}, f.wallTimeSeconds());
            dirty = true;
        } else if (f.numDecodeRequests() > 0 && f.sumPrefillTokens() == 0) {
            decodeSamples.add(new double[] {f.numDecodeRequests(), f.sumDecodeKvTokens()}, f.wallTimeSeconds());
            dirty = true;
        }
    }

    private void refit() {
        if (!dirty) {
            return;
        }
        dirty = false;
        if (aggregated) {
            LinearFit joint =
                    LinearFit.fit(jointSamples.samples(), minObservations, new boolean[] {false, true, false});
            if (joint != null) {
                // the halves are the joint model with the other half's work at zero
                prefillFit = new LinearFit(joint.intercept(), new double[] {joint.coef()[0]});
                decodeFit = new LinearFit(joint.intercept(), new double[] {joint.coef()[1], joint.coef()[2]});
            }
            return;
        }
        // a refit with a negative slope is rejected (Dynamo); fleetplan then keeps the last accepted fit instead
        // of dropping to "not ready", so one noisy window does not blind the load loop
        prefillFit = or(LinearFit.fit(prefillSamples.samples(), minObservations, null), prefillFit);
        // Dynamo clips only the request-count slope. On a decode engine whose requests have similar prompts the two
        // axes move together (kv ~ requests x context), so noise alone can make the context slope slightly negative;
        // rejecting those fits kept the first fit (often flat, from a few light-load passes) while the engine
        // slowed down under load, and the load loop never saw it. fleetplan clips either slope and refits.
        decodeFit = or(LinearFit.fit(decodeSamples.samples(), minObservations, new boolean[] {true, true}), decodeFit);
    }

    private static @Nullable LinearFit or(@Nullable LinearFit fresh, @Nullable LinearFit previous) {
        return fresh != null ? fresh : previous;
    }

    public boolean prefillReady() {
        refit();
        return prefillFit != null;
    }

    public boolean decodeReady() {
        refit();
        return decodeFit != null;
    }

    @Override
    public boolean ready() {
        return prefillReady() || decodeReady();
    }

    /** Seconds one prefill pass of {@code tokens} takes, chunked by max_num_batched_tokens when known. */
    public double prefillWallSeconds(double tokens, long maxBatchedTokens) {
        refit();
        LinearFit fit = prefillFit;
        if (fit == null) {
            return Double.NaN;
        }
        if (maxBatchedTokens > 0 && tokens > maxBatchedTokens) {
            int n = (int) Math.ceil(tokens / maxBatchedTokens);
            return (n - 1) * pass(fit, maxBatchedTokens) + pass(fit, tokens - (n - 1) * (double) maxBatchedTokens);
        }
        return pass(fit, tokens);
    }

    private static double pass(LinearFit fit, double tokens) {
        return Math.max(MIN_WALL, fit.predict(tokens));
    }

    /** Seconds one decode iteration takes with {@code requests} running over {@code kvTokens} of context. */
    public double decodeWallSeconds(double requests, double kvTokens) {
        refit();
        return decodeFit == null ? Double.NaN : Math.max(MIN_WALL, decodeFit.predict(requests, kvTokens));
    }

    @Override
    public @Nullable EngineCapacity prefill(double isl, double ttftTargetMs, EngineLimits limits) {
        if (!prefillReady() || !(isl > 0)) {
            return null;
        }
        double wt = prefillWallSeconds(isl, limits.maxNumBatchedTokens());
        return new EngineCapacity(1.0 / wt, 1000.0 * wt);
    }

    @Override
    public @Nullable EngineCapacity decode(double isl, double osl, double itlTargetMs, EngineLimits limits) {
        if (!decodeReady() || !(osl > 0)) {
            return null;
        }
        double held = decodeContext == null ? Double.NaN : decodeContext.tokensPerRequest();
        double ctx = Double.isFinite(held) && held > 0 ? held : Math.max(1.0, isl + osl / 2.0);
        int kvCap = limits.maxKvTokens() > 0
                ? (int) Math.max(1, limits.maxKvTokens() / ctx)
                : maxObservedKv > 0 ? (int) Math.max(1, maxObservedKv / ctx) : DEFAULT_KV_CAP;
        int maxBatch = Math.max(1, Math.min(kvCap, limits.maxNumSeqs() > 0 ? limits.maxNumSeqs() : kvCap));
        int lo = 1;
        int hi = maxBatch;
        while (lo < hi) { // largest b with itl(b) <= target; b = 1 when even one request misses it
            int mid = (lo + hi + 1) >>> 1;
            if (1000.0 * decodeWallSeconds(mid, mid * ctx) <= itlTargetMs) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        double wt = decodeWallSeconds(lo, lo * ctx);
        return new EngineCapacity(lo / (osl * wt), 1000.0 * wt);
    }

    /** Estimated TTFT of a request arriving behind {@code queuedPrefillTokens} (SLA-mode load loop). */
    public double estimateTtftMs(double queuedPrefillTokens, long maxBatchedTokens) {
        double total = Math.max(0, queuedPrefillTokens) + avgIsl.value();
        return 1000.0 * prefillWallSeconds(Math.max(1, total), maxBatchedTokens);
    }

    /** Estimated ITL with one more request over {@code kvTokens} of scheduled plus queued context. */
    public double estimateItlMs(double kvTokens) {
        return estimateItlMs(kvTokens, Double.NaN);
    }

    /**
     * Estimated ITL with one more request over {@code kvTokens}, the engine running {@code runningRequests} now
     * (NaN = unknown: the average batch of the retained iterations stands in, as in Dynamo). The current batch
     * matters when the load changed: the average over the last max_num_fpm_samples iterations still says "busy"
     * long after the traffic dropped, which kept a quiet pool at its peak size.
     */
    public double estimateItlMs(double kvTokens, double runningRequests) {
        double batch =
                Double.isFinite(runningRequests) && runningRequests >= 0 ? runningRequests : avgNumDecode.value();
        return 1000.0 * decodeWallSeconds(batch + 1, Math.max(0, kvTokens) + avgDecodeLen.value());
    }

    public int prefillSampleCount() {
        return aggregated ? jointSamples.size() : prefillSamples.size();
    }

    public int decodeSampleCount() {
        return aggregated ? jointSamples.size() : decodeSamples.size();
    }

    public double averageIsl() {
        return avgIsl.value();
    }

    @Override
    public String kind() {
        return "fpm-regression";
    }

    /** Mean of the last {@code window} values, skipping leading zeros. */
    static final class MovingAverage {
        private final Deque<Double> values = new ArrayDeque<>();
        private final int window;
        private double sum;

        MovingAverage(int window) {
            this.window = Math.max(1, window);
        }

        void add(double v) {
            if (!Double.isFinite(v) || (v == 0 && values.isEmpty())) {
                return;
            }
            values.addLast(v);
            sum += v;
            if (values.size() > window) {
                sum -= values.removeFirst();
            }
        }

        double value() {
            return values.isEmpty() ? 0 : sum / values.size();
        }
    }
}
