package io.fleetplan.pool.source;

import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.FinishedPrompts;
import io.fleetplan.pool.core.MetricsSource;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.proto.v1.PoolMetrics;
import io.fleetplan.proto.v1.WorkerLoad;
import io.fleetplan.proto.v1.WorkerRole;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inputs read straight from a LocalRouter's {@code PoolMetrics} (no Prometheus): traffic between two
 * {@link #traffic} calls from the cumulative request counter and request-weighted means, per-engine load of
 * every registered, non-draining worker, and each worker's new last FPM for the regressions. Fed by
 * {@link #accept} (the gRPC stream adapter calls it; tests call it directly). Thread-safe: the stream thread
 * writes, the planner tick reads.
 */
public final class RouterStreamSource implements MetricsSource {

    /** Messages kept for recent windows: 10 minutes at the default one per second. */
    static final int MAX_HISTORY = 600;

    /**
     * Finished prompts kept for recent windows, all messages together: a window reaching back further sees the latest
     * of them (the share that waited is taken over what is kept). A router sends up to 4,096 a message, and ten
     * minutes of such messages would hold millions.
     */
    static final int MAX_PROMPTS = 16_384;

    private final int blockSize;
    private final List<PoolMetrics> sinceLastTraffic = new ArrayList<>();
    private final Map<String, Long> lastFpmCounter = new HashMap<>();
    private final List<Fpm> fpms = new ArrayList<>();
    /** The last messages, for {@link #recent} windows (bounded: the oldest fall off). */
    private final ArrayDeque<PoolMetrics> history = new ArrayDeque<>();
    /** The kept messages' finished prompts (the history keeps its messages without them), oldest first. */
    private final ArrayDeque<Prompts> prompts = new ArrayDeque<>();

    private int promptsKept;

    /** One message's finished prompts, by the message's router time. */
    private record Prompts(double time, int[] tokens, double[] ttftMs) {}

    private PoolMetrics latest;
    /** Where the current traffic window starts; null until a {@link #traffic} call has opened one. */
    private PoolMetrics atLastTraffic;
    /** A {@link #traffic} call came before any message: the first message opens its window. */
    private boolean windowRequested;

    private Runnable onClose = () -> {};

    public RouterStreamSource(int blockSize) {
        this.blockSize = blockSize;
    }

    public synchronized void accept(PoolMetrics m) {
        latest = m;
        // messages count toward a traffic window only once one is open: the planner's first tick usually comes
        // before the stream's first message, and that run's window began only at the next run (one throughput
        // interval late: the throughput floor of `fleetplan up`'s decode pool came 2 minutes after start); and
        // without a throughput loop (no traffic() calls) the list grew for as long as the planner ran
        if (atLastTraffic != null) {
            sinceLastTraffic.add(m);
        } else if (windowRequested) {
            atLastTraffic = m;
        }
        if (m.getFinishedPromptsCount() > 0) {
            int n = m.getFinishedPromptsCount();
            int[] tokens = new int[n];
            double[] ttft = new double[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = m.getFinishedPrompts(i).getNewTokens();
                ttft[i] = m.getFinishedPrompts(i).getTtftMs();
            }
            prompts.addLast(new Prompts(m.getTime(), tokens, ttft));
            promptsKept += n;
            while (promptsKept > MAX_PROMPTS) {
                promptsKept -= prompts.removeFirst().tokens().length;
            }
            history.addLast(m.toBuilder().clearFinishedPrompts().build());
        } else {
            history.addLast(m);
        }
        while (history.size() > MAX_HISTORY) {
            history.removeFirst();
        }
        for (WorkerLoad w : m.getWorkersList()) {
            if (w.hasLastFpm()) {
                long counter = w.getLastFpm().getCounterId();
                Long seen = lastFpmCounter.put(
                        w.getWorkerId() + "/" + w.getLastFpm().getDpRank(), counter);
                if (seen == null || seen != counter) {
                    fpms.add(ProtoMapping.fpm(w.getLastFpm()));
                }
            }
        }
    }

    /** Messages waiting for the next traffic window (tests: bounded when no window is open). */
    synchronized int pendingTrafficMessages() {
        return sinceLastTraffic.size();
    }

    void onClose(Runnable r) {
        this.onClose = r;
    }

    @Override
    public synchronized TrafficSample traffic(Instant now, double windowSeconds) {
        if (latest == null) {
            windowRequested = true;
            return null;
        }
        PoolMetrics start = atLastTraffic;
        List<PoolMetrics> window = List.copyOf(sinceLastTraffic);
        atLastTraffic = latest;
        sinceLastTraffic.clear();
        if (start == null || window.isEmpty()) {
            return null; // the first call only opens a window
        }
        double seconds = latest.getTime() - start.getTime();
        double requests = latest.getRequestsTotal() - start.getRequestsTotal();
        Means means = new Means();
        window.forEach(means::add);
        Instant at = Instant.ofEpochMilli((long) (latest.getTime() * 1000));
        if (!(seconds > 0)) {
            return null;
        }
        if (means.n == 0) {
            return new TrafficSample(
                            at,
                            seconds,
                            requests,
                            requests == 0 ? 0 : Double.NaN,
                            requests == 0 ? 0 : Double.NaN,
                            Double.NaN,
                            Double.NaN,
                            Double.NaN)
                    .withKvHitRate(hitRate(start, latest));
        }
        return new TrafficSample(at, seconds, requests, means.isl(), means.osl(), means.ttft(), means.itl(), Double.NaN)
                .withKvHitRate(hitRate(start, latest));
    }

    /**
     * The messages of the last {@code windowSeconds} (router clock, back from the latest): completions and their
     * means, arrivals from the cumulative counter, and the oldest waiting request's age at the latest message.
     */
    @Override
    public synchronized TrafficSample recent(Instant now, double windowSeconds) {
        if (latest == null || history.size() < 2) {
            return null;
        }
        double from = latest.getTime() - windowSeconds;
        // the window starts at the last message at or before `from`, or at the oldest kept one; a message's
        // counts are what finished since the message before it, so the start's own counts lie before the window
        // (summed, a history shorter than the window showed more finished than arrived)
        PoolMetrics start = history.peekFirst();
        for (PoolMetrics m : history) {
            if (m.getTime() <= from + 1e-6) {
                start = m;
            }
        }
        Means means = new Means();
        for (PoolMetrics m : history) {
            if (m.getTime() > start.getTime()) {
                means.add(m);
            }
        }
        FinishedPrompts.Builder finished = new FinishedPrompts.Builder();
        for (Prompts p : prompts) {
            if (p.time() > start.getTime()) {
                for (int i = 0; i < p.tokens().length; i++) {
                    finished.add(p.tokens()[i], p.ttftMs()[i]);
                }
            }
        }
        double n = means.n;
        double seconds = latest.getTime() - start.getTime();
        if (!(seconds > 0)) {
            return null;
        }
        // a router that predates arrivals_total sends 0: unknown, not "nothing arrived"
        double arrivals = latest.getArrivalsTotal() == 0 && n > 0
                ? Double.NaN
                : latest.getArrivalsTotal() - start.getArrivalsTotal();
        Instant at = Instant.ofEpochMilli((long) (latest.getTime() * 1000));
        return new TrafficSample(
                at,
                seconds,
                n,
                means.isl(),
                means.osl(),
                means.ttft(),
                means.itl(),
                Double.NaN,
                arrivals,
                latest.getOldestWaitingMs(),
                hitRate(start, latest),
                // 0: none waits, or a router that predates the field
                latest.getOldestWaitingIsl() > 0 ? latest.getOldestWaitingIsl() : Double.NaN,
                // a router that predates the field sends none: unknown, not "none waited"
                means.n > 0 && finished.size() == 0 ? null : finished.build());
    }

    /** The routed requests' mean predicted hit rate between two messages; NaN when none was routed. */
    private static double hitRate(PoolMetrics from, PoolMetrics to) {
        long n = to.getKvHitRateCount() - from.getKvHitRateCount();
        return n > 0 ? (to.getKvHitRateSum() - from.getKvHitRateSum()) / n : Double.NaN;
    }

    /** Request-weighted means over messages (each message's means are over what finished in its own interval). */
    private static final class Means {
        double n;
        double isl;
        double osl;
        double ttft;
        double itl;

        void add(PoolMetrics m) {
            double w = m.getNumRequests();
            n += w;
            isl += w * m.getMeanIsl();
            osl += w * m.getMeanOsl();
            ttft += w * m.getMeanTtftMs();
            itl += w * m.getMeanItlMs();
        }

        double isl() {
            return n > 0 ? isl / n : Double.NaN;
        }

        double osl() {
            return n > 0 ? osl / n : Double.NaN;
        }

        double ttft() {
            return n > 0 ? ttft / n : Double.NaN;
        }

        double itl() {
            return n > 0 ? itl / n : Double.NaN;
        }
    }

    @Override
    public synchronized EngineSnapshot engines(Instant now) {
        if (latest == null) {
            return null;
        }
        List<EngineLoad> prefill = new ArrayList<>();
        List<EngineLoad> decode = new ArrayList<>();
        for (WorkerLoad w : latest.getWorkersList()) {
            if (w.getDraining()) {
                continue; // leaving the pool: not part of the capacity being planned
            }
            (w.getRole() == WorkerRole.PREFILL ? prefill : decode).add(ProtoMapping.load(w, blockSize));
        }
        return new EngineSnapshot(Instant.ofEpochMilli((long) (latest.getTime() * 1000)), prefill, decode);
    }

    @Override
    public synchronized List<Fpm> drainFpms() {
        List<Fpm> out = List.copyOf(fpms);
        fpms.clear();
        return out;
    }

    @Override
    public void close() {
        onClose.run();
    }
}
