package io.fleetplan.pool.scaling;

import io.fleetplan.pool.perf.FpmPerfModel;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The load (reactive) loop's decision for one component: step +1 when EVERY engine is over the target, step -1
 * when one engine fewer would still meet it, otherwise keep.
 *
 * <p>{@code sla} target: per-engine TTFT/ITL estimated by the FPM regression (see {@link FpmPerfModel}).
 * Scale-down is consolidation-aware (Dynamo #9294): with c = N/(N-1) every engine's queue/KV load is
 * scaled by c and must stay under {@code sensitivity x} the SLO budget. Other targets compare queue and KV
 * utilisation to {@link LoadThresholds}; fleetplan also checks those scale-downs for consolidation (the
 * survivors' utilisation times c must stay under the scale-up threshold), which keeps them from flapping.
 * For decode and aggregated engines fleetplan adds a batch-slot check in every target: where an engine
 * reports its running requests and max_num_seqs, running x c must stay under sensitivity x max_num_seqs,
 * since a full batch queues new requests (TTFT) even while KV and ITL look fine.
 */
public final class LoadCalculator {

    /** Default prefill chunk when the engine does not say (tokens). */
    static final double DEFAULT_BATCHED_TOKENS = 8192;

    /** A decision for one component; estimates are the maximum over engines (NaN when not computed). */
    public record Result(LoadReason reason, int desired, double maxEstimateMs) {}

    private final boolean sla;
    private final double ttftMs;
    private final double itlMs;
    private final double sensitivity;
    private final int minEndpoint;
    private final LoadThresholds thresholds;
    /** The TTFT SLO when the prefill target is a share of the waiting room (NaN = the plain target ttftMs). */
    private double waitingRoomSloMs = Double.NaN;

    public LoadCalculator(
            boolean sla,
            double ttftMs,
            double itlMs,
            int sensitivityPercent,
            int minEndpoint,
            LoadThresholds thresholds) {
        this.sla = sla;
        this.ttftMs = ttftMs;
        this.itlMs = itlMs;
        this.sensitivity = sensitivityPercent / 100.0;
        this.minEndpoint = minEndpoint;
        this.thresholds = thresholds;
    }

    public Result prefill(List<EngineLoad> engines, int current, FpmPerfModel model) {
        return prefill(engines, current, model, 1.0);
    }

    /**
     * @param correction observed TTFT / estimated TTFT (>= 1; 1 = no correction): the regression only sees engine
     *     iterations, not queueing in front of the engine or multi-chunk prompts, so its estimates are scaled by
     *     what the requests actually saw (Dynamo's Gen-1 prefill correction factor)
     */
    public Result prefill(List<EngineLoad> engines, int current, FpmPerfModel model, double correction) {
        Result invalid = checkInput(engines, current);
        if (invalid != null) {
            return invalid;
        }
        if (!sla) {
            return byThreshold(
                    engines,
                    current,
                    e -> e.queuedPrefillTokens() / batched(e),
                    thresholds.prefillUp(),
                    thresholds.prefillDown(),
                    true);
        }
        if (!model.prefillReady()) {
            return new Result(LoadReason.INSUFFICIENT_DATA, current, Double.NaN);
        }
        double own = ttft(model, engines.get(0), 0) * correction;
        double target = prefillTarget(own);
        double max = 0;
        boolean allOver = true;
        for (EngineLoad e : engines) {
            double t = ttft(model, e, e.queuedPrefillTokens()) * correction;
            max = Math.max(max, t);
            allOver &= t > target;
        }
        if (!Double.isNaN(waitingRoomSloMs) && !(own < waitingRoomSloMs)) {
            // the mean prompt alone takes the SLO: its estimate says nothing about queueing either way
            return new Result(LoadReason.NO_CHANGE, current, max);
        }
        if (allOver) {
            return new Result(LoadReason.SCALE_UP, current + 1, max);
        }
        if (!canStepDown(current)) {
            return new Result(LoadReason.NO_CHANGE, current, max);
        }
        double c = (double) current / (current - 1);
        double budget = (target - own) * sensitivity;
        boolean ok = budget > 0;
        for (int i = 0; i < engines.size() && ok; i++) {
            EngineLoad e = engines.get(i);
            ok = ttft(model, e, (long) (e.queuedPrefillTokens() * c)) * correction - own < budget;
        }
        return ok
                ? new Result(LoadReason.SCALE_DOWN, current - 1, max)
                : new Result(LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION, current, max);
    }

    /**
     * The prefill estimate rule plans the waiting room, not the whole TTFT: an engine is over its target when its
     * estimate exceeds the own prompt's prefill plus (SLO - that) x ttftMs / SLO. With a planning target under the
     * prompt's own prefill (long prompts) every engine is "over" on an empty queue, and the rule scaled up until
     * the budget ran out. A mean prompt whose own prefill takes the whole SLO gives no estimate-driven step.
     */
    public LoadCalculator waitingRoom(double sloTtftMs) {
        this.waitingRoomSloMs = sloTtftMs;
        return this;
    }

    /** The TTFT an engine's estimate is held to: the planning target, or own prefill + a share of the waiting room. */
    private double prefillTarget(double ownMs) {
        return Double.isNaN(waitingRoomSloMs)
                ? ttftMs
                : ownMs + (waitingRoomSloMs - ownMs) * (ttftMs / waitingRoomSloMs);
    }

    public Result decode(List<EngineLoad> engines, int current, FpmPerfModel model) {
        return decode(engines, current, model, 1.0);
    }

    /** @param correction observed ITL / estimated ITL (>= 1; 1 = no correction), Dynamo's decode correction */
    public Result decode(List<EngineLoad> engines, int current, FpmPerfModel model, double correction) {
        Result invalid = checkInput(engines, current);
        if (invalid != null) {
            return invalid;
        }
        if (!sla) {
            for (EngineLoad e : engines) {
                if (e.limits().maxKvTokens() <= 0) {
                    return new Result(LoadReason.INSUFFICIENT_DATA, current, Double.NaN);
                }
            }
            return slotChecked(
                    byThreshold(
                            engines,
                            current,
                            e -> e.kvTokens() / e.limits().maxKvTokens(),
                            thresholds.decodeUp(),
                            thresholds.decodeDown(),
                            false),
                    engines,
                    current);
        }
        if (!model.decodeReady()) {
            return new Result(LoadReason.INSUFFICIENT_DATA, current, Double.NaN);
        }
        double max = 0;
        boolean allOver = true;
        for (EngineLoad e : engines) {
            double t = itl(model, e, e.kvTokens(), 1) * correction;
            max = Math.max(max, t);
            allOver &= t > itlMs;
        }
        if (allOver) {
            return new Result(LoadReason.SCALE_UP, current + 1, max);
        }
        if (!canStepDown(current)) {
            return new Result(LoadReason.NO_CHANGE, current, max);
        }
        double c = (double) current / (current - 1);
        boolean ok = sensitivity > 0;
        for (int i = 0; i < engines.size() && ok; i++) {
            EngineLoad e = engines.get(i);
            long post = (long) (e.kvTokens() * c);
            long cap = e.limits().maxKvTokens();
            ok = (cap <= 0 || post < cap) && itl(model, e, post, c) * correction < itlMs * sensitivity;
        }
        return slotChecked(
                ok
                        ? new Result(LoadReason.SCALE_DOWN, current - 1, max)
                        : new Result(LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION, current, max),
                engines,
                current);
    }

    /** Refuses a scale-down that would fill the survivors' batches (running x c >= sensitivity x max_num_seqs). */
    private Result slotChecked(Result r, List<EngineLoad> engines, int current) {
        if (r.reason() != LoadReason.SCALE_DOWN) {
            return r;
        }
        double c = (double) current / (current - 1);
        for (EngineLoad e : engines) {
            int slots = e.limits().maxNumSeqs();
            if (slots > 0 && e.runningRequests() > 0 && e.runningRequests() * c >= slots * sensitivity) {
                return new Result(LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION, current, r.maxEstimateMs());
            }
        }
        return r;
    }

    /** Aggregated engines: either half over the target scales up; both must allow a scale-down. */
    public Result agg(List<EngineLoad> engines, int current, FpmPerfModel model) {
        return agg(engines, current, model, 1.0, 1.0);
    }

    public Result agg(
            List<EngineLoad> engines, int current, FpmPerfModel model, double ttftCorrection, double itlCorrection) {
        Result p = prefill(engines, current, model, ttftCorrection);
        Result d = decode(engines, current, model, itlCorrection);
        double max = Math.max(nanToZero(p.maxEstimateMs()), nanToZero(d.maxEstimateMs()));
        if (p.reason() == LoadReason.SCALE_UP || d.reason() == LoadReason.SCALE_UP) {
            return new Result(LoadReason.SCALE_UP, current + 1, max);
        }
        if (p.reason().isHold() && d.reason().isHold()) {
            return p;
        }
        if (p.reason() == LoadReason.SCALE_DOWN
                && (d.reason() == LoadReason.SCALE_DOWN || d.reason().isHold())) {
            return new Result(LoadReason.SCALE_DOWN, current - 1, max);
        }
        if (d.reason() == LoadReason.SCALE_DOWN && p.reason().isHold()) {
            return new Result(LoadReason.SCALE_DOWN, current - 1, max); // prefill signal missing: decode decides
        }
        LoadReason why = p.reason() == LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION
                        || d.reason() == LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION
                ? LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION
                : LoadReason.NO_CHANGE;
        return new Result(why, current, max);
    }

    private @Nullable Result checkInput(List<EngineLoad> engines, int current) {
        if (engines.isEmpty()) {
            return new Result(LoadReason.NO_FPM_DATA, current, Double.NaN);
        }
        for (EngineLoad e : engines) {
            if (!e.finite()) {
                return new Result(LoadReason.NO_FPM_DATA, current, Double.NaN);
            }
        }
        return null;
    }

    private boolean canStepDown(int current) {
        return current > 1 && current > minEndpoint;
    }

    private Result byThreshold(
            List<EngineLoad> engines,
            int current,
            ToDoubleFunction<EngineLoad> util,
            double up,
            double down,
            boolean upInclusive) {
        boolean anyUp = false;
        boolean allDown = true;
        double maxUtil = 0;
        for (EngineLoad e : engines) {
            double u = util.applyAsDouble(e);
            maxUtil = Math.max(maxUtil, u);
            anyUp |= upInclusive ? u >= up : u > up;
            allDown &= down == 0 ? u <= 0 : u < down;
        }
        if (anyUp) {
            return new Result(LoadReason.SCALE_UP, current + 1, Double.NaN);
        }
        if (!allDown || !canStepDown(current)) {
            return new Result(LoadReason.NO_CHANGE, current, Double.NaN);
        }
        double c = (double) current / (current - 1);
        return maxUtil * c < up
                ? new Result(LoadReason.SCALE_DOWN, current - 1, Double.NaN)
                : new Result(LoadReason.SCALE_DOWN_REFUSED_CONSOLIDATION, current, Double.NaN);
    }

    /** Mean over engines of the uncorrected TTFT estimate at their current queues (NaN when not computable). */
    public static double meanTtftEstimate(List<EngineLoad> engines, FpmPerfModel model) {
        if (engines.isEmpty() || !model.prefillReady()) {
            return Double.NaN;
        }
        double sum = 0;
        for (EngineLoad e : engines) {
            sum += ttft(model, e, e.queuedPrefillTokens());
        }
        return sum / engines.size();
    }

    /** Mean over engines of the uncorrected ITL estimate at their current KV load (NaN when not computable). */
    public static double meanItlEstimate(List<EngineLoad> engines, FpmPerfModel model) {
        if (engines.isEmpty() || !model.decodeReady()) {
            return Double.NaN;
        }
        double sum = 0;
        for (EngineLoad e : engines) {
            sum += itl(model, e, e.kvTokens(), 1);
        }
        return sum / engines.size();
    }

    /**
     * ITL estimate for engine {@code e} carrying {@code kvTokens} and its running batch times {@code scale} (the
     * consolidation factor). Its batch is known when it reports running requests, or when it reports no work at
     * all (idle: batch 0); otherwise (KV in use but no running count) the model's average batch stands in.
     */
    private static double itl(FpmPerfModel model, EngineLoad e, double kvTokens, double scale) {
        double running = e.runningRequests() > 0
                ? e.runningRequests() * scale
                : e.kvTokens() <= 0 && e.queuedPrefillTokens() <= 0 ? 0 : Double.NaN;
        return model.estimateItlMs(kvTokens, running);
    }

    private static double ttft(FpmPerfModel model, EngineLoad e, double queuedTokens) {
        return model.estimateTtftMs(queuedTokens, e.limits().maxNumBatchedTokens());
    }

    private static double batched(EngineLoad e) {
        return e.limits().maxNumBatchedTokens() > 0 ? e.limits().maxNumBatchedTokens() : DEFAULT_BATCHED_TOKENS;
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
