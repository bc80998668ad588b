package io.fleetplan.pool.core;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.perf.CapacityModel;
import io.fleetplan.pool.perf.EngineCapacity;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.perf.FpmPerfModel;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.pool.perf.ProfilePerfModel;
import io.fleetplan.pool.predict.TraceBuckets;
import io.fleetplan.pool.predict.TrafficForecast;
import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.pool.scaling.GpuBudget;
import io.fleetplan.pool.scaling.LoadCalculator;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputCalculator;
import io.fleetplan.pool.scaling.ThroughputReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The planning core of one pool: fed observations, asked to {@link #tick} at the pipeline cadence, returns
 * {@link PlannerDecision} values. No I/O, no threads, no clock of its own (the caller passes {@code now}), so
 * the live runtime and the simulator drive the same object.
 *
 * <p>On a tick the throughput loop runs when its interval has passed (predict next-interval traffic, size the
 * pool from engine capacity; with load scaling on, this only sets the floor) and then the load loop when its
 * interval has passed (step +-1 on per-engine latency or utilisation). The result is raised to min_endpoint and
 * clamped to the local GPU budget. Missing, stale or non-finite data makes a loop hold the current replicas
 * with a reason; it never scales down blind. Single-threaded: the caller is its only user.
 */
public final class PoolPlanner {

    private static final Duration SLACK = Duration.ofMillis(1);

    private final PlanningSettings settings;
    private final FpmPerfModel fpmModel;
    private final @Nullable ProfilePerfModel profileModel;
    private final TrafficForecast forecast;
    private final ThroughputCalculator throughput;
    /** The throughput loop's sizing: {@link #throughput} with the configured headroom (utilisation or queueing). */
    private final ThroughputCalculator floorSizing;

    private final LoadCalculator load;
    private final GpuBudget budget;
    private final LatencyCorrection correction;
    private final ObservedSlo observedSlo;

    private @Nullable TrafficSample pendingTraffic;
    /** The latest traffic window fed (kept after the throughput run consumed it), for the idle rule. */
    private @Nullable TrafficSample lastTraffic;
    /** The latest recent window (observed_slo_scaling): what requests saw over the last load intervals. */
    private @Nullable TrafficSample recent;

    private @Nullable EngineSnapshot engines;
    /**
     * The router's KV hit rate from the latest window that had one (Dynamo keeps the latest valid observation
     * rather than forecasting it); NaN until one arrives, which means no prefill discount.
     */
    private double kvHitRate = Double.NaN;

    private @Nullable Instant lastThroughputRun;
    private @Nullable Instant lastLoadRun;
    private @Nullable Replicas floor;
    private long sequence;
    private int loadObservations;
    /** Consecutive load runs at this size in which every prefill (resp. decode/agg) engine was idle. */
    private int idlePrefillRuns;

    private int idleDecodeRuns;
    /** True once any traffic window was fed: only then can estimates be checked against observed latency. */
    private boolean trafficFed;

    private final ArrayDeque<Recent> recentTargets = new ArrayDeque<>();
    private final ServingSince prefillServing = new ServingSince();
    private final ServingSince decodeServing = new ServingSince();

    private record Recent(Instant at, Replicas target) {}

    /** @param profile pre-deployment profile (interpolation model and FPM bootstrap), or null */
    public PoolPlanner(PlanningSettings settings, @Nullable ProfileData profile) {
        this.settings = settings;
        this.fpmModel = new FpmPerfModel(
                settings.maxFpmSamples(),
                settings.fpmBucketSize(),
                settings.minObservations(),
                settings.mode() == PoolMode.AGG,
                settings.decodeContextWindow().toMillis() / 1000.0);
        this.profileModel =
                profile == null ? null : new ProfilePerfModel(profile, settings.prefillGpus(), settings.decodeGpus());
        if (profile != null) {
            profile.fpm().forEach(fpmModel::observeProfile);
        }
        this.forecast = new TrafficForecast(settings.predictor());
        this.throughput =
                new ThroughputCalculator(settings.mode(), settings.minEndpoint(), settings.ttftMs(), settings.itlMs());
        this.floorSizing = new ThroughputCalculator(
                settings.mode(),
                settings.minEndpoint(),
                settings.ttftMs(),
                settings.itlMs(),
                new ThroughputCalculator.Headroom(
                        settings.throughputUtilization(), settings.sloTtftMs(), settings.prefillLateFraction()));
        this.load = new LoadCalculator(
                        settings.sla(),
                        settings.ttftMs(),
                        settings.itlMs(),
                        settings.scalingDownSensitivity(),
                        settings.minEndpoint(),
                        settings.thresholds())
                .waitingRoom(settings.prefillWaitingRoom() ? settings.sloTtftMs() : Double.NaN);
        this.budget = new GpuBudget(
                settings.maxGpuBudget(),
                settings.minGpuBudget(),
                settings.minEndpoint(),
                settings.prefillGpus(),
                settings.decodeGpus());
        this.correction = new LatencyCorrection(settings.latencyCorrection());
        this.observedSlo = new ObservedSlo(settings.sloTtftMs(), settings.sloItlMs(), settings.prefillLateFraction());
    }

    public PlanningSettings settings() {
        return settings;
    }

    /** Pre-loads the predictors with per-interval traffic (load_predictor_warmup_trace), then re-arms idle skip. */
    public void warmUp(List<TraceBuckets.IntervalLoad> intervals) {
        forecast.warmUp(intervals);
    }

    /** The traffic of the window that just ended; the next throughput run consumes it once. */
    public void observeTraffic(TrafficSample sample) {
        keepHitRate(sample);
        pendingTraffic = sample;
        lastTraffic = sample;
        trafficFed = true;
    }

    /** What requests saw over the last load intervals (not consumed; the load loop checks it every run). */
    public void observeRecent(TrafficSample sample) {
        keepHitRate(sample);
        recent = sample;
    }

    private void keepHitRate(TrafficSample sample) {
        if (sample != null && sample.kvHitRate() >= 0 && sample.kvHitRate() <= 1) {
            kvHitRate = sample.kvHitRate();
        }
    }

    /** Demand with the hit rate the prefill sizing discounts by (none when enable_kv_hit_rate_discount is off). */
    private ThroughputCalculator.Demand demand(double requests, double isl, double osl, double seconds) {
        return new ThroughputCalculator.Demand(
                requests, isl, osl, seconds, settings.kvHitRateDiscount() ? kvHitRate : Double.NaN);
    }

    /** One engine iteration: trains the latency regressions. */
    public void observeFpm(Fpm fpm) {
        fpmModel.observe(fpm);
    }

    /**
     * The pool's latest per-engine load. Limits an engine does not report (0) are taken from the config
     * ({@code max_kv_tokens}, {@code max_num_batched_tokens}, {@code max_num_seqs}), so the threshold targets and
     * the consolidation checks work with sources that cannot see them (a router before the worker's first load
     * report, a {@code /metrics} scrape).
     */
    public void observeEngines(EngineSnapshot snapshot) {
        EngineLimits configured = settings.engineLimits();
        List<EngineLoad> decode = withLimits(snapshot.decode(), configured);
        engines = new EngineSnapshot(
                snapshot.at(),
                withLimits(snapshot.prefill(), configured),
                settings.mode() == PoolMode.AGG ? decode : waitingAsDecodeKv(decode));
    }

    /**
     * A disaggregated decode engine prefills nothing: the prompts in its waiting queue are handed-off requests
     * waiting for a batch slot and KV, i.e. decode demand. Counted as queued prefill they were invisible to the
     * decode load loop, which saw a full engine with hundreds of waiting requests as fine.
     */
    private static List<EngineLoad> waitingAsDecodeKv(List<EngineLoad> loads) {
        List<EngineLoad> out = new ArrayList<>(loads.size());
        for (EngineLoad e : loads) {
            out.add(
                    e.queuedPrefillTokens() > 0
                            ? new EngineLoad(
                                    e.workerId(),
                                    e.dpRank(),
                                    0,
                                    e.scheduledKvTokens(),
                                    e.queuedKvTokens() + e.queuedPrefillTokens(),
                                    e.limits(),
                                    e.runningRequests())
                            : e);
        }
        return out;
    }

    private static List<EngineLoad> withLimits(List<EngineLoad> loads, EngineLimits configured) {
        List<EngineLoad> out = new ArrayList<>(loads.size());
        for (EngineLoad e : loads) {
            EngineLimits l = e.limits().orElse(configured);
            out.add(
                    l.equals(e.limits())
                            ? e
                            : new EngineLoad(
                                    e.workerId(),
                                    e.dpRank(),
                                    e.queuedPrefillTokens(),
                                    e.scheduledKvTokens(),
                                    e.queuedKvTokens(),
                                    l,
                                    e.runningRequests()));
        }
        return out;
    }

    public FpmPerfModel fpmModel() {
        return fpmModel;
    }

    /** The base cadence: tick every this often (gcd of the enabled intervals unless configured). */
    public Duration scaleInterval() {
        return settings.scaleInterval();
    }

    /** How far back the load loop looks at what requests saw (observed_slo_scaling): two load intervals. */
    public Duration recentWindow() {
        return settings.loadInterval().multipliedBy(2);
    }

    /** True when the throughput loop will run on a tick at {@code now} (the time to read a traffic window). */
    public boolean throughputDue(Instant now) {
        return settings.throughputScaling() && due(lastThroughputRun, settings.throughputInterval(), now);
    }

    /**
     * Runs the loops that are due at {@code now}.
     *
     * @return the decision, or empty when no loop was due
     */
    public Optional<PlannerDecision> tick(Instant now, ReplicaState state) {
        boolean runThroughput =
                settings.throughputScaling() && due(lastThroughputRun, settings.throughputInterval(), now);
        boolean runLoad = settings.loadScaling() && due(lastLoadRun, settings.loadInterval(), now);
        if (!runThroughput && !runLoad) {
            return Optional.empty();
        }
        Replicas current = state.current();
        ThroughputStep t = runThroughput ? throughputStep(now, current) : ThroughputStep.notRun(settings);
        Replicas target = t.target() != null ? t.target() : current;
        LoadStep l = runLoad ? loadStep(now, state, current, target) : LoadStep.notRun(settings, target);
        target = stabilized(now, current, atLeastMinEndpoint(l.target()));
        GpuBudget.Result clamped = budget.clamp(current, target, settings.mode());
        Replicas recommended = onlyScaled(clamped.replicas(), current);
        if (clamped.outcome() == GpuBudget.Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT) {
            recommended = current; // Dynamo would scale to zero; a misconfigured budget must not cause an outage
        }
        if (!recommended.equals(current)) {
            loadObservations = 0; // the next observations describe a different pool size
            idlePrefillRuns = 0;
            idleDecodeRuns = 0;
        }
        Action action = action(current, recommended, runThroughput, t.reason(), runLoad, l.prefill(), l.decode());
        return Optional.of(new PlannerDecision(
                ++sequence,
                now,
                current,
                recommended,
                floor == null ? Replicas.ZERO : floor,
                action,
                runThroughput ? t.reason() : notRun(t.reason()),
                runLoad ? l.prefill() : notRun(l.prefill()),
                runLoad ? l.decode() : notRun(l.decode()),
                clamped.outcome(),
                t.prediction(),
                new PlannerDecision.Estimates(
                        l.estimatedTtftMs(),
                        l.estimatedItlMs(),
                        t.observedTtftMs(),
                        t.observedItlMs(),
                        t.prefillRps(),
                        t.decodeRps())));
    }

    /**
     * What one run of the throughput loop decided.
     *
     * @param target replicas to go to when the load loop is off (it sets the floor otherwise); null = none
     */
    private record ThroughputStep(
            ThroughputReason reason,
            @Nullable Replicas target,
            PlannerDecision.Prediction prediction,
            double observedTtftMs,
            double observedItlMs,
            double prefillRps,
            double decodeRps) {

        static ThroughputStep notRun(PlanningSettings s) {
            return of(s.throughputScaling() ? ThroughputReason.UNSET : ThroughputReason.DISABLED);
        }

        static ThroughputStep of(ThroughputReason reason) {
            return new ThroughputStep(
                    reason, null, PlannerDecision.Prediction.NONE, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
    }

    /** What one run of the load loop (with the observed-SLO step) decided, on top of the throughput step's target. */
    private record LoadStep(
            LoadReason prefill, LoadReason decode, Replicas target, double estimatedTtftMs, double estimatedItlMs) {

        static LoadStep notRun(PlanningSettings s, Replicas target) {
            return new LoadStep(
                    initial(s, s.mode().scalesPrefill()),
                    initial(s, s.mode().scalesDecode()),
                    target,
                    Double.NaN,
                    Double.NaN);
        }

        static LoadReason initial(PlanningSettings s, boolean scaled) {
            return s.loadScaling() && scaled ? LoadReason.UNSET : LoadReason.DISABLED;
        }
    }

    /** The throughput loop: the traffic window feeds the forecast, the forecast sizes the floor (or the target). */
    private ThroughputStep throughputStep(Instant now, Replicas current) {
        lastThroughputRun = now;
        TrafficSample t = pendingTraffic;
        pendingTraffic = null;
        if (t != null) {
            correction.observe(t.ttftMs(), t.itlMs());
            if (t.numRequests() == 0) {
                correction.idleWindow();
            }
        }
        correction.windowEnded();
        if (t == null) {
            return ThroughputStep.of(ThroughputReason.NO_TRAFFIC_DATA);
        }
        if (Duration.between(t.at(), now).compareTo(settings.maxTrafficAge()) > 0) {
            return ThroughputStep.of(ThroughputReason.STALE_DATA);
        }
        if (!(t = t.normalizeIdle()).valid()) {
            return ThroughputStep.of(ThroughputReason.NO_TRAFFIC_DATA);
        }
        forecast.observe(t.numRequests(), t.isl(), t.osl());
        TrafficForecast.Next next = forecast.predict(horizonSteps());
        double n = next.requests();
        double i = next.isl();
        double o = next.osl();
        PlannerDecision.Prediction prediction = new PlannerDecision.Prediction(n, i, o, n / t.windowSeconds());
        if (!Double.isFinite(n) || !Double.isFinite(i) || !Double.isFinite(o)) {
            return new ThroughputStep(
                    ThroughputReason.PREDICT_FAILED, null, prediction, t.ttftMs(), t.itlMs(), Double.NaN, Double.NaN);
        }
        // throughput_target_utilization or prefill_late_fraction: the headroom over the capacity the demand uses up
        ThroughputCalculator.Result r =
                floorSizing.compute(demand(n, i, o, t.windowSeconds()), capacity(), limits(), current);
        ThroughputReason reason = r.reason();
        Replicas target = null;
        if (r.reason() == ThroughputReason.SCALE) {
            if (settings.loadScaling()) {
                floor = r.replicas();
                reason = ThroughputReason.SET_LOWER_BOUND;
            } else {
                target = r.replicas();
            }
        }
        return new ThroughputStep(reason, target, prediction, t.ttftMs(), t.itlMs(), rps(r.prefill()), rps(r.decode()));
    }

    /**
     * The load loop: per-engine estimates against the SLO (held when the snapshot is not usable), raised to the
     * throughput floor, then the observed-SLO step on the recent window.
     */
    private LoadStep loadStep(Instant now, ReplicaState state, Replicas current, Replicas target) {
        lastLoadRun = now;
        LoadReason pReason = LoadStep.initial(settings, settings.mode().scalesPrefill());
        LoadReason dReason = LoadStep.initial(settings, settings.mode().scalesDecode());
        double estTtft = Double.NaN;
        double estItl = Double.NaN;
        LoadReason guard = loadGuard(now, state);
        if (guard != null) {
            pReason = pReason == LoadReason.DISABLED ? pReason : guard;
            dReason = dReason == LoadReason.DISABLED ? dReason : guard;
        } else {
            // loadGuard passes only with a snapshot
            EngineSnapshot snapshot = Objects.requireNonNull(engines, "engine snapshot");
            int p = current.prefill();
            int d = current.decode();
            checkAgainstObserved(snapshot);
            double cT = correction.ttftFactor();
            double cI = correction.itlFactor();
            idlePrefillRuns = allIdle(settings.mode() == PoolMode.AGG ? snapshot.decode() : snapshot.prefill())
                    ? idlePrefillRuns + 1
                    : 0;
            idleDecodeRuns = allIdle(snapshot.decode()) ? idleDecodeRuns + 1 : 0;
            if (settings.mode().scalesPrefill()) {
                LoadCalculator.Result r = idle(
                        guardScaleDown(load.prefill(snapshot.prefill(), p, fpmModel, cT), true), idlePrefillRuns, p);
                pReason = r.reason();
                estTtft = r.maxEstimateMs();
                p = r.reason().isHold() ? p : r.desired();
            }
            if (settings.mode() == PoolMode.AGG) {
                estTtft = load.prefill(snapshot.decode(), d, fpmModel, cT).maxEstimateMs();
                estItl = load.decode(snapshot.decode(), d, fpmModel, cI).maxEstimateMs();
                LoadCalculator.Result r = load.agg(snapshot.decode(), d, fpmModel, cT, cI);
                r = idle(guardScaleDown(guardScaleDown(r, true), false), idleDecodeRuns, d);
                dReason = r.reason();
                d = r.reason().isHold() ? d : r.desired();
            } else if (settings.mode().scalesDecode()) {
                LoadCalculator.Result r =
                        idle(guardScaleDown(load.decode(snapshot.decode(), d, fpmModel, cI), false), idleDecodeRuns, d);
                dReason = r.reason();
                estItl = r.maxEstimateMs();
                d = r.reason().isHold() ? d : r.desired();
            }
            if (floor != null) {
                if (pReason == LoadReason.SCALE_DOWN && p < floor.prefill()) {
                    pReason = LoadReason.SCALE_DOWN_CAPPED_BY_THROUGHPUT;
                }
                if (dReason == LoadReason.SCALE_DOWN && d < floor.decode()) {
                    dReason = LoadReason.SCALE_DOWN_CAPPED_BY_THROUGHPUT;
                }
                // the floor only ever raises; a held component keeps what runs
                p = pReason.isHold() ? p : Math.max(p, floor.prefill());
                d = dReason.isHold() ? d : Math.max(d, floor.decode());
            }
            target = new Replicas(
                    settings.mode().scalesPrefill() ? p : current.prefill(),
                    settings.mode().scalesDecode() ? d : current.decode());
        }
        prefillServing.observe(serving(engines == null ? null : engines.prefill(), current.prefill()), now);
        decodeServing.observe(serving(engines == null ? null : engines.decode(), current.decode()), now);
        TrafficSample window = recent;
        if (settings.observedSloScaling() && window != null && fresh(window, now)) {
            // how long a request occupies the component at the SLO: up to its first token for prefill, its output on
            // top for decode (and agg), at the SLO's ITL so that an overloaded engine's slow tokens do not stretch it
            double prefillRequestMs = settings.sloTtftMs();
            double decodeRequestMs =
                    prefillRequestMs + (Double.isFinite(window.osl()) ? window.osl() * settings.sloItlMs() : 0);
            CapacityModel prefillModel = capacity(); // once: the check asks it for every prompt of the window
            boolean prefillMissed = observedSlo.prefillMissed(
                    window,
                    idleTtftMs(prefillModel, window.isl()),
                    idleTtftMs(prefillModel, window.oldestWaitIsl()),
                    isl -> idleTtftMs(prefillModel, isl));
            boolean decodeMissed =
                    observedSlo.decodeMissed(window) || (settings.mode() == PoolMode.AGG && prefillMissed);
            // the model's sizing only matters for a component that missed
            Replicas model = prefillMissed || decodeMissed ? neededByModel(window, current) : Replicas.ZERO;
            if (settings.mode().scalesPrefill()) {
                Step st = sloStep(
                        window,
                        pReason,
                        target.prefill(),
                        current.prefill(),
                        prefillMissed,
                        prefillServing,
                        now,
                        prefillRequestMs,
                        model.prefill());
                pReason = st.reason();
                target = new Replicas(st.replicas(), target.decode());
            }
            if (settings.mode().scalesDecode()) {
                Step st = sloStep(
                        window,
                        dReason,
                        target.decode(),
                        current.decode(),
                        decodeMissed,
                        decodeServing,
                        now,
                        decodeRequestMs,
                        model.decode());
                dReason = st.reason();
                target = new Replicas(target.prefill(), st.replicas());
            }
        }
        return new LoadStep(pReason, dReason, target, estTtft, estItl);
    }

    private record Step(LoadReason reason, int replicas) {}

    /**
     * observed_slo_scaling for one component whose requests missed the SLO in the recent window: no scale-down, and a
     * scale-up to what the arrivals need (measured: serving engines x arrivals / completions; modelled: the
     * throughput formula on the window's arrivals) instead of one replica per run. Also when the load loop holds on
     * its own data (a worker count that has not caught up with a scale-up, a cold model): the window is its own
     * evidence, and a queue that waits for the next engine to register grows. Until engines that joined have settled
     * ({@link ServingSince}: the window plus a request of {@code requestMs}) the window's completions are the earlier
     * engines' work: the arrivals' need is measured on those, and "every engine serves and requests still wait" does
     * not add one more.
     */
    private Step sloStep(
            TrafficSample window,
            LoadReason reason,
            int desired,
            int current,
            boolean missed,
            ServingSince engines,
            Instant now,
            double requestMs,
            int model) {
        if (!missed) {
            return new Step(reason, desired);
        }
        // engines that joined have settled once the window holds only requests that started after the join
        Duration settle = recentWindow().plus(millis(requestMs));
        boolean settled = engines.settled(now, settle);
        int serving = engines.producing(now, settle);
        int needed = Math.max(ObservedSlo.neededForArrivals(window, serving, requestMs / 1000), model);
        if (settled && serving >= current) {
            // every replica already serves and requests still wait: the backlog only drains with more capacity than
            // the arrivals need (while replicas are still starting, their arrival is that capacity)
            needed = Math.max(needed, current + 1);
        }
        if (needed > Math.max(desired, current)) {
            return new Step(LoadReason.SCALE_UP_SLO_MISS, needed);
        }
        return desired < current
                ? new Step(LoadReason.SCALE_DOWN_REFUSED_SLO_MISS, current)
                : new Step(reason, desired);
    }

    /** Replicas the throughput formula gives for the recent window's arrivals (0 per component when it cannot). */
    private Replicas neededByModel(TrafficSample r, Replicas current) {
        double n = Double.isFinite(r.arrivals()) ? r.arrivals() : r.numRequests();
        if (!(n > 0) || !(r.isl() > 0) || !(r.osl() > 0) || !(r.windowSeconds() > 0)) {
            return Replicas.ZERO;
        }
        // the capacity the arrivals use up now; headroom is the throughput floor's job, and with a shared budget
        // what one component takes beyond its need another one misses
        ThroughputCalculator.Result res =
                throughput.compute(demand(n, r.isl(), r.osl(), r.windowSeconds()), capacity(), limits(), current);
        return res.reason() == ThroughputReason.SCALE ? res.replicas() : Replicas.ZERO;
    }

    /**
     * Throughput intervals a floor set now must cover: forecast_horizon_seconds (the workers' start-up) plus the
     * interval until the next floor, at least the next interval.
     */
    private int horizonSteps() {
        double interval = settings.throughputInterval().toNanos() / 1e9;
        double h = settings.forecastHorizon().toNanos() / 1e9;
        return interval > 0 ? Math.max(1, (int) Math.ceil((h + interval) / interval - 1e-9)) : 1;
    }

    /** A prompt of {@code isl} tokens on an idle engine, ms (NaN when unknown or the model cannot tell yet). */
    private double idleTtftMs(CapacityModel model, double isl) {
        if (!(isl > 0)) {
            return Double.NaN;
        }
        EngineCapacity c = model.prefill(isl, settings.ttftMs(), limits());
        return c == null ? Double.NaN : c.latencyMs();
    }

    private boolean fresh(TrafficSample r, Instant now) {
        return r.windowSeconds() > 0 && Duration.between(r.at(), now).compareTo(settings.maxEngineAge()) <= 0;
    }

    /** Engines serving a component now (the snapshot's count; the replica count when there is none). */
    private static Duration millis(double ms) {
        return Duration.ofMillis(Math.round(Math.max(0, ms)));
    }

    private static int serving(@Nullable List<EngineLoad> loads, int current) {
        return loads == null || loads.isEmpty() ? current : workers(loads);
    }

    /**
     * HPA-style scale-down stabilization: a component goes down only to the highest target recommended within
     * the window, so a dip between two busy periods does not release replicas that are needed again at once.
     */
    private Replicas stabilized(Instant now, Replicas current, Replicas target) {
        Duration window = settings.scaleDownStabilization();
        if (window.isZero()) {
            return target;
        }
        while (!recentTargets.isEmpty()
                && Duration.between(recentTargets.peekFirst().at(), now).compareTo(window) > 0) {
            recentTargets.removeFirst();
        }
        recentTargets.addLast(new Recent(now, target));
        int p = target.prefill();
        int d = target.decode();
        for (Recent e : recentTargets) {
            Replicas r = e.target();
            p = p < current.prefill() ? Math.min(current.prefill(), Math.max(p, r.prefill())) : p;
            d = d < current.decode() ? Math.min(current.decode(), Math.max(d, r.decode())) : d;
        }
        return new Replicas(p, d);
    }

    /**
     * Records this run's mean estimates and checks them against what requests saw in the current traffic window
     * (the pending sample, which covers the time since the last throughput run).
     */
    private void checkAgainstObserved(EngineSnapshot snapshot) {
        List<EngineLoad> p = settings.mode() == PoolMode.AGG ? snapshot.decode() : snapshot.prefill();
        correction.recordEstimates(
                LoadCalculator.meanTtftEstimate(p, fpmModel),
                LoadCalculator.meanItlEstimate(snapshot.decode(), fpmModel));
        if (pendingTraffic != null) {
            correction.observe(pendingTraffic.ttftMs(), pendingTraffic.itlMs());
        }
        if (settings.observedSloScaling() && recent != null && recent.numRequests() > 0) {
            // the recent window is fresher than the throughput window: a factor learned on a backlog that has
            // drained since no longer holds the estimates up for the rest of that window
            correction.observe(recent.ttftMs(), recent.itlMs());
        }
    }

    /**
     * A scale-down needs load_min_observations consecutive usable snapshots at this size and an estimate that has
     * been checked against observed latency (when the caller feeds traffic windows at all; a load-only caller
     * that never does keeps the plain estimates): a cold regression (few, light iterations) underestimates, and acting
     * on it takes workers away just before the traffic it never saw.
     */
    private LoadCalculator.Result guardScaleDown(LoadCalculator.Result r, boolean prefill) {
        if (r.reason() != LoadReason.SCALE_DOWN) {
            return r;
        }
        if (loadObservations < settings.minObservations()
                || (settings.sla() && trafficFed && !correction.checked(prefill))) {
            return new LoadCalculator.Result(LoadReason.INSUFFICIENT_DATA, r.desired() + 1, r.maxEstimateMs());
        }
        return r;
    }

    /**
     * The idle rule: a component whose engines were all idle (nothing queued, no KV in use, nothing running) in
     * load_min_observations consecutive load runs at this size, on top of the snapshot count, steps down by one
     * whatever the latency estimates say. With no requests there is no observed latency to check an estimate
     * against and the consolidation check has nothing to consolidate (0 x c = 0), so without this rule an idle
     * pool could never prove it may shrink; and a scale-up cannot help engines that have no work, so a component
     * idle at this snapshot never scales up (on a stale average or correction factor). Under load an engine is busy at most
     * snapshots, so the rule does not fire there, and one busy snapshot restarts the count. Requests of the latest
     * traffic window that missed the TTFT or ITL target (a burst between two snapshots) switch it off: then the
     * estimates and their correction decide as usual.
     */
    private LoadCalculator.Result idle(LoadCalculator.Result r, int idleRuns, int current) {
        if (idleRuns == 0 || recentSloMiss()) {
            return r;
        }
        if (r.reason() == LoadReason.SCALE_UP) {
            // no engine has work at this snapshot: one more engine cannot help (the estimate is an old average
            // or an old correction); right after a scale-down this kept an idle pool from scaling straight back up
            return new LoadCalculator.Result(LoadReason.NO_CHANGE, current, r.maxEstimateMs());
        }
        int min = settings.minObservations();
        if (idleRuns < min || loadObservations < min || r.reason() == LoadReason.NO_FPM_DATA) {
            return r;
        }
        boolean canStepDown = current > 1 && current > settings.minEndpoint();
        return canStepDown
                ? new LoadCalculator.Result(LoadReason.SCALE_DOWN, current - 1, r.maxEstimateMs())
                : new LoadCalculator.Result(LoadReason.NO_CHANGE, current, r.maxEstimateMs());
    }

    /** True when requests of the latest traffic window saw a mean TTFT or ITL over its target. */
    private boolean recentSloMiss() {
        TrafficSample t = lastTraffic;
        return t != null && (t.ttftMs() > settings.ttftMs() || t.itlMs() > settings.itlMs());
    }

    private static boolean allIdle(List<EngineLoad> loads) {
        if (loads.isEmpty()) {
            return false;
        }
        for (EngineLoad e : loads) {
            if (!e.finite() || e.queuedPrefillTokens() > 0 || e.kvTokens() > 0 || e.runningRequests() > 0) {
                return false;
            }
        }
        return true;
    }

    /** The components this planner does not scale stay as they are (a decode planner leaves prefill alone). */
    private Replicas onlyScaled(Replicas r, Replicas current) {
        return new Replicas(
                settings.mode().scalesPrefill() ? r.prefill() : current.prefill(),
                settings.mode().scalesDecode() ? r.decode() : current.decode());
    }

    /** @return why the load loop holds, or null when it may run on {@link #engines} */
    private @Nullable LoadReason loadGuard(Instant now, ReplicaState state) {
        if (state.scalingInProgress()) {
            loadObservations = 0;
            idlePrefillRuns = 0;
            idleDecodeRuns = 0;
            return LoadReason.SCALING_IN_PROGRESS;
        }
        if (engines == null) {
            return LoadReason.NO_FPM_DATA;
        }
        if (Duration.between(engines.at(), now).compareTo(settings.maxEngineAge()) > 0) {
            return LoadReason.STALE_DATA;
        }
        Replicas current = state.current();
        if ((settings.mode().scalesPrefill() && workers(engines.prefill()) != current.prefill())
                || (settings.mode().scalesDecode() && workers(engines.decode()) != current.decode())) {
            return LoadReason.WORKER_COUNT_MISMATCH;
        }
        loadObservations++;
        if (!settings.sla() && loadObservations < settings.minObservations()) {
            return LoadReason.INSUFFICIENT_DATA; // cold start: a few snapshots before acting on thresholds
        }
        return null;
    }

    private static int workers(List<EngineLoad> loads) {
        Set<String> ids = new HashSet<>();
        for (EngineLoad l : loads) {
            ids.add(l.workerId());
        }
        return ids.size();
    }

    private Replicas atLeastMinEndpoint(Replicas r) {
        int min = settings.minEndpoint();
        return new Replicas(
                settings.mode().scalesPrefill() ? Math.max(min, r.prefill()) : r.prefill(),
                settings.mode().scalesDecode() ? Math.max(min, r.decode()) : r.decode());
    }

    private static Action action(
            Replicas current,
            Replicas next,
            boolean ranT,
            ThroughputReason t,
            boolean ranL,
            LoadReason p,
            LoadReason d) {
        int dp = Integer.compare(next.prefill(), current.prefill());
        int dd = Integer.compare(next.decode(), current.decode());
        if (dp == 0 && dd == 0) {
            boolean tHeld = !ranT || (t != ThroughputReason.SCALE && t != ThroughputReason.SET_LOWER_BOUND);
            boolean lHeld =
                    !ranL || ((p.isHold() || p == LoadReason.DISABLED) && (d.isHold() || d == LoadReason.DISABLED));
            return tHeld && lHeld ? Action.HOLD : Action.NO_CHANGE;
        }
        if (dp >= 0 && dd >= 0) {
            return Action.SCALE_UP;
        }
        if (dp <= 0 && dd <= 0) {
            return Action.SCALE_DOWN;
        }
        return Action.REBALANCE;
    }

    private static ThroughputReason notRun(ThroughputReason r) {
        return r == ThroughputReason.DISABLED ? r : ThroughputReason.UNSET;
    }

    private static LoadReason notRun(LoadReason r) {
        return r == LoadReason.DISABLED ? r : LoadReason.UNSET;
    }

    private static boolean due(@Nullable Instant last, Duration interval, Instant now) {
        return last == null || !now.isBefore(last.plus(interval).minus(SLACK));
    }

    private EngineLimits limits() {
        if (engines != null) {
            for (EngineLoad e : engines.decode()) {
                return e.limits().orElse(settings.engineLimits());
            }
            for (EngineLoad e : engines.prefill()) {
                return e.limits().orElse(settings.engineLimits());
            }
        }
        return settings.engineLimits();
    }

    /** FPM regression per half when ready, else the profile. */
    private CapacityModel capacity() {
        return new CapacityModel() {
            @Override
            public boolean ready() {
                return fpmModel.ready() || (profileModel != null && profileModel.ready());
            }

            @Override
            public @Nullable EngineCapacity prefill(double i, double ttft, EngineLimits l) {
                return fpmModel.prefillReady()
                        ? fpmModel.prefill(i, ttft, l)
                        : profileModel == null ? null : profileModel.prefill(i, ttft, l);
            }

            @Override
            public @Nullable EngineCapacity decode(double i, double o, double itl, EngineLimits l) {
                return fpmModel.decodeReady()
                        ? fpmModel.decode(i, o, itl, l)
                        : profileModel == null ? null : profileModel.decode(i, o, itl, l);
            }

            @Override
            public String kind() {
                return "fpm-regression, else profile";
            }
        };
    }

    private static double rps(@Nullable EngineCapacity c) {
        return c == null ? Double.NaN : c.requestsPerSecond();
    }
}
