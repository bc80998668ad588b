package io.fleetplan.sim.replay;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.common.time.Scheduler;
import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.mocker.engine.Completion;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.EngineListener;
import io.fleetplan.mocker.engine.EngineRequest;
import io.fleetplan.mocker.engine.FinishReason;
import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.mocker.engine.KvEvent;
import io.fleetplan.mocker.engine.MockEngine;
import io.fleetplan.mocker.engine.Role;
import io.fleetplan.mocker.profile.TimingModels;
import io.fleetplan.pool.core.FinishedPrompts;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.router.core.KvEvent.Removed;
import io.fleetplan.router.core.KvEvent.Stored;
import io.fleetplan.router.core.PoolRouter;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.core.WorkerRole;
import io.fleetplan.router.core.WorkerSpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * One worker pool in virtual time: its LocalRouter ({@link PoolRouter}), its mocker engines, worker start-up and
 * drain. Scaling only moves {@link #target()}; a new worker serves after the start-up delay, a removed one
 * stops taking requests and leaves when its last request ends (or is aborted when the drain grace expires).
 * Also keeps the cumulative traffic counters the policies read. Single-threaded (the event loop).
 */
public final class SimPool {

    /** Where a worker is in its life. */
    public enum State {
        STARTING,
        READY,
        DRAINING,
        STOPPED
    }

    private final StackConfig.Pool spec;
    private final EngineConfig engineConfig;
    private final EngineLimits limits;
    private final VirtualScheduler scheduler;
    private final PoolRouter router;
    private final Cluster cluster;
    private final boolean kvEvents;
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private long nextWorker;
    private int target;
    private BiConsumer<String, ForwardPass> fpmSink;

    /** Requests submitted to this pool without a first token yet, in submission order (the first is the oldest). */
    private final LinkedHashMap<String, Submitted> waiting = new LinkedHashMap<>();
    /** When each request in the pool was submitted (until it leaves): the pool's own TTFT, as its router times it. */
    private final Map<String, Submitted> submittedAt = new HashMap<>();

    /** A request's submission: when, its prompt, and the prompt tokens its engine computes (less the cache hit). */
    private record Submitted(long nanos, int isl, int newTokens) {}

    /** Requests that got their first token, oldest first, as long as a recent window may reach back. */
    private final ArrayDeque<Prompt> prompts = new ArrayDeque<>();

    private record Prompt(long nanos, int newTokens, double ttftMs) {}

    /** How far back {@link #finishedPrompts} may be asked (the planner's recent window is 10-60 s). */
    private static final long PROMPTS_KEPT_NANOS = 300_000_000_000L;

    // cumulative counters (policies take differences)
    long arrivals;
    long sumIsl;
    private double sumKvHitRate;
    private long routedCount;
    long sumOsl;
    long completions;
    double sumTtftMs;
    double sumItlMs;
    long scaleEvents;

    private final PoolMode poolMode;

    SimPool(
            StackConfig.Pool spec,
            EngineConfig engineConfig,
            VirtualScheduler scheduler,
            Cluster cluster,
            boolean kvEvents,
            long seed) {
        this.spec = spec;
        this.poolMode = PoolMode.of(spec.mode());
        this.engineConfig = engineConfig;
        this.scheduler = scheduler;
        this.cluster = cluster;
        this.kvEvents = kvEvents;
        this.limits = new EngineLimits(
                (long) engineConfig.numGpuBlocks() * engineConfig.blockSize(),
                engineConfig.maxNumBatchedTokens(),
                engineConfig.maxNumSeqs());
        RouterConfig rc = RouterConfig.builder()
                .blockSize(engineConfig.blockSize())
                .useKvEvents(kvEvents)
                .seed(seed)
                .build();
        this.router = new PoolRouter(rc, scheduler.clock(), new SplittableRandom(seed));
    }

    /** One mocker engine and its life cycle. */
    final class Worker implements EngineListener {
        final String id;
        final MockEngine engine;
        State state = State.STARTING;
        Scheduler.Cancellable pending;
        ForwardPass last;

        Worker(String id) {
            this.id = id;
            this.engine = new MockEngine(engineConfig, TimingModels.of(engineConfig), scheduler, this);
        }

        @Override
        public void onFinished(EngineRequest request, Completion completion) {
            router.finished(request.requestId());
            if (completion.reason() != FinishReason.LENGTH) {
                left(request.requestId(), completion.finishNanos()); // aborted or refused: no first token to wait for
            }
            cluster.frontend().finished(SimPool.this, request, completion);
            if (state == State.DRAINING && engine.inFlight() == 0) {
                stop(this);
            }
        }

        @Override
        public void onTokens(EngineRequest request, int firstIndex, int count, long timeNanos) {
            if (!waiting.isEmpty()) {
                waiting.remove(request.requestId());
            }
            if (firstIndex == 0 && engineConfig.role() == Role.AGGREGATED) {
                router.firstToken(request.requestId());
                cluster.frontend().firstToken(request, timeNanos);
            }
        }

        @Override
        public void onForwardPass(ForwardPass fpm) {
            last = fpm;
            if (fpmSink != null) {
                fpmSink.accept(id, fpm);
            }
        }

        @Override
        public boolean wantsKvEvents() {
            return kvEvents;
        }

        @Override
        public void onKvEvent(KvEvent event, long timeNanos) {
            router.applyKvEvent(
                    id,
                    switch (event) {
                        case KvEvent.Stored s ->
                            new Stored(s.hasParent(), s.parentHash(), s.blockHashes(), s.tokensHashes());
                        case KvEvent.Removed r -> new Removed(r.blockHashes());
                    });
        }
    }

    public String name() {
        return spec.name();
    }

    public StackConfig.Pool spec() {
        return spec;
    }

    public String mode() {
        return spec.mode();
    }

    /** The pool's mode as its planner reads it (a replayed pool is prefill, decode or agg). */
    public PoolMode poolMode() {
        return poolMode;
    }

    /** The one sub-component the pool's engines are; it says which slot of a planner's replicas they count in. */
    public SubType subType() {
        return poolMode.subTypes().get(0);
    }

    public int gpusPerReplica() {
        return spec.gpusPerReplica();
    }

    Cluster cluster() {
        return cluster;
    }

    public EngineConfig engineConfig() {
        return engineConfig;
    }

    PoolRouter router() {
        return router;
    }

    Worker worker(String id) {
        return workers.get(id);
    }

    /** Replicas asked for: starting plus ready (draining ones are on their way out). */
    public int target() {
        return target;
    }

    public int ready() {
        return count(State.READY);
    }

    public int starting() {
        return count(State.STARTING);
    }

    public int draining() {
        return count(State.DRAINING);
    }

    /** Workers holding GPUs (starting, ready, draining). */
    public int holding() {
        return workers.size();
    }

    private int count(State s) {
        int n = 0;
        for (Worker w : workers.values()) {
            n += w.state == s ? 1 : 0;
        }
        return n;
    }

    /** Requests in the pool's engines (queued or running), draining engines included. */
    public int inFlight() {
        int n = 0;
        for (Worker w : workers.values()) {
            n += w.engine.inFlight();
        }
        return n;
    }

    /** Requests waiting in the ready engines' queues. */
    public int waiting() {
        int n = 0;
        for (Worker w : workers.values()) {
            if (w.state == State.READY) {
                n += w.engine.load().numWaiting();
            }
        }
        return n;
    }

    /**
     * A request with a prompt of {@code isl} tokens ({@code newTokens} of them not cached) was handed to one of this
     * pool's engines at {@code nanos}; it waits for its first token.
     */
    void submitted(String requestId, long nanos, int isl, int newTokens) {
        Submitted s = new Submitted(nanos, isl, newTokens);
        waiting.put(requestId, s);
        submittedAt.put(requestId, s);
    }

    /**
     * The request's first token (prefill: its prefill done) came at {@code firstTokenNanos}, or it left the pool:
     * the time since its submission in ms (the pool's own TTFT), NaN when it was not in the pool.
     */
    double left(String requestId, long firstTokenNanos) {
        waiting.remove(requestId);
        Submitted at = submittedAt.remove(requestId);
        return at == null ? Double.NaN : (firstTokenNanos - at.nanos()) / 1e6;
    }

    /**
     * The request finished in this pool (prefill: handed off; otherwise done) with its first token at
     * {@code firstTokenNanos}: as {@link #left}, and remembered for {@link #finishedPrompts}.
     */
    double finished(String requestId, long firstTokenNanos) {
        Submitted at = submittedAt.get(requestId);
        double ttft = left(requestId, firstTokenNanos);
        if (at != null && Double.isFinite(ttft)) {
            long now = scheduler.nanoTime();
            prompts.addLast(new Prompt(now, at.newTokens(), ttft));
            while (prompts.peekFirst().nanos() < now - PROMPTS_KEPT_NANOS) {
                prompts.removeFirst();
            }
        }
        return ttft;
    }

    /** Requests that finished here after {@code sinceNanos}, one by one (the LocalRouter's stream gives them). */
    public FinishedPrompts finishedPrompts(long sinceNanos) {
        FinishedPrompts.Builder b = new FinishedPrompts.Builder();
        Iterator<Prompt> it = prompts.descendingIterator();
        while (it.hasNext()) {
            Prompt p = it.next();
            if (p.nanos() <= sinceNanos) {
                break;
            }
            b.add(p.newTokens(), p.ttftMs());
        }
        return b.build();
    }

    /** How long the oldest request still without a first token has waited by now, ms; 0 when none. */
    public double oldestWaitingMs() {
        return waiting.isEmpty()
                ? 0
                : Math.max(
                        0,
                        (scheduler.nanoTime()
                                        - waiting.values().iterator().next().nanos())
                                / 1e6);
    }

    /** Prompt tokens of the request {@link #oldestWaitingMs()} times; NaN when none waits. */
    public double oldestWaitingIsl() {
        return waiting.isEmpty()
                ? Double.NaN
                : waiting.values().iterator().next().isl();
    }

    public long arrivals() {
        return arrivals;
    }

    /** A request was routed with this predicted KV hit rate (the router's kv_hit_rate histogram). */
    void routed(double kvHitRate) {
        sumKvHitRate += kvHitRate;
        routedCount++;
    }

    /** Cumulative sum of routed requests' predicted hit rates (router_kv_hit_rate_sum). */
    public double sumKvHitRate() {
        return sumKvHitRate;
    }

    /** Requests routed (router_kv_hit_rate_count). */
    public long routedCount() {
        return routedCount;
    }

    public long sumIsl() {
        return sumIsl;
    }

    public long sumOsl() {
        return sumOsl;
    }

    public long completions() {
        return completions;
    }

    public double sumTtftMs() {
        return sumTtftMs;
    }

    public double sumItlMs() {
        return sumItlMs;
    }

    public long scaleEvents() {
        return scaleEvents;
    }

    /** Receives every engine iteration's forward-pass metrics (one sink; null = none). */
    public void fpmSink(BiConsumer<String, ForwardPass> sink) {
        this.fpmSink = sink;
    }

    /** The ready engines' load, from their last iteration (what the planner's load loop reads). */
    public List<EngineLoad> engineLoads() {
        List<EngineLoad> loads = new ArrayList<>();
        for (Worker w : workers.values()) {
            if (w.state != State.READY) {
                continue;
            }
            loads.add(ForwardPasses.load(w.id, w.last, limits, w.engine.load().numRunning()));
        }
        return loads;
    }

    /**
     * Moves the target: starts workers (ready after {@code startup}) or removes some, newest starting ones
     * first (they serve nothing yet), then the ready ones with the fewest requests in flight (drain).
     */
    void setTarget(int n, Duration startup, Duration drainGrace) {
        if (n == target) {
            return;
        }
        scaleEvents++;
        while (target < n) {
            Worker w = new Worker(spec.name() + "-" + nextWorker++);
            workers.put(w.id, w);
            cluster.gpusChanged(spec.gpusPerReplica());
            cluster.workerStarted(spec.gpusPerReplica());
            w.pending = scheduler.schedule(startup, () -> becomeReady(w));
            target++;
        }
        while (target > n) {
            Worker victim = null;
            for (Worker w : workers.values()) {
                if (w.state == State.STARTING) {
                    victim = w; // the last starting one wins: newest first
                }
            }
            if (victim != null) {
                victim.pending.cancel();
                stop(victim);
            } else {
                for (Worker w : workers.values()) {
                    if (w.state == State.READY && (victim == null || w.engine.inFlight() <= victim.engine.inFlight())) {
                        victim = w;
                    }
                }
                drain(victim, drainGrace);
            }
            target--;
        }
    }

    private void becomeReady(Worker w) {
        if (w.state != State.STARTING) {
            return;
        }
        w.state = State.READY;
        w.engine.start();
        WorkerRole role = switch (engineConfig.role()) {
            case PREFILL -> WorkerRole.PREFILL;
            case DECODE -> WorkerRole.DECODE;
            default -> WorkerRole.AGGREGATED;
        };
        router.register(new WorkerSpec(
                w.id,
                role,
                spec.name(),
                "",
                engineConfig.blockSize(),
                engineConfig.numGpuBlocks(),
                engineConfig.maxNumBatchedTokens(),
                engineConfig.maxNumSeqs()));
        cluster.workersChanged();
    }

    private void drain(Worker w, Duration grace) {
        w.state = State.DRAINING;
        router.setDraining(w.id, true);
        if (w.engine.inFlight() == 0) {
            stop(w);
            return;
        }
        w.pending = scheduler.schedule(grace, () -> {
            if (w.state == State.DRAINING) {
                w.engine.abortAll(); // its requests fail: counted as aborted on drain
                stop(w);
            }
        });
    }

    private void stop(Worker w) {
        if (w.state == State.STOPPED) {
            return;
        }
        boolean wasRegistered = w.state != State.STARTING;
        w.state = State.STOPPED;
        if (w.pending != null) {
            w.pending.cancel();
        }
        w.engine.stop();
        if (wasRegistered) {
            router.deregister(w.id);
        }
        workers.remove(w.id);
        cluster.gpusChanged(-spec.gpusPerReplica());
    }

    /** Initial replicas, ready at time 0 (the deployment existed before the trace starts). */
    void startInitial(int n) {
        for (int i = 0; i < n; i++) {
            Worker w = new Worker(spec.name() + "-" + nextWorker++);
            workers.put(w.id, w);
            cluster.gpusChanged(spec.gpusPerReplica());
            target++;
            becomeReady(w);
        }
    }

    /** What a live worker's RouterLink does every heartbeat interval: tells the router it is alive. */
    void heartbeat() {
        for (Worker w : workers.values()) {
            if (w.state == State.READY || w.state == State.DRAINING) {
                router.heartbeat(w.id, w.state == State.DRAINING, null);
            }
        }
    }

    /** Stops every engine's timers at the end of a replay. */
    void shutdown() {
        for (Worker w : List.copyOf(workers.values())) {
            w.engine.stop();
        }
    }
}
