package io.fleetplan.router.frontend;

import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.KvTransferParams;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.router.global.PoolAttempts;
import io.fleetplan.router.global.PoolPlan;
import io.fleetplan.router.global.PoolQuery;
import io.fleetplan.router.global.PoolSelector;
import io.fleetplan.router.net.RawRequest;
import io.fleetplan.router.net.RawResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One request through the GlobalRouter and the pools: pick pools, run remote prefill (max_tokens = 1) on the
 * prefill pool and hand its KV transfer parameters to the decode pool, or send straight to an aggregated pool;
 * stream the decode pool's tokens to the sink. A pool that answers "no ready worker" (or fails before the first
 * token, with enable_priority_retry) is excluded and the pools are chosen again, so a request is never sent to
 * a pool without a ready worker while another can serve. A failed prefill falls back to decode-only.
 * Runs on the caller's (virtual) thread and blocks; decode tokens reach the sink on the gRPC transport thread.
 */
final class GenerationFlow {

    /** Receives generated tokens; an IOException means the client went away. */
    interface TokenSink {
        /** @return false when the output is complete (a stop sequence): the decode stream is cancelled */
        boolean tokens(int[] ids) throws IOException;

        /** The event loop that owns the client's connection: tokens are best delivered on it (or null). */
        EventLoop loop();
    }

    /** What came out. */
    record Result(
            int completionTokens, int cachedTokens, String finishReason, String prefillWorker, String decodeWorker) {}

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
    private final UnreadyWait unreadyWait;
    private final Runnable migrated;
    private final AtomicLong ids = new AtomicLong();

    /**
     * @param unreadyWait holds a request that finds no servable pool before its 503 (a zero limit: no wait)
     * @param migrated    told each time a request moves to another pool after its pool failed before a token
     */
    GenerationFlow(
            PoolSelector selector,
            PoolClients pools,
            int retryAfterSeconds,
            UnreadyWait unreadyWait,
            Runnable migrated) {
        this.selector = selector;
        this.pools = pools;
        this.retryAfterSeconds = retryAfterSeconds;
        this.unreadyWait = unreadyWait;
        this.migrated = migrated;
    }

    Result run(String requestId, CompletionJob job, TokenSink sink, StageTracker stages) {
        PoolAttempts attempts = new PoolAttempts(
                selector,
                new PoolQuery(job.promptTokens().length, job.ttftTargetMs(), job.itlTargetMs(), job.priority()),
                retryAfterSeconds);
        StatusRuntimeException last = null;
        Instant waitUntil = unreadyWait.deadline();
        while (attempts.mayAttempt()) {
            PoolPlan plan = attempts.plan(pools::ready);
            if (!plan.servable()) {
                // readiness is polled: before answering 503, ask the routers once more, then wait for a pool
                pools.pollIfOlderThan(100);
                plan = attempts.replan(pools::ready);
                plan = unreadyWait.await(plan, waitUntil, () -> {
                    pools.pollIfOlderThan(UnreadyWait.POLL.toMillis());
                    return attempts.replanAfterWait(pools::ready);
                });
            }
            if (!plan.servable()) {
                String why =
                        last == null ? "" : " (last error: " + last.getStatus().getDescription() + ")";
                throw ApiError.unavailable(
                        "No pool has a ready worker for model '" + job.model() + "'" + why,
                        attempts.retryAfterSeconds());
            }
            KvTransferParams handoff = null;
            String prefillWorker = null;
            int[] held = new int[0];
            if (plan.prefillPool() != null) {
                try {
                    List<GenerateResponse> msgs = prefill(plan.prefillPool(), requestId, job);
                    GenerateResponse done = msgs.getLast();
                    prefillWorker = done.getWorkerId();
                    held = msgs.stream()
                            .flatMap(m -> m.getTokenIdsList().stream())
                            .mapToInt(Integer::intValue)
                            .toArray();
                    handoff = done.hasKvTransfer()
                            ? done.getKvTransfer()
                            : KvTransferParams.newBuilder()
                                    .setPrefillWorkerId(done.getWorkerId())
                                    .setTransferredTokens(job.promptTokens().length)
                                    .build();
                } catch (StatusRuntimeException e) {
                    switch (attempts.prefillFailed(plan.prefillPool(), failure(e))) {
                        case REJECT_INVALID ->
                            throw ApiError.invalid(null, e.getStatus().getDescription());
                        case RETRY_ELSEWHERE -> {
                            pools.markUnready(plan.prefillPool());
                            migrated.run();
                            last = e;
                            continue;
                        }
                        default -> {
                            // decode-only: the decode pool prefills locally
                            handoff = null;
                            held = new int[0];
                        }
                    }
                }
            }
            try {
                stages.enter("dispatch");
                return decode(plan.decodePool(), requestId, job, handoff, held, prefillWorker, sink);
            } catch (NoTokens e) {
                StatusRuntimeException cause = e.cause;
                PoolAttempts.Failure f = failure(cause);
                switch (attempts.decodeFailed(plan.decodePool(), f)) {
                    case REJECT_INVALID ->
                        throw ApiError.invalid(null, cause.getStatus().getDescription());
                    case REJECT_OVERLOADED ->
                        throw new ApiError(
                                529,
                                "overloaded_error",
                                "All workers are busy: " + cause.getStatus().getDescription(),
                                null,
                                "overloaded",
                                "overload",
                                retryAfterSeconds);
                    case RETRY_ELSEWHERE -> {
                        migrated.run();
                        stages.enter("route");
                        if (f == PoolAttempts.Failure.NO_READY_WORKER) {
                            pools.markUnready(plan.decodePool());
                        }
                        last = cause;
                    }
                    default ->
                        throw new ApiError(
                                500,
                                "internal_error",
                                "The decode pool failed: " + cause.getStatus().getCode(),
                                null,
                                null,
                                "internal",
                                null);
                }
            }
        }
        throw ApiError.unavailable(
                "No pool could serve the request (last error: "
                        + (last == null ? "none" : last.getStatus().getDescription()) + ")",
                retryAfterSeconds);
    }

    private static PoolAttempts.Failure failure(StatusRuntimeException e) {
        return switch (e.getStatus().getCode()) {
            case UNAVAILABLE -> PoolAttempts.Failure.NO_READY_WORKER;
            case INVALID_ARGUMENT -> PoolAttempts.Failure.INVALID;
            case RESOURCE_EXHAUSTED -> PoolAttempts.Failure.OVERLOADED;
            default -> PoolAttempts.Failure.OTHER;
        };
    }

    private List<GenerateResponse> prefill(String pool, String requestId, CompletionJob job) {
        GenerateRequest req = request(requestId + "-prefill", job, 1, null).parse();
        List<GenerateResponse> msgs = new ArrayList<>(2);
        Iterator<GenerateResponse> it = pools.stub(pool).generate(req);
        while (it.hasNext()) {
            msgs.add(it.next());
        }
        if (msgs.isEmpty()) {
            throw Status.INTERNAL
                    .withDescription("prefill pool " + pool + " returned nothing")
                    .asRuntimeException();
        }
        return msgs;
    }

    /** Decode failed before any token: the caller may try another pool. */
    private static final class NoTokens extends RuntimeException {
        final StatusRuntimeException cause;

        NoTokens(StatusRuntimeException cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
    }

    /**
     * @param held tokens the prefill worker produced: with a KV handoff the decode worker continues after them
     *             (mocker contract: output index 1 on, max_tokens - 1 tokens), so they go out with the first
     *             decode token, and TTFT includes the KV transfer as in Dynamo
     */
    private Result decode(
            String pool,
            String requestId,
            CompletionJob job,
            KvTransferParams handoff,
            int[] held,
            String prefillWorker,
            TokenSink sink) {
        RawRequest req = request(requestId, job, job.maxTokens(), handoff);
        Context.CancellableContext ctx = Context.current().withCancellation();
        DecodeStream stream = new DecodeStream(held, sink);
        try {
            ctx.run(() -> {
                RouterGrpc.RouterStub stub = pools.streamStub(pool, sink.loop());
                ClientCalls.asyncServerStreamingCall(
                        stub.getChannel().newCall(RawResponse.ROUTER_GENERATE, stub.getCallOptions()), req, stream);
            });
            stream.done.await();
        } catch (InterruptedException e) {
            ctx.cancel(e);
            Thread.currentThread().interrupt();
            throw new ClientGone(e);
        } catch (RuntimeException e) {
            ctx.cancel(e);
            throw e;
        }
        if (stream.gone != null) {
            ctx.cancel(stream.gone);
            throw new ClientGone(stream.gone);
        }
        if (stream.stopped) {
            // the sink ended the output (stop sequence) and cancelled the call: its error is that cancel
            ctx.cancel(null);
            return new Result(stream.produced, 0, "stop", prefillWorker, null);
        }
        if (stream.error != null) {
            ctx.cancel(stream.error);
            StatusRuntimeException e = stream.error instanceof StatusRuntimeException sre
                    ? sre
                    : Status.fromThrowable(stream.error).asRuntimeException();
            if (stream.produced == 0) {
                throw new NoTokens(e);
            }
            throw new StreamBroken("decode stream from pool " + pool + " failed after " + stream.produced + " tokens: "
                    + e.getStatus());
        }
        int produced = stream.produced;
        if (produced == 0 && held.length > 0) {
            // max_tokens 1: the prefill worker produced the only token
            produced = held.length;
            emit(sink, ctx, held);
        }
        ctx.cancel(null);
        GenerateResponse lastMsg = stream.last == null ? null : stream.last.parse();
        String finish = lastMsg == null
                ? "length"
                : switch (lastMsg.getFinishReason()) {
                    case STOP -> "stop";
                    case CANCELLED, ABORTED -> "abort";
                    default -> "length";
                };
        int cached = lastMsg != null && lastMsg.hasUsage() ? lastMsg.getUsage().getCachedTokens() : 0;
        return new Result(produced, cached, finish, prefillWorker, lastMsg == null ? null : lastMsg.getWorkerId());
    }

    /**
     * The decode pool's stream, relayed to the sink on the gRPC transport thread as each message arrives (the
     * channel runs callbacks directly). gRPC calls these callbacks one at a time; the request thread reads the
     * fields only after {@link #done} opened, which orders it after them. Messages stay wire bytes
     * ({@link RawResponse}): the token ids are read from them, and only the last one is parsed in full.
     */
    private static final class DecodeStream implements ClientResponseObserver<RawRequest, RawResponse> {
        final CountDownLatch done = new CountDownLatch(1);
        private final int[] held;
        private final TokenSink sink;
        private ClientCallStreamObserver<RawRequest> call;
        int produced;
        RawResponse last;
        Throwable error;
        IOException gone;
        boolean stopped;

        DecodeStream(int[] held, TokenSink sink) {
            this.held = held;
            this.sink = sink;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<RawRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(RawResponse r) {
            last = r;
            int n = r.tokenCount();
            if (n == 0 || gone != null || stopped) {
                return;
            }
            int offset = produced == 0 ? held.length : 0;
            int[] ids = new int[offset + n];
            System.arraycopy(held, 0, ids, 0, offset);
            r.tokenIds(ids, offset);
            produced += ids.length;
            try {
                if (!sink.tokens(ids)) {
                    stopped = true;
                    call.cancel("stop sequence reached", null);
                }
            } catch (IOException e) {
                gone = e;
                call.cancel("client disconnected", e);
            }
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            done.countDown();
        }

        @Override
        public void onCompleted() {
            done.countDown();
        }
    }

    private static void emit(TokenSink sink, Context.CancellableContext ctx, int[] ids) {
        try {
            sink.tokens(ids);
        } catch (IOException gone) {
            ctx.cancel(gone);
            throw new ClientGone(gone);
        }
    }

    /** Encoded straight to bytes: a prompt of token ids costs one array, not a growing int list and a copy. */
    private static RawRequest request(String requestId, CompletionJob job, int maxTokens, KvTransferParams handoff) {
        return RawRequest.encode(requestId, job.promptTokens(), maxTokens, handoff);
    }

    String nextId() {
        return Long.toString(ids.incrementAndGet(), 36);
    }
}
