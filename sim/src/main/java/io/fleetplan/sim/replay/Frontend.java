package io.fleetplan.sim.replay;

import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.mocker.engine.Completion;
import io.fleetplan.mocker.engine.EngineRequest;
import io.fleetplan.mocker.engine.FinishReason;
import io.fleetplan.mocker.engine.SubmitResult;
import io.fleetplan.router.core.RouteDecision;
import io.fleetplan.router.core.RouteRequest;
import io.fleetplan.router.global.PoolAttempts;
import io.fleetplan.router.global.PoolPlan;
import io.fleetplan.router.global.PoolQuery;
import io.fleetplan.router.global.PoolSelector;
import io.fleetplan.sim.trace.TraceRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The Frontend + GlobalRouter of a replay, as event plumbing around the live Frontend's rules
 * ({@link PoolAttempts}: which pool, retry without a pool that has no ready worker, when no pool can serve):
 * feeds the trace's arrivals in order (one pending event at a time), routes with each pool's LocalRouter, hands
 * a prefilled request to the decode pool its plan chose, and records TTFT and ITL from the engines' modelled token
 * times. A request no pool can serve gets the Frontend's 503; the replay's client comes back after its
 * Retry-After and gives up {@link #MAX_WAIT_NANOS} after it first sent the request.
 */
final class Frontend {

    /** How long a client keeps coming back after 503s before the request counts as failed. */
    static final long MAX_WAIT_NANOS = 60_000_000_000L;

    private final VirtualScheduler scheduler;
    private final Cluster cluster;
    private final PoolSelector selector;
    private final List<TraceRequest> trace;
    private final long[][] hashes;
    private final RequestLog log;
    private final Predicate<String> ready;
    /** Per request in flight: its attempts so far (one HTTP request's), and the decode pool its plan chose. */
    private final PoolAttempts[] attempts;

    private final String[] decodePool;
    private int next;

    Frontend(
            VirtualScheduler scheduler,
            Cluster cluster,
            PoolSelector selector,
            List<TraceRequest> trace,
            long[][] hashes,
            RequestLog log) {
        this.scheduler = scheduler;
        this.cluster = cluster;
        this.selector = selector;
        this.trace = trace;
        this.hashes = hashes;
        this.log = log;
        this.ready = ns -> cluster.pool(ns).ready() > 0;
        this.attempts = new PoolAttempts[trace.size()];
        this.decodePool = new String[trace.size()];
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
                request(i);
            });
        }
    }

    /** The client sends the request (again, after a 503). */
    private void request(int i) {
        attempts[i] = new PoolAttempts(
                selector,
                new PoolQuery(trace.get(i).inputTokens(), null, null, null),
                PoolAttempts.DEFAULT_RETRY_AFTER_SECONDS);
        dispatch(i);
    }

    private void dispatch(int i) {
        TraceRequest r = trace.get(i);
        PoolAttempts a = attempts[i];
        while (a.mayAttempt()) {
            PoolPlan plan = a.plan(ready);
            if (!plan.servable()) {
                break;
            }
            EngineRequest request =
                    new EngineRequest("r" + i, null, r.inputTokens(), r.outputTokens(), null, hashes[i], null);
            if (plan.prefillPool() != null) {
                decodePool[i] = plan.decodePool();
                if (send(i, cluster.pool(plan.prefillPool()), request)) {
                    return;
                }
                a.prefillFailed(plan.prefillPool(), PoolAttempts.Failure.NO_READY_WORKER);
            } else {
                if (send(i, cluster.pool(plan.decodePool()), request)) {
                    return;
                }
                a.decodeFailed(plan.decodePool(), PoolAttempts.Failure.NO_READY_WORKER);
            }
        }
        unavailable(i);
    }

    /** @return false when the pool's router had no ready worker for it (the Frontend tries elsewhere) */
    private boolean send(int i, SimPool pool, EngineRequest request) {
        RouteDecision d = pool.router().route(RouteRequest.of(request.requestId(), hashes[i], request.promptTokens()));
        if (!d.routed()) {
            return false;
        }
        pool.arrivals++;
        pool.routed(d.kvHitRate());
        pool.sumIsl += request.promptTokens();
        pool.sumOsl += request.maxTokens();
        pool.submitted(
                request.requestId(),
                scheduler.nanoTime(),
                request.promptTokens(),
                d.uncachedTokens(request.promptTokens()));
        SubmitResult s = pool.worker(d.workerId()).engine.submit(request);
        if (!s.accepted()) {
            pool.left(request.requestId(), scheduler.nanoTime());
            pool.router().finished(request.requestId());
            fail(i, RequestLog.Failure.REFUSED);
        }
        return true;
    }

    /** 503: the client comes back after the Retry-After, unless it has waited too long already. */
    private void unavailable(int i) {
        if (scheduler.nanoTime() - trace.get(i).arrivalNanos() >= MAX_WAIT_NANOS) {
            fail(i, RequestLog.Failure.NO_READY_WORKER);
            return;
        }
        scheduler.schedule(Duration.ofSeconds(attempts[i].retryAfterSeconds()), () -> request(i));
    }

    void firstToken(EngineRequest request, long nanos) {
        log.firstToken(index(request), nanos);
    }

    void finished(SimPool pool, EngineRequest request, Completion c) {
        int i = index(request);
        if (c.reason() != FinishReason.LENGTH) {
            fail(
                    i,
                    c.reason() == FinishReason.ABORTED
                            ? RequestLog.Failure.ABORTED_ON_DRAIN
                            : RequestLog.Failure.REFUSED);
            return;
        }
        if (c.handoff() != null) {
            // prefill done: the first token reaches the client now (after the KV transfer)
            log.firstToken(i, c.finishNanos());
            TraceRequest r = trace.get(i);
            if (r.outputTokens() <= 1) {
                complete(pool, i, c.finishNanos(), 1, c.finishNanos());
                return;
            }
            pool.completions++;
            pool.sumTtftMs += pool.finished(request.requestId(), c.finishNanos());
            EngineRequest decode = new EngineRequest(
                    request.requestId(), null, r.inputTokens(), r.outputTokens(), null, hashes[i], c.handoff());
            if (!send(i, cluster.pool(decodePool[i]), decode)) {
                // as the live Frontend: that decode pool is left out and the request planned (and prefilled) again
                attempts[i].decodeFailed(decodePool[i], PoolAttempts.Failure.NO_READY_WORKER);
                dispatch(i);
            }
            return;
        }
        int tokens = c.handoff() == null && request.handoff() != null ? c.completionTokens() + 1 : c.completionTokens();
        if (c.firstTokenNanos() > 0) {
            log.firstToken(i, c.firstTokenNanos());
        }
        complete(pool, i, c.finishNanos(), tokens, c.firstTokenNanos() > 0 ? c.firstTokenNanos() : c.finishNanos());
    }

    /**
     * @param poolFirstTokenNanos the request's first token from this pool's engine: the pool's TTFT is timed from
     *     its submission to the pool, as the pool's router times it live (for a decode pool, the wait for a batch
     *     slot and KV after the handoff)
     */
    private void complete(SimPool pool, int i, long finishNanos, int tokens, long poolFirstTokenNanos) {
        log.done(i, finishNanos, tokens);
        forget(i);
        pool.completions++;
        double ttft = pool.finished("r" + i, poolFirstTokenNanos);
        pool.sumTtftMs += Double.isNaN(ttft) ? log.ttftMs(i) : ttft;
        pool.sumItlMs += log.itlMs(i);
    }

    private void fail(int i, RequestLog.Failure why) {
        log.failed(i, scheduler.nanoTime(), why);
        forget(i);
    }

    private void forget(int i) {
        attempts[i] = null;
        decodePool[i] = null;
    }

    private static int index(EngineRequest request) {
        return Integer.parseInt(request.requestId(), 1, request.requestId().length(), 10);
    }
}
