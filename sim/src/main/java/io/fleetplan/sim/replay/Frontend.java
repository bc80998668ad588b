package io.fleetplan.sim.replay;

import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.mocker.engine.Completion;
import io.fleetplan.mocker.engine.EngineRequest;
import io.fleetplan.mocker.engine.FinishReason;
import io.fleetplan.mocker.engine.SubmitResult;
import io.fleetplan.router.core.RouteDecision;
import io.fleetplan.router.core.RouteRequest;
import io.fleetplan.router.global.PoolPlan;
import io.fleetplan.router.global.PoolQuery;
import io.fleetplan.router.global.PoolSelector;
import io.fleetplan.sim.trace.TraceRequest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * The Frontend + GlobalRouter of a replay: feeds the trace's arrivals in order (one pending event at a time),
 * picks pools with the real {@link PoolSelector}, routes with each pool's LocalRouter, hands a prefilled request
 * to a decode pool, and records TTFT and ITL from the engines' modelled token times. A request no pool can take
 * waits at the frontend and is retried when a worker becomes ready, or fails after {@link #MAX_WAIT_NANOS}.
 */
final class Frontend {

    /** How long a request may wait at the frontend for a ready worker before it fails (503). */
    static final long MAX_WAIT_NANOS = 60_000_000_000L;

    private final VirtualScheduler scheduler;
    private final Cluster cluster;
    private final PoolSelector selector;
    private final List<TraceRequest> trace;
    private final long[][] hashes;
    private final RequestLog log;
    private final Deque<Integer> waiting = new ArrayDeque<>();
    private int next;

    Frontend(VirtualScheduler scheduler, Cluster cluster, PoolSelector selector, List<TraceRequest> trace,
            long[][] hashes, RequestLog log) {
        this.scheduler = scheduler;
        this.cluster = cluster;
        this.selector = selector;
        this.trace = trace;
        this.hashes = hashes;
        this.log = log;
    }

    /** Schedules the first arrival; each arrival schedules the next. */
    void start() {
        scheduleNext();
    }

    private void scheduleNext() {
        if (next < trace.size()) {
            int i = next++;
            scheduler.scheduleAtNanos(trace.get(i).arrivalNanos(), () -> {
                log.arrived(i, scheduler.nanoTime());
                scheduleNext();
                dispatch(i);
            });
        }
    }

    private void dispatch(int i) {
        TraceRequest r = trace.get(i);
        PoolPlan plan = selector.plan(new PoolQuery(r.inputTokens(), null, null, null),
                ns -> cluster.pool(ns).ready() > 0, Set.of());
        boolean disagg = selector.config().disaggregated();
        if (!plan.servable() || (disagg && plan.prefillPool() == null)) {
            park(i);
            return;
        }
        String id = "r" + i;
        if (disagg) {
            SimPool prefill = cluster.pool(plan.prefillPool());
            // the prefill pool's request carries the decode pool in a side table: the handoff picks it again
            send(i, prefill, new EngineRequest(id, null, r.inputTokens(), r.outputTokens(), null, hashes[i], null));
        } else {
            send(i, cluster.pool(plan.decodePool()),
                    new EngineRequest(id, null, r.inputTokens(), r.outputTokens(), null, hashes[i], null));
        }
    }

    private void send(int i, SimPool pool, EngineRequest request) {
        RouteDecision d = pool.router().route(RouteRequest.of(request.requestId(), hashes[i], request.promptTokens()));
        if (!d.routed()) {
            park(i);
            return;
        }
        if (request.handoff() == null) {
            pool.arrivals++;
            pool.sumIsl += request.promptTokens();
            pool.sumOsl += request.maxTokens();
        }
        SubmitResult s = pool.worker(d.workerId()).engine.submit(request);
        if (!s.accepted()) {
            pool.router().finished(request.requestId());
            log.failed(i, scheduler.nanoTime(), RequestLog.Failure.REFUSED);
        }
    }

    /** A request waits for a ready worker; it fails once it has waited too long. */
    private void park(int i) {
        if (scheduler.nanoTime() - trace.get(i).arrivalNanos() >= MAX_WAIT_NANOS) {
            log.failed(i, scheduler.nanoTime(), RequestLog.Failure.NO_READY_WORKER);
            return;
        }
        boolean first = waiting.isEmpty();
        waiting.add(i);
        if (first) {
            scheduler.schedule(java.time.Duration.ofSeconds(1), this::retryWaiting);
        }
    }

    private void retryWaiting() {
        int n = waiting.size();
        for (int k = 0; k < n && !waiting.isEmpty(); k++) {
            dispatch(waiting.poll());
        }
    }

    /** A worker became ready somewhere: parked requests try again. */
    void poolReady(SimPool pool) {
        if (!waiting.isEmpty()) {
            scheduler.execute(this::retryWaiting);
        }
    }

    void firstToken(EngineRequest request, long nanos) {
        log.firstToken(index(request), nanos);
    }

    void finished(SimPool pool, EngineRequest request, Completion c) {
        int i = index(request);
        long now = scheduler.nanoTime();
        if (c.reason() != FinishReason.LENGTH) {
            log.failed(i, now, c.reason() == FinishReason.ABORTED ? RequestLog.Failure.ABORTED_ON_DRAIN
                    : RequestLog.Failure.REFUSED);
            return;
        }
        if (c.handoff() != null) {
            // prefill done: the first token reaches the client now (after the KV transfer)
            log.firstToken(i, c.finishNanos());
            TraceRequest r = trace.get(i);
            if (r.outputTokens() <= 1) {
                complete(pool, i, c.finishNanos(), 1);
                return;
            }
            PoolPlan plan = selector.plan(new PoolQuery(r.inputTokens(), null, null, null),
                    ns -> cluster.pool(ns).ready() > 0, Set.of());
            if (plan.decodePool() == null) {
                log.failed(i, now, RequestLog.Failure.NO_READY_WORKER);
                return;
            }
            SimPool decode = cluster.pool(plan.decodePool());
            decode.arrivals++;
            decode.sumIsl += r.inputTokens();
            decode.sumOsl += r.outputTokens();
            pool.completions++;
            pool.sumTtftMs += log.ttftMsRaw(i);
            sendDecode(i, decode, new EngineRequest(request.requestId(), null, r.inputTokens(), r.outputTokens(), null,
                    hashes[i], c.handoff()), 0);
            return;
        }
        int tokens = c.handoff() == null && request.handoff() != null ? c.completionTokens() + 1 : c.completionTokens();
        if (c.firstTokenNanos() > 0) {
            log.firstToken(i, c.firstTokenNanos());
        }
        complete(pool, i, c.finishNanos(), tokens);
    }

    private void sendDecode(int i, SimPool decode, EngineRequest request, int attempt) {
        RouteDecision d = decode.router().route(RouteRequest.of(request.requestId(), hashes[i], request.promptTokens()));
        if (!d.routed()) {
            if (scheduler.nanoTime() - trace.get(i).arrivalNanos() >= MAX_WAIT_NANOS) {
                log.failed(i, scheduler.nanoTime(), RequestLog.Failure.NO_READY_WORKER);
            } else {
                scheduler.schedule(java.time.Duration.ofMillis(500), () -> sendDecode(i, decode, request, attempt + 1));
            }
            return;
        }
        SubmitResult s = decode.worker(d.workerId()).engine.submit(request);
        if (!s.accepted()) {
            decode.router().finished(request.requestId());
            log.failed(i, scheduler.nanoTime(), RequestLog.Failure.REFUSED);
        }
    }

    private void complete(SimPool pool, int i, long finishNanos, int tokens) {
        log.done(i, finishNanos, tokens);
        pool.completions++;
        pool.sumTtftMs += log.ttftMs(i);
        pool.sumItlMs += log.itlMs(i);
    }

    private static int index(EngineRequest request) {
        return Integer.parseInt(request.requestId(), 1, request.requestId().length(), 10);
    }
}
