package io.fleetplan.router.local;

import io.fleetplan.proto.v1.WorkerGrpc;
import io.fleetplan.router.core.RouteDecision;
import io.fleetplan.router.core.RouteReason;
import io.fleetplan.router.core.RouteRequest;
import io.fleetplan.router.net.RawRequest;
import io.fleetplan.router.net.RawResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.netty.channel.EventLoop;
import java.util.HashSet;
import java.util.Set;

/**
 * One Generate call through the router: place it, relay the worker's stream, and when the worker fails before
 * the first token, place it again on another worker (up to max_retries). Load tracking ends exactly once.
 * gRPC serialises the callbacks of one call, and the retry starts a new call only after the old one ended.
 * The worker's messages are relayed as their wire bytes ({@link RawResponse}): the router reads only their token
 * count, and adds {@code worker_id} when the worker left it out.
 */
final class RoutedCall implements ClientResponseObserver<RawRequest, RawResponse> {

    private final LocalRouter owner;
    /** Kept for a retry until the first token; then dropped (a prompt held for the whole stream is copied by every GC). */
    private RawRequest request;

    private final ServerCallStreamObserver<RawResponse> out;
    private final String trackId;
    private long[] hashes;
    private final int isl;
    private final long startNanos = System.nanoTime();
    private final Set<String> tried = new HashSet<>();
    /** The loop of the caller's connection (calls arrive on the transport thread): the worker call is relayed on it. */
    private final EventLoop loop;

    private String worker;
    /** {@code worker_id = worker} encoded, for messages that come without it. */
    private byte[] workerIdField;

    private int attempts;
    /** The prompt tokens the last placement's worker computes (the prompt less its predicted cache hit). */
    private int placedNewTokens;

    private int tokens;
    private long firstNanos;
    private long lastNanos;
    private volatile ClientCallStreamObserver<RawRequest> upstream;
    private volatile boolean ended;

    RoutedCall(
            LocalRouter owner,
            RawRequest request,
            ServerCallStreamObserver<RawResponse> out,
            String trackId,
            long[] hashes,
            int isl) {
        this.owner = owner;
        this.request = request;
        this.out = out;
        this.trackId = trackId;
        this.hashes = hashes;
        this.isl = isl;
        this.loop = owner.loops().current();
        out.setOnCancelHandler(() -> {
            ClientCallStreamObserver<RawRequest> up = upstream;
            if (up != null) {
                up.cancel("client cancelled", null);
            }
            end();
        });
    }

    void start() {
        owner.stats().arrived(trackId, startNanos, isl);
        owner.metrics().requests.inc();
        owner.metrics().isl.observe(isl);
        place();
    }

    private void place() {
        RouteDecision d = owner.state().route(new RouteRequest(trackId, hashes, isl, null, Set.copyOf(tried)));
        if (!d.routed()) {
            owner.metrics().rejected.inc();
            if (d.reason() == RouteReason.ALL_WORKERS_BUSY) {
                owner.metrics().busyBackpressure.inc();
            }
            owner.stats().stoppedWaiting(trackId);
            Status status = d.reason() == RouteReason.ALL_WORKERS_BUSY ? Status.RESOURCE_EXHAUSTED : Status.UNAVAILABLE;
            out.onError(status.withDescription("pool '" + owner.pool() + "': " + describe(d.reason())
                            + (tried.isEmpty() ? "" : " (failed before first token on " + tried + ")"))
                    .asRuntimeException());
            return;
        }
        if (attempts == 0) {
            owner.metrics().requestsStarted.inc();
            owner.metrics().kvHitRate.observe(d.kvHitRate());
            owner.stats().routed(d.kvHitRate());
        }
        worker = d.workerId();
        workerIdField = null;
        placedNewTokens = d.uncachedTokens(isl);
        attempts++;
        owner.metrics().observeLast(worker, 2, isl);
        WorkerLinks.Link link = owner.links().get(worker);
        if (link == null) {
            onError(Status.UNAVAILABLE
                    .withDescription("no channel to worker " + worker)
                    .asRuntimeException());
            return;
        }
        RawRequest forwarded =
                request.blockHashCount() == 0 && hashes.length > 0 ? request.withBlockHashes(hashes) : request;
        WorkerGrpc.WorkerStub stub = link.stub(loop);
        ClientCalls.asyncServerStreamingCall(
                stub.getChannel().newCall(RawResponse.WORKER_GENERATE, stub.getCallOptions()), forwarded, this);
    }

    private static String describe(RouteReason reason) {
        return switch (reason) {
            case ALL_WORKERS_BUSY -> "all workers are busy";
            case NO_READY_WORKER -> "no ready worker";
            default -> reason.name();
        };
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<RawRequest> requestStream) {
        upstream = requestStream;
    }

    @Override
    public void onNext(RawResponse value) {
        if (ended) {
            return;
        }
        int n = value.tokenCount();
        if (n > 0) {
            long now = System.nanoTime();
            if (tokens == 0) {
                firstNanos = now;
                owner.state().firstToken(trackId, worker);
                owner.stats().stoppedWaiting(trackId);
                double ttft = (now - startNanos) / 1e9;
                owner.metrics().ttft.observe(ttft);
                owner.metrics().observeLast(worker, 0, ttft);
            }
            tokens += n;
            lastNanos = now;
            request = null;
            hashes = null;
        }
        try {
            out.onNext(value.hasWorkerId() ? value : value.withWorkerIdField(workerIdField()));
        } catch (RuntimeException clientGone) {
            // the caller cancelled between our check and the write: stop the worker too
            ClientCallStreamObserver<RawRequest> up = upstream;
            if (up != null) {
                up.cancel("client cancelled", clientGone);
            }
            end();
        }
    }

    @Override
    public void onError(Throwable t) {
        if (ended) {
            return;
        }
        Status status = Status.fromThrowable(t);
        if (tokens == 0 && retriable(status) && attempts <= owner.config().maxRetries()) {
            if (status.getCode() == Status.Code.UNAVAILABLE) {
                owner.state().markFailed(worker);
            }
            tried.add(worker);
            owner.metrics().retries.inc();
            place();
            return;
        }
        end();
        out.onError(t instanceof StatusRuntimeException ? t : status.asRuntimeException());
    }

    private static boolean retriable(Status status) {
        return switch (status.getCode()) {
            case UNAVAILABLE, INTERNAL, UNKNOWN, ABORTED, DEADLINE_EXCEEDED, CANCELLED -> true;
            default -> false; // INVALID_ARGUMENT, NOT_FOUND...: the request itself is wrong, another worker won't help
        };
    }

    @Override
    public void onCompleted() {
        if (ended) {
            return;
        }
        // a worker that completes a stream is alive, even if its heartbeats are late under load
        owner.state().seen(worker);
        end();
        double ttft = tokens == 0 ? Double.NaN : (firstNanos - startNanos) / 1e9;
        double itl = tokens < 2 ? Double.NaN : (lastNanos - firstNanos) / 1e9 / (tokens - 1);
        owner.metrics().osl.observe(tokens);
        if (!Double.isNaN(itl)) {
            owner.metrics().itl.observe(itl);
            owner.metrics().observeLast(worker, 1, itl);
        }
        owner.stats().finished(isl, placedNewTokens, tokens, ttft, itl, System.nanoTime());
        out.onCompleted();
    }

    private byte[] workerIdField() {
        if (workerIdField == null) {
            workerIdField = RawResponse.workerIdField(worker);
        }
        return workerIdField;
    }

    private void end() {
        if (!ended) {
            ended = true;
            owner.state().finished(trackId);
            owner.stats().stoppedWaiting(trackId);
        }
    }
}
