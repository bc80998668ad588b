package io.fleetplan.pool.scaling;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.perf.CapacityModel;
import io.fleetplan.pool.perf.EngineCapacity;
import io.fleetplan.pool.perf.EngineLimits;
import org.jspecify.annotations.Nullable;

/**
 * The throughput (predictive) replica formula: {@code max(ceil(demand_rps / engine_rps), min_endpoint)} per
 * component, where engine_rps is what one engine sustains at the TTFT/ITL target for the predicted ISL/OSL.
 * No prefill latency floor (Dynamo removed it in #11624). An aggregated engine does both halves of every
 * request, so its rate is {@code 1 / (1/prefill_rps + 1/decode_rps)}. As in Dynamo, prefill is sized for the
 * effective ISL {@code isl * (1 - clamp(kv_hit_rate, 0, 1))}: prompt tokens found in the prefix cache are not
 * computed again; decode holds the whole context, so it keeps the full ISL.
 */
public final class ThroughputCalculator {

    /**
     * Predicted traffic for the next interval.
     *
     * @param kvHitRate the router's KV prefix hit rate, 0..1; NaN = unknown (no discount, Dynamo's cold start)
     */
    public record Demand(double numRequests, double isl, double osl, double intervalSeconds, double kvHitRate) {

        /** Traffic with no known hit rate: prefill is sized for the whole prompt. */
        public Demand(double numRequests, double isl, double osl, double intervalSeconds) {
            this(numRequests, isl, osl, intervalSeconds, Double.NaN);
        }

        public double requestsPerSecond() {
            return intervalSeconds > 0 ? numRequests / intervalSeconds : Double.NaN;
        }

        /** The prompt tokens prefill computes per request: the ISL less its prefix-cache hits. */
        public double effectivePrefillIsl() {
            double hit = Double.isFinite(kvHitRate) ? Math.max(0, Math.min(1, kvHitRate)) : 0;
            // a fully cached prompt still computes its last token (the engine needs its logits)
            return Math.max(Math.min(isl, 1), isl * (1 - hit));
        }
    }

    /** The computed replicas with the engine capacities behind them (null capacity = not needed or idle). */
    public record Result(
            ThroughputReason reason,
            Replicas replicas,
            @Nullable EngineCapacity prefill,
            @Nullable EngineCapacity decode,
            double demandRps) {}

    /**
     * How many engines a demand needs beyond the capacity it uses up: {@code utilization} plans engines at that
     * share of their capacity (1 = Dynamo); with a {@code lateFraction} above 0 a prefill pool also gets at least what
     * a multi-server queue needs ({@link QueueSizing}: at most that share of prompts wait longer than {@code sloTtftMs}
     * minus their own prefill), which is more than the utilisation gives for long prompts (a short waiting room);
     * a mean prompt that alone takes the whole SLO has no waiting room, and only the utilisation sizes it.
     */
    public record Headroom(double utilization, double sloTtftMs, double lateFraction) {

        /** Engines at full capacity (Dynamo's formula). */
        public static final Headroom NONE = new Headroom(1, Double.NaN, 0);
    }

    private final PoolMode mode;
    private final int minEndpoint;
    private final double ttftMs;
    private final double itlMs;
    private final Headroom headroom;

    public ThroughputCalculator(PoolMode mode, int minEndpoint, double ttftMs, double itlMs) {
        this(mode, minEndpoint, ttftMs, itlMs, Headroom.NONE);
    }

    public ThroughputCalculator(PoolMode mode, int minEndpoint, double ttftMs, double itlMs, Headroom headroom) {
        this.mode = mode;
        this.minEndpoint = minEndpoint;
        this.ttftMs = ttftMs;
        this.itlMs = itlMs;
        this.headroom = headroom;
    }

    /**
     * @return SCALE with replicas, or a hold reason (NO_TRAFFIC_DATA for a non-finite demand, MODEL_NOT_READY
     *     when the model cannot size a component that has traffic) with {@code current} unchanged
     */
    public Result compute(Demand demand, @Nullable CapacityModel model, EngineLimits limits, Replicas current) {
        double rps = demand.requestsPerSecond();
        if (!Double.isFinite(rps) || rps < 0 || !Double.isFinite(demand.isl()) || !Double.isFinite(demand.osl())) {
            return new Result(ThroughputReason.NO_TRAFFIC_DATA, current, null, null, rps);
        }
        if (rps == 0) { // observed idle traffic (not missing data): the floor is min_endpoint
            return new Result(ThroughputReason.SCALE, sized(minEndpoint, minEndpoint), null, null, 0);
        }
        EngineCapacity p = null;
        EngineCapacity d = null;
        if (mode.scalesPrefill() || mode == PoolMode.AGG) {
            p = model == null ? null : model.prefill(demand.effectivePrefillIsl(), ttftMs, limits);
            if (p == null || !usable(p)) {
                return new Result(ThroughputReason.MODEL_NOT_READY, current, null, null, rps);
            }
        }
        if (mode.scalesDecode()) {
            d = model == null ? null : model.decode(demand.isl(), demand.osl(), itlMs, limits);
            if (d == null || !usable(d)) {
                return new Result(ThroughputReason.MODEL_NOT_READY, current, p, null, rps);
            }
        }
        double u = headroom.utilization();
        // in AGG both were sized above (AGG scales both halves); the null checks only let the compiler see it
        if (mode == PoolMode.AGG && p != null && d != null) {
            double aggRps = 1.0 / (1.0 / p.requestsPerSecond() + 1.0 / d.requestsPerSecond());
            return new Result(ThroughputReason.SCALE, sized(0, replicasFor(rps, aggRps * u)), p, d, rps);
        }
        int np = p == null ? 0 : prefillReplicas(rps, p);
        int nd = d == null ? 0 : replicasFor(rps, d.requestsPerSecond() * u);
        return new Result(ThroughputReason.SCALE, sized(np, nd), p, d, rps);
    }

    private int prefillReplicas(double rps, EngineCapacity p) {
        int byUtilization = replicasFor(rps, p.requestsPerSecond() * headroom.utilization());
        double waitingRoom = (headroom.sloTtftMs() - p.latencyMs()) / 1000.0;
        if (headroom.lateFraction() > 0 && waitingRoom > 0) {
            return Math.max(
                    byUtilization,
                    QueueSizing.engines(rps, p.requestsPerSecond(), waitingRoom, headroom.lateFraction()));
        }
        return byUtilization;
    }

    private int replicasFor(double demandRps, double engineRps) {
        // a tiny epsilon keeps 2.0000000001 from becoming 3 through floating-point noise
        return Math.max((int) Math.ceil(demandRps / engineRps - 1e-9), minEndpoint);
    }

    private Replicas sized(int p, int d) {
        return new Replicas(mode.scalesPrefill() ? p : 0, mode.scalesDecode() ? d : 0);
    }

    private static boolean usable(EngineCapacity c) {
        return c != null && c.requestsPerSecond() > 0 && Double.isFinite(c.requestsPerSecond());
    }
}
