package io.fleetplan.sim.policy;

import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.MetricsSource;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.sim.replay.ForwardPasses;
import io.fleetplan.sim.replay.SimPool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the live metric sources give a pool planner, read from a replayed pool: the traffic over the window the
 * planner asks for (requests that arrived, their mean ISL/OSL, the mean TTFT/ITL of the requests completed in
 * it, as Prometheus' {@code increase[window]} would give them; the router's mean predicted KV hit rate over the
 * requests routed in it, as Dynamo's {@code router_kv_hit_rate} sum-over-count query), the ready engines' load, and every engine
 * iteration's FPM since the last read (the router's stream).
 */
final class PoolMetricsSource implements MetricsSource {

    /** The pool's cumulative counters at one instant. */
    private record Counters(
            long nanos,
            long arrivals,
            long sumIsl,
            long sumOsl,
            long completions,
            double sumTtftMs,
            double sumItlMs,
            double sumKvHitRate,
            long routed) {
        static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0);

        /** The router's mean predicted hit rate over the requests routed since {@code start}; NaN for none. */
        double kvHitRateSince(Counters start) {
            long n = routed - start.routed;
            return n > 0 ? (sumKvHitRate - start.sumKvHitRate) / n : Double.NaN;
        }
    }

    private final SimPool pool;
    private final boolean prefill;
    private final Instant origin;
    private final List<Counters> history = new ArrayList<>();
    private List<Fpm> fpms = new ArrayList<>();

    /** @param origin the replay's time 0 (counters are zero before it) */
    PoolMetricsSource(SimPool pool, Instant origin) {
        this.pool = pool;
        this.prefill = pool.subType().prefillSlot();
        this.origin = origin;
        pool.fpmSink(this::onFpm);
    }

    private void onFpm(String worker, ForwardPass f) {
        fpms.add(ForwardPasses.fpm(worker, f));
    }

    /**
     * Null (no data, the planner holds) for a window that begins before the replay: the trace starts on a warm
     * deployment, and what it served before is unknown, not idle. Read as idle, the first window scaled every pool
     * to its minimum at time 0.
     */
    @Override
    public TrafficSample traffic(Instant now, double windowSeconds) {
        Counters end = record(now);
        long startNanos = end.nanos() - Math.round(windowSeconds * 1e9);
        if (startNanos < 0) {
            return null;
        }
        Counters start = at(startNanos);
        double n = end.arrivals() - start.arrivals();
        double done = end.completions() - start.completions();
        return new TrafficSample(
                        now,
                        windowSeconds,
                        n,
                        n > 0 ? (end.sumIsl() - start.sumIsl()) / n : Double.NaN,
                        n > 0 ? (end.sumOsl() - start.sumOsl()) / n : Double.NaN,
                        done > 0 ? (end.sumTtftMs() - start.sumTtftMs()) / done : Double.NaN,
                        done > 0 ? (end.sumItlMs() - start.sumItlMs()) / done : Double.NaN,
                        Double.NaN)
                .withKvHitRate(end.kvHitRateSince(start));
    }

    /**
     * The last {@code windowSeconds} as the LocalRouter's stream gives it (observed_slo_scaling): requests that
     * finished and arrived, the finished ones' mean TTFT/ITL, and the oldest request still waiting for its first
     * token. A window reaching back before the replay starts at time 0.
     */
    @Override
    public TrafficSample recent(Instant now, double windowSeconds) {
        Counters end = record(now);
        long startNanos = Math.max(0, end.nanos() - Math.round(windowSeconds * 1e9));
        if (end.nanos() <= startNanos) {
            return null;
        }
        Counters start = at(startNanos);
        double n = end.arrivals() - start.arrivals();
        double done = end.completions() - start.completions();
        return new TrafficSample(
                now,
                (end.nanos() - startNanos) / 1e9,
                done,
                n > 0 ? (end.sumIsl() - start.sumIsl()) / n : Double.NaN,
                n > 0 ? (end.sumOsl() - start.sumOsl()) / n : Double.NaN,
                done > 0 ? (end.sumTtftMs() - start.sumTtftMs()) / done : Double.NaN,
                done > 0 ? (end.sumItlMs() - start.sumItlMs()) / done : Double.NaN,
                Double.NaN,
                n,
                pool.oldestWaitingMs(),
                end.kvHitRateSince(start),
                pool.oldestWaitingIsl(),
                pool.finishedPrompts(startNanos));
    }

    @Override
    public EngineSnapshot engines(Instant now) {
        record(now); // every tick: the start of a later window is then a recorded instant
        List<EngineLoad> loads = pool.engineLoads();
        return prefill ? new EngineSnapshot(now, loads, List.of()) : new EngineSnapshot(now, List.of(), loads);
    }

    @Override
    public List<Fpm> drainFpms() {
        List<Fpm> out = fpms;
        fpms = new ArrayList<>();
        return out;
    }

    private Counters record(Instant now) {
        long nanos = Duration.between(origin, now).toNanos();
        if (!history.isEmpty() && history.get(history.size() - 1).nanos() == nanos) {
            return history.get(history.size() - 1);
        }
        Counters c = new Counters(
                nanos,
                pool.arrivals(),
                pool.sumIsl(),
                pool.sumOsl(),
                pool.completions(),
                pool.sumTtftMs(),
                pool.sumItlMs(),
                pool.sumKvHitRate(),
                pool.routedCount());
        history.add(c);
        return c;
    }

    /** The counters as last recorded at or before {@code nanos}. */
    private Counters at(long nanos) {
        int lo = 0;
        int hi = history.size() - 1;
        Counters found = Counters.ZERO; // the pools start with zero counters
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Counters c = history.get(mid);
            if (c.nanos() <= nanos) {
                found = c;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
