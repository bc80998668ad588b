package io.fleetplan.router.global;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One request's way through the pools, free of I/O: the Frontend's rules for which pools to try, what a pool's
 * failure before the first token leads to, and when no pool can serve. The live Frontend ({@code GenerationFlow})
 * and the replay's frontend both follow it, so a replay retries, falls back and gives up as the product does.
 *
 * <p>Each {@link #plan} is one attempt: the selector's choice among the ready pools, without the pools that
 * already failed this request. A pool that answers "no ready worker" (or, with {@code enable_priority_retry},
 * fails in any way before the first token) is excluded and the request planned again, at most once per pool plus
 * the first attempt. When no pool can serve, the client is told to come back after {@link #retryAfterSeconds}.
 */
public final class PoolAttempts {

    /** How a pool's call failed before the first token (gRPC status codes, by meaning). */
    public enum Failure {
        /** No ready worker ({@code UNAVAILABLE}). */
        NO_READY_WORKER,
        /** The request is malformed ({@code INVALID_ARGUMENT}). */
        INVALID,
        /** Every worker is over its busy threshold ({@code RESOURCE_EXHAUSTED}). */
        OVERLOADED,
        /** Anything else. */
        OTHER
    }

    /** What the Frontend does next. */
    public enum Next {
        /** Plan again without the failed pool. */
        RETRY_ELSEWHERE,
        /** The prefill failed: decode locally on the chosen decode pool (Dynamo's disaggregated guide). */
        DECODE_ONLY,
        /** Answer 400. */
        REJECT_INVALID,
        /** Answer 529 (Dynamo's answer when every worker is busy). */
        REJECT_OVERLOADED,
        /** Answer 500. */
        FAIL
    }

    /** The Retry-After of a 503 unless configured (FrontendConfig {@code retry_after_seconds}). */
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;

    private final PoolSelector selector;
    private final PoolQuery query;
    private final int retryAfterSeconds;
    private final Set<String> excluded = new HashSet<>();
    /** Excluded pools whose failure was having no ready worker: they may serve again once they have one. */
    private final Set<String> unready = new HashSet<>();

    private int attempts;

    /** @param retryAfterSeconds the Retry-After of a 503 (FrontendConfig {@code retry_after_seconds}) */
    public PoolAttempts(PoolSelector selector, PoolQuery query, int retryAfterSeconds) {
        this.selector = selector;
        this.query = query;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** True while another attempt is allowed: one per pool, plus the first. */
    public boolean mayAttempt() {
        return attempts <= selector.config().allPools().size();
    }

    /** The number of attempts planned so far. */
    public int attempts() {
        return attempts;
    }

    /** Starts an attempt: where the request goes, among the ready pools that have not failed it. */
    public PoolPlan plan(Predicate<String> ready) {
        attempts++;
        return selector.plan(query, ready, excluded);
    }

    /**
     * The same attempt planned again on fresher readiness (the live Frontend polls the routers once before
     * answering 503); does not count as another attempt.
     */
    public PoolPlan replan(Predicate<String> ready) {
        return selector.plan(query, ready, excluded);
    }

    /**
     * Planned again after the request waited for readiness: a pool excluded for having no ready worker (its router
     * restarting, its last worker being replaced) is admitted again once it is ready. Does not count as another
     * attempt.
     */
    public PoolPlan replanAfterWait(Predicate<String> ready) {
        excluded.removeIf(p -> unready.contains(p) && ready.test(p));
        return selector.plan(query, ready, excluded);
    }

    /** The prefill pool failed before its token; {@link Next#RETRY_ELSEWHERE} excludes it. */
    public Next prefillFailed(String pool, Failure f) {
        if (f == Failure.INVALID) {
            return Next.REJECT_INVALID;
        }
        if (f == Failure.NO_READY_WORKER || selector.config().enablePriorityRetry()) {
            exclude(pool, f);
            return Next.RETRY_ELSEWHERE;
        }
        return Next.DECODE_ONLY;
    }

    /** The decode (or aggregated) pool failed before the first token; {@link Next#RETRY_ELSEWHERE} excludes it. */
    public Next decodeFailed(String pool, Failure f) {
        boolean priorityRetry = selector.config().enablePriorityRetry();
        if (f == Failure.INVALID) {
            return Next.REJECT_INVALID;
        }
        if (f == Failure.OVERLOADED && !priorityRetry) {
            return Next.REJECT_OVERLOADED;
        }
        if (f == Failure.NO_READY_WORKER || priorityRetry) {
            exclude(pool, f);
            return Next.RETRY_ELSEWHERE;
        }
        return Next.FAIL;
    }

    private void exclude(String pool, Failure f) {
        excluded.add(pool);
        if (f == Failure.NO_READY_WORKER) {
            unready.add(pool);
        }
    }

    /** The Retry-After of the 503 when no pool can serve: when the client should come back. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
