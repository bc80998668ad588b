package io.fleetplan.router.frontend;

import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.KvTransferParams;
import io.fleetplan.router.global.PoolPlan;
import io.fleetplan.router.global.PoolQuery;
import io.fleetplan.router.global.PoolSelector;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One request through the GlobalRouter and the pools: pick pools, run remote prefill (max_tokens = 1) on the
 * prefill pool and hand its KV transfer parameters to the decode pool, or send straight to an aggregated pool;
 * stream the decode pool's tokens to the sink. A pool that answers "no ready worker" (or fails before the first
 * token, with enable_priority_retry) is excluded and the pools are chosen again, so a request is never sent to
 * a pool without a ready worker while another can serve. A failed prefill falls back to decode-only.
 * Runs on the caller's (virtual) thread and blocks.
 */
final class GenerationFlow {

    /** Receives generated tokens; an IOException means the client went away. */
    interface TokenSink {
        void tokens(int[] ids) throws IOException;
    }

    /** What came out. */
    record Result(int completionTokens, int cachedTokens, String finishReason, String prefillWorker,
                  String decodeWorker) {
    }

    /** The client went away mid-stream. */
    static final class ClientGone extends RuntimeException {
        ClientGone(Throwable cause) {
            super("client disconnected", cause, false, false);
        }
    }

    /** The decode stream failed after tokens were sent; too late to answer with an HTTP error. */
    static final class StreamBroken extends RuntimeException {
        StreamBroken(String message) {
            super(message, null, false, false);
        }
    }

    private final PoolSelector selector;
    private final PoolClients pools;
    private final int retryAfterSeconds;
    private final AtomicLong ids = new AtomicLong();

    GenerationFlow(PoolSelector selector, PoolClients pools, int retryAfterSeconds) {
        this.selector = selector;
        this.pools = pools;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    Result run(String requestId, CompletionJob job, TokenSink sink, StageTracker stages) {
        Set<String> excluded = new HashSet<>();
        PoolQuery query = new PoolQuery(job.promptTokens().length, job.ttftTargetMs(), job.itlTargetMs(),
                job.priority());
        boolean priorityRetry = selector.config().enablePriorityRetry();
        StatusRuntimeException last = null;
        for (int attempt = 0; attempt <= selector.config().allPools().size(); attempt++) {
            PoolPlan plan = selector.plan(query, pools::ready, excluded);
            if (!plan.servable()) {
                String why = last == null ? "" : " (last error: " + last.getStatus().getDescription() + ")";
                throw ApiError.unavailable("No pool has a ready worker for model '" + job.model() + "'" + why,
                        retryAfterSeconds);
            }
            KvTransferParams handoff = null;
            String prefillWorker = null;
            if (plan.prefillPool() != null) {
                try {
                    GenerateResponse done = prefill(plan.prefillPool(), requestId, job);
                    prefillWorker = done.getWorkerId();
                    handoff = done.hasKvTransfer() ? done.getKvTransfer() : KvTransferParams.newBuilder()
                            .setPrefillWorkerId(done.getWorkerId()).setTransferredTokens(job.promptTokens().length)
                            .build();
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                        throw ApiError.invalid(null, e.getStatus().getDescription());
                    }
                    if (e.getStatus().getCode() == Status.Code.UNAVAILABLE || priorityRetry) {
                        pools.markUnready(plan.prefillPool());
                        excluded.add(plan.prefillPool());
                        last = e;
                        continue;
                    }
                    // Dynamo's disaggregated guide: a failed remote prefill falls back to decode-only
                    handoff = null;
                }
            }
            try {
                stages.enter("dispatch");
                return decode(plan.decodePool(), requestId, job, handoff, prefillWorker, sink);
            } catch (NoTokens e) {
                StatusRuntimeException cause = e.cause;
                Status.Code code = cause.getStatus().getCode();
                if (code == Status.Code.INVALID_ARGUMENT) {
                    throw ApiError.invalid(null, cause.getStatus().getDescription());
                }
                if (code == Status.Code.RESOURCE_EXHAUSTED && !priorityRetry) {
                    // Dynamo (current) answers 529 when every worker is over its busy threshold
                    throw new ApiError(529, "overloaded_error", "All workers are busy: "
                            + cause.getStatus().getDescription(), null, "overloaded", "overload", retryAfterSeconds);
                }
                if (code == Status.Code.UNAVAILABLE || priorityRetry) {
                    stages.enter("route");
                    if (code == Status.Code.UNAVAILABLE) {
                        pools.markUnready(plan.decodePool());
                    }
                    excluded.add(plan.decodePool());
                    last = cause;
                    continue;
                }
                throw new ApiError(500, "internal_error", "The decode pool failed: "
                        + cause.getStatus().getCode(), null, null, "internal", null);
            }
        }
        throw ApiError.unavailable("No pool could serve the request (last error: "
                + (last == null ? "none" : last.getStatus().getDescription()) + ")", retryAfterSeconds);
    }

    private GenerateResponse prefill(String pool, String requestId, CompletionJob job) {
        GenerateRequest req = request(requestId + "-prefill", job, 1, null);
        GenerateResponse lastMsg = null;
        Iterator<GenerateResponse> it = pools.stub(pool).generate(req);
        while (it.hasNext()) {
            lastMsg = it.next();
        }
        if (lastMsg == null) {
            throw Status.INTERNAL.withDescription("prefill pool " + pool + " returned nothing").asRuntimeException();
        }
        return lastMsg;
    }

    /** Decode failed before any token: the caller may try another pool. */
    private static final class NoTokens extends RuntimeException {
        final StatusRuntimeException cause;

        NoTokens(StatusRuntimeException cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
    }

    private Result decode(String pool, String requestId, CompletionJob job, KvTransferParams handoff,
                          String prefillWorker, TokenSink sink) {
        GenerateRequest req = request(requestId, job, job.maxTokens(), handoff);
        Context.CancellableContext ctx = Context.current().withCancellation();
        int produced = 0;
        GenerateResponse lastMsg = null;
        try {
            Iterator<GenerateResponse> it = ctx.call(() -> pools.stub(pool).generate(req));
            while (true) {
                GenerateResponse r;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    r = it.next();
                } catch (StatusRuntimeException e) {
                    if (produced == 0) {
                        throw new NoTokens(e);
                    }
                    throw new StreamBroken("decode stream from pool " + pool + " failed after " + produced
                            + " tokens: " + e.getStatus());
                }
                lastMsg = r;
                if (r.getTokenIdsCount() > 0) {
                    int[] ids = new int[r.getTokenIdsCount()];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = r.getTokenIds(i);
                    }
                    produced += ids.length;
                    try {
                        sink.tokens(ids);
                    } catch (IOException gone) {
                        ctx.cancel(gone);
                        throw new ClientGone(gone);
                    }
                }
            }
        } catch (RuntimeException e) {
            ctx.cancel(e);
            throw e;
        } catch (Exception e) {
            ctx.cancel(e);
            throw new IllegalStateException(e);
        }
        ctx.cancel(null);
        String finish = lastMsg == null ? "length" : switch (lastMsg.getFinishReason()) {
            case STOP -> "stop";
            case CANCELLED, ABORTED -> "abort";
            default -> "length";
        };
        int cached = lastMsg != null && lastMsg.hasUsage() ? lastMsg.getUsage().getCachedTokens() : 0;
        return new Result(produced, cached, finish, prefillWorker, lastMsg == null ? null : lastMsg.getWorkerId());
    }

    private static GenerateRequest request(String requestId, CompletionJob job, int maxTokens,
                                           KvTransferParams handoff) {
        GenerateRequest.Builder b = GenerateRequest.newBuilder().setRequestId(requestId).setModel("")
                .setMaxTokens(maxTokens);
        for (int t : job.promptTokens()) {
            b.addTokenIds(t);
        }
        if (handoff != null) {
            b.setKvTransfer(handoff);
        }
        return b.build();
    }

    String nextId() {
        return Long.toString(ids.incrementAndGet(), 36);
    }
}
