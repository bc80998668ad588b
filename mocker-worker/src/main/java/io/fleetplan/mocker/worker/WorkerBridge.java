package io.fleetplan.mocker.worker;

import com.google.protobuf.ByteString;
import io.fleetplan.mocker.engine.Completion;
import io.fleetplan.mocker.engine.EngineListener;
import io.fleetplan.mocker.engine.EngineRequest;
import io.fleetplan.mocker.engine.FinishReason;
import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.mocker.engine.KvEvent;
import io.fleetplan.mocker.engine.LoadSnapshot;
import io.fleetplan.proto.v1.ActiveLoad;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.Heartbeat;
import io.fleetplan.proto.v1.Usage;
import io.fleetplan.proto.v1.WorkerEvent;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns engine callbacks into gRPC messages: tokens onto each request's stream, FPM/KV/load/heartbeats onto
 * the event hub, numbers into metrics. Runs on the engine thread only.
 */
final class WorkerBridge implements EngineListener, EmissionBatch.Sink {

    /** One Generate call in flight. */
    static final class Stream {
        final ServerCallStreamObserver<GenerateResponse> out;
        final int lastIndex;
        final long seed;
        // UTF-8 encoded once: every token message carries it, and a String field is re-encoded per message
        ByteString requestId = ByteString.EMPTY;
        long submitNanos;
        int pendingIndex = -1;
        long pendingModelNanos;

        Stream(ServerCallStreamObserver<GenerateResponse> out, int lastIndex, long seed) {
            this.out = out;
            this.lastIndex = lastIndex;
            this.seed = seed;
        }
    }

    private final String workerId;
    private final ByteString workerIdBytes;
    private final int dpRank;
    private final InstantSource clock;
    private final EventHub hub;
    private final WorkerMetrics metrics;
    private final EmissionStats emission;
    // per-token bookkeeping is buffered here and published after the iteration's sends (see EmissionBatch)
    private final EmissionBatch emissionBatch = new EmissionBatch();
    private long generatedUnpublished;
    // runs a task on the engine thread after the transport's writes queued so far (see publish)
    private final Executor afterWrites;
    private long sentModelNanos = -1;
    private final Map<String, Stream> streams = new HashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong completed = new AtomicLong();
    volatile boolean draining;
    private volatile ActiveLoad lastLoad;

    /**
     * @param afterWrites the event loop that runs the engine and the gRPC connections: a task given to it runs
     *     after the writes the iteration's tokens queued, so it can time when they reached the socket
     */
    WorkerBridge(
            String workerId,
            int dpRank,
            InstantSource clock,
            EventHub hub,
            WorkerMetrics metrics,
            EmissionStats emission,
            Executor afterWrites) {
        this.afterWrites = afterWrites;
        this.workerId = workerId;
        this.workerIdBytes = ByteString.copyFromUtf8(workerId);
        this.dpRank = dpRank;
        this.clock = clock;
        this.hub = hub;
        this.metrics = metrics;
        this.emission = emission;
        this.lastLoad =
                ActiveLoad.newBuilder().setWorkerId(workerId).setDpRank(dpRank).build();
    }

    /** Seeds the load reported before the engine's first change (an idle engine's capacity). */
    void initialLoad(LoadSnapshot load) {
        lastLoad = ProtoMapping.toProto(load, workerId, dpRank);
    }

    void open(String requestId, Stream stream) {
        stream.submitNanos = nowNanos();
        stream.requestId = ByteString.copyFromUtf8(requestId);
        streams.put(requestId, stream);
        inFlight.incrementAndGet();
        metrics.inflight.set(inFlight.get());
        metrics.requestsTotal.inc();
    }

    /** The engine refused the request after {@link #open}: forget it. */
    void discard(String requestId) {
        if (streams.remove(requestId) != null) {
            metrics.inflight.set(inFlight.decrementAndGet());
        }
    }

    ActiveLoad lastLoad() {
        return lastLoad;
    }

    @Override
    public void onTokens(EngineRequest request, int firstIndex, int count, long timeNanos) {
        Stream s = streams.get(request.requestId());
        generatedUnpublished += count;
        if (s == null) {
            return;
        }
        for (int i = 0; i < count; i++) {
            int index = firstIndex + i;
            if (index >= s.lastIndex) {
                // the last token travels with finished=true and the usage
                s.pendingIndex = index;
                s.pendingModelNanos = timeNanos;
                continue;
            }
            send(
                    s,
                    GenerateResponse.newBuilder()
                            .setRequestIdBytes(s.requestId)
                            .addTokenIds(tokenId(s, index))
                            .setIndex(index)
                            .setWorkerIdBytes(workerIdBytes)
                            .setEngineTimeMs((timeNanos - s.submitNanos) / 1e6),
                    timeNanos);
        }
    }

    @Override
    public void onFinished(EngineRequest request, Completion c) {
        Stream s = streams.remove(request.requestId());
        metrics.inflight.set(inFlight.decrementAndGet());
        metrics.finished(c);
        if (c.reason() == FinishReason.LENGTH) {
            completed.incrementAndGet();
        } else {
            metrics.error(c.reason() == FinishReason.CANCELLED ? "cancelled" : "aborted");
        }
        if (s == null || c.reason() == FinishReason.CANCELLED) {
            return; // nobody is listening any more
        }
        GenerateResponse.Builder last = GenerateResponse.newBuilder()
                .setRequestIdBytes(s.requestId)
                .setWorkerIdBytes(workerIdBytes)
                .setFinished(true)
                .setFinishReason(
                        c.reason() == FinishReason.LENGTH
                                ? io.fleetplan.proto.v1.FinishReason.LENGTH
                                : io.fleetplan.proto.v1.FinishReason.ABORTED)
                .setUsage(Usage.newBuilder()
                        .setPromptTokens(c.promptTokens())
                        .setCompletionTokens(c.completionTokens())
                        .setCachedTokens(c.cachedTokens()))
                .setEngineTimeMs((c.finishNanos() - s.submitNanos) / 1e6);
        long model = c.finishNanos();
        if (s.pendingIndex >= 0) {
            last.addTokenIds(tokenId(s, s.pendingIndex)).setIndex(s.pendingIndex);
            model = s.pendingModelNanos;
        } else {
            last.setIndex(s.lastIndex + 1);
        }
        if (c.handoff() != null) {
            last.setKvTransfer(ProtoMapping.toProto(c.handoff(), workerId, tokenId(s, 0)));
        }
        send(s, last, s.pendingIndex >= 0 ? model : 0);
        try {
            s.out.onCompleted();
        } catch (RuntimeException ignored) {
            // client went away
        }
    }

    private void send(Stream s, GenerateResponse.Builder message, long modelNanos) {
        if (modelNanos > 0) {
            emissionBatch.record(modelNanos, nowNanos());
            sentModelNanos = modelNanos;
        }
        try {
            s.out.onNext(message.build());
        } catch (RuntimeException ignored) {
            // cancelled: the cancel handler will take the request out of the engine
        }
    }

    /** Deterministic pseudo-random token ids in [1000, 2000), like Dynamo's mocker. */
    private static int tokenId(Stream s, int index) {
        long z = s.seed + index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 31)) * 0xbf58476d1ce4e5b9L;
        return 1000 + (int) Math.floorMod(z ^ (z >>> 29), 1000L);
    }

    /**
     * Hands the buffered token counts and timing errors to the metrics and times the flush of the tokens sent
     * since the last call. Called after each iteration's sends (the FPM comes last), on load changes (after
     * handoffs delivered outside iterations) and on idle heartbeats.
     */
    void publish() {
        if (generatedUnpublished > 0) {
            metrics.generationTokens.inc(generatedUnpublished);
            generatedUnpublished = 0;
        }
        if (emissionBatch.pending() > 0) {
            emissionBatch.drain(this);
        }
        if (sentModelNanos > 0) {
            // gRPC queued the messages just sent and asked the event loop to flush them once the current task
            // ends; a task queued now runs after that flush: when the last of them reached the socket
            long model = sentModelNanos;
            sentModelNanos = -1;
            try {
                afterWrites.execute(() -> emission.recordWritten(nowNanos() - model));
            } catch (RejectedExecutionException closing) {
                // the worker is shutting down its event loop: nothing left to time
            }
        }
    }

    @Override
    public void error(long lateNanos) {
        emission.recordError(lateNanos);
        metrics.emissionError.observe(Math.max(0, lateNanos) / 1e9);
    }

    @Override
    public void spacing(long nanosPerToken) {
        emission.recordSpacing(nanosPerToken);
    }

    @Override
    public void firstError(long lateNanos) {
        emission.recordFirstError(lateNanos);
    }

    @Override
    public void onForwardPass(ForwardPass fpm) {
        publish();
        metrics.forwardPass(fpm);
        if (hub.wants(EventHub.Kind.FPM)) {
            hub.publish(event().setFpm(ProtoMapping.toProto(fpm, workerId)).build(), EventHub.Kind.FPM);
        }
    }

    @Override
    public void onKvEvent(KvEvent event, long timeNanos) {
        if (hub.wants(EventHub.Kind.KV)) {
            hub.publish(event().setKv(ProtoMapping.toProto(event, dpRank)).build(), EventHub.Kind.KV);
        }
    }

    @Override
    public void onLoad(LoadSnapshot load, long timeNanos) {
        publish();
        metrics.load(load);
        lastLoad = ProtoMapping.toProto(load, workerId, dpRank);
        if (hub.hasSubscribers()) {
            hub.publish(event().setLoad(lastLoad).build(), EventHub.Kind.OTHER);
        }
    }

    @Override
    public void onIdleHeartbeat(long sequence, ForwardPass fpm, LoadSnapshot load, long timeNanos) {
        publish();
        metrics.forwardPass(fpm);
        metrics.load(load);
        lastLoad = ProtoMapping.toProto(load, workerId, dpRank);
        if (hub.hasSubscribers()) {
            hub.publish(
                    event().setHeartbeat(
                                    Heartbeat.newBuilder().setSequence(sequence).setDraining(draining))
                            .build(),
                    EventHub.Kind.OTHER);
            hub.publish(event().setFpm(ProtoMapping.toProto(fpm, workerId)).build(), EventHub.Kind.FPM);
            hub.publish(event().setLoad(lastLoad).build(), EventHub.Kind.OTHER);
        }
    }

    WorkerEvent.Builder event() {
        return WorkerEvent.newBuilder().setWorkerId(workerId).setTime(nowNanos() / 1e9);
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
