package io.fleetplan.mocker.engine;

import io.fleetplan.common.time.Scheduler;
import io.fleetplan.common.time.VirtualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One simulated inference engine (one worker, one DP rank) driven by an injected {@link Scheduler}.
 *
 * <p>Each iteration is planned by the {@link BatchScheduler} when it starts, lasts the {@link TimingModel}'s
 * prefill time plus one decode step (divided by {@code speedup_ratio}), and at its end the engine reports the
 * produced tokens, finished requests, one {@link ForwardPass}, KV events and load to its
 * {@link EngineListener}. The next iteration starts at the modelled end of the previous one (not at the
 * moment the timer fired), so wall-clock jitter never accumulates; only after a stall of more than 5 ms does a
 * live engine restart its timeline from the current time. An idle engine schedules nothing but its heartbeat.
 *
 * <p><b>Threading:</b> not thread-safe. Call every method from tasks of the engine's scheduler (a
 * {@link VirtualScheduler}, or a one-thread {@code WallClockScheduler}); listener callbacks run there too.
 */
public final class MockEngine {

    /** Lateness beyond which a live engine restarts its timeline from the current time (5 ms). */
    static final long SLIP_NANOS = 5_000_000L;

    private final EngineConfig config;
    private final TimingModel timing;
    private final Scheduler scheduler;
    private final @Nullable VirtualScheduler virtual;
    private final EngineListener listener;
    private final Role role;
    private final double speedup;
    private final double decodeSpeedup;
    private final long totalKvTokens;

    private final KvEventBatcher kvEvents;
    private final BatchScheduler batch;
    private final Plan plan = new Plan();
    private final Map<String, Sequence> inFlight = new HashMap<>();
    private final Runnable completeTask = this::completeIteration;
    private final Runnable startTask = this::startFromIdle;

    private boolean iterationPending;
    private boolean stopped;
    private long iterationStartNanos;
    private long iterationEndNanos;
    private Scheduler.@Nullable Cancellable heartbeatTimer;
    private long iterationsSinceBeat;
    private long heartbeatSeq;
    private long counterId;
    private long submitted;
    private @Nullable LoadSnapshot lastLoad;

    // totals, for benches and metrics
    private long iterations;
    private long outputTokens;
    private long prefillTokens;
    private double busyModelMs;

    public MockEngine(EngineConfig config, TimingModel timing, Scheduler scheduler, EngineListener listener) {
        this.config = config;
        this.timing = timing;
        this.scheduler = scheduler;
        this.virtual = scheduler instanceof VirtualScheduler v ? v : null;
        this.listener = listener;
        this.role = config.role();
        this.speedup = config.speedupRatio();
        this.decodeSpeedup = config.decodeSpeedupRatio();
        this.totalKvTokens = (long) config.numGpuBlocks() * config.blockSize();
        this.kvEvents =
                new KvEventBatcher(listener.wantsKvEvents(), event -> listener.onKvEvent(event, nowNanosForEvents()));
        this.batch = new BatchScheduler(config, kvEvents);
    }

    /** Starts the idle heartbeat (if {@code heartbeat_interval_ms > 0}). Requests are accepted without it. */
    public void start() {
        int every = config.heartbeatIntervalMs();
        if (every > 0 && heartbeatTimer == null) {
            Duration period = Duration.ofMillis(every);
            heartbeatTimer = scheduler.scheduleAtFixedRate(period, period, this::heartbeat);
        }
    }

    /** Stops timers; in-flight requests are left as they are (abort them first if needed). */
    public void stop() {
        stopped = true;
        if (heartbeatTimer != null) {
            heartbeatTimer.cancel();
            heartbeatTimer = null;
        }
    }

    public EngineConfig config() {
        return config;
    }

    /**
     * Checks a request without submitting it.
     *
     * @return {@link SubmitResult#ACCEPTED} or the reason it would be refused
     */
    public static SubmitResult validate(EngineConfig config, EngineRequest r) {
        if (r.requestId() == null || r.requestId().isEmpty()) {
            return SubmitResult.reject(SubmitResult.Outcome.INVALID_ARGUMENT, "request_id must not be empty");
        }
        if (r.model() != null && !r.model().isEmpty() && !r.model().equals(config.modelName())) {
            return SubmitResult.reject(
                    SubmitResult.Outcome.UNKNOWN_MODEL,
                    "model '" + r.model() + "' is not served here; this worker serves '" + config.modelName() + "'");
        }
        if (r.promptTokens() <= 0) {
            return SubmitResult.reject(
                    SubmitResult.Outcome.INVALID_ARGUMENT,
                    "prompt_tokens must be >= 1 (send token_ids or prompt_tokens), was " + r.promptTokens());
        }
        if (r.maxTokens() <= 0) {
            return SubmitResult.reject(
                    SubmitResult.Outcome.INVALID_ARGUMENT, "max_tokens must be >= 1, was " + r.maxTokens());
        }
        if (r.tokenIds() != null && r.tokenIds().length != r.promptTokens()) {
            return SubmitResult.reject(
                    SubmitResult.Outcome.INVALID_ARGUMENT,
                    "token_ids has " + r.tokenIds().length + " entries but prompt_tokens is " + r.promptTokens());
        }
        int bs = config.blockSize();
        long needed = ((long) r.promptTokens() + 1 + bs - 1) / bs;
        if (needed > config.admissibleBlocks()) {
            return SubmitResult.reject(
                    SubmitResult.Outcome.TOO_LARGE,
                    "prompt of " + r.promptTokens() + " tokens needs " + needed + " KV blocks of " + bs
                            + " tokens; the cache admits at most " + config.admissibleBlocks() + " (num_gpu_blocks "
                            + config.numGpuBlocks() + ", watermark " + config.watermark() + ")");
        }
        int outputs = config.role() == Role.PREFILL ? 1 : r.maxTokens();
        long whole = ((long) r.promptTokens() + outputs + bs - 1) / bs;
        if (whole > config.numGpuBlocks()) {
            return SubmitResult.reject(
                    SubmitResult.Outcome.TOO_LARGE,
                    "prompt_tokens " + r.promptTokens() + " + max_tokens " + outputs + " need " + whole
                            + " KV blocks; the whole cache has " + config.numGpuBlocks());
        }
        if (!config.enableChunkedPrefill()
                && config.role() != Role.DECODE
                && r.handoff() == null
                && r.promptTokens() > config.maxNumBatchedTokens()) {
            return SubmitResult.reject(
                    SubmitResult.Outcome.TOO_LARGE,
                    "prompt_tokens " + r.promptTokens() + " exceeds max_num_batched_tokens "
                            + config.maxNumBatchedTokens() + " and chunked prefill is disabled");
        }
        return SubmitResult.ACCEPTED;
    }

    /**
     * Queues a request. Bad requests are refused here and never touch engine state.
     *
     * @return accepted, or why not (the message names the field and the limit)
     */
    public SubmitResult submit(EngineRequest request) {
        if (stopped) {
            return SubmitResult.reject(SubmitResult.Outcome.STOPPED, "engine is stopped");
        }
        SubmitResult check = validate(config, request);
        if (!check.accepted()) {
            return check;
        }
        if (inFlight.containsKey(request.requestId())) {
            return SubmitResult.reject(
                    SubmitResult.Outcome.DUPLICATE_ID, "request_id '" + request.requestId() + "' is already in flight");
        }
        boolean handoff = request.handoff() != null;
        int outputStart = handoff ? 1 : 0;
        int maxTokens = role == Role.PREFILL ? 1 : request.maxTokens();
        long now = nowNanos();
        Sequence s = new Sequence(
                request,
                config.blockSize(),
                handoff || role == Role.DECODE,
                maxTokens,
                outputStart,
                BlockHashes.mix(++submitted ^ request.requestId().hashCode() * 31L),
                now);
        inFlight.put(request.requestId(), s);
        if (s.generated >= s.maxTokens) {
            // a handoff with max_tokens 1: the prefill worker already produced the only token
            scheduler.execute(() -> finish(s, FinishReason.LENGTH, nowNanos(), null));
            return SubmitResult.ACCEPTED;
        }
        batch.enqueue(s);
        wake();
        return SubmitResult.ACCEPTED;
    }

    /** Cancels an in-flight request (client went away). @return false if it is not in flight */
    public boolean cancel(String requestId) {
        return end(requestId, FinishReason.CANCELLED);
    }

    /** Aborts every in-flight request (e.g. a drain's grace period expired). @return how many */
    public int abortAll() {
        List<String> ids = new ArrayList<>(inFlight.keySet());
        for (String id : ids) {
            end(id, FinishReason.ABORTED);
        }
        return ids.size();
    }

    /** Requests submitted and not yet finished. */
    public int inFlight() {
        return inFlight.size();
    }

    /** True when nothing is queued, running, or in transfer. */
    public boolean isIdle() {
        return inFlight.isEmpty();
    }

    /** The current load snapshot. */
    public LoadSnapshot load() {
        KvBlockManager blocks = batch.blocks;
        long used = blocks.usedBlocks();
        double hit =
                batch.promptTokensAdmitted == 0 ? 0 : (double) batch.cachedTokensAdmitted / batch.promptTokensAdmitted;
        return new LoadSnapshot(
                used,
                batch.activePrefillTokens,
                used,
                blocks.inactiveBlocks(),
                blocks.capacity(),
                batch.runningCount,
                batch.waiting.size(),
                batch.preemptions,
                (double) used / blocks.capacity(),
                hit);
    }

    /** Iterations run so far. */
    public long iterations() {
        return iterations;
    }

    /** Output tokens produced so far. */
    public long outputTokens() {
        return outputTokens;
    }

    /** Prompt tokens prefilled so far (new tokens, recomputation after preemption included). */
    public long prefillTokens() {
        return prefillTokens;
    }

    /** Sum of iteration durations in model milliseconds (before speedup). */
    public double busyModelMs() {
        return busyModelMs;
    }

    /** The KV cache (read-only use: counters for metrics and tests). */
    public KvBlockManager kvCache() {
        return batch.blocks;
    }

    private boolean end(String requestId, FinishReason reason) {
        Sequence s = inFlight.get(requestId);
        if (s == null) {
            return false;
        }
        finish(s, reason, nowNanos(), null);
        kvEvents.flush();
        reportLoad(nowNanos());
        wake();
        return true;
    }

    private void wake() {
        if (!iterationPending && !stopped && batch.hasWork()) {
            iterationPending = true;
            // deferred, so requests submitted at the same instant share the first iteration
            scheduler.execute(startTask);
        }
    }

    private void startFromIdle() {
        runIteration(nowNanos());
    }

    private void runIteration(long startNanos) {
        iterationStartNanos = startNanos;
        batch.plan(plan);
        kvEvents.flush();
        if (plan.isEmpty()) {
            iterationPending = false;
            return;
        }
        double prefillMs = plan.sumPrefillTokens > 0
                ? timing.prefillMs(plan.numPrefill, plan.sumPrefillTokens, plan.sumPrefillKvTokens)
                : 0;
        double decodeMs = plan.emitters.isEmpty()
                ? 0
                : timing.decodeMs(
                                plan.emitters.size(),
                                (long) batch.blocks.usedBlocks() * config.blockSize(),
                                totalKvTokens,
                                plan.sumDecodeKvTokens)
                        / decodeSpeedup;
        double modelMs = prefillMs + decodeMs;
        busyModelMs += modelMs;
        long durationNanos = Double.isInfinite(speedup) ? 0 : Math.round(modelMs * 1e6 / speedup);
        iterationEndNanos = startNanos + durationNanos;
        prefillTokens += plan.sumPrefillTokens;
        if (virtual != null) {
            virtual.scheduleAtNanos(iterationEndNanos, completeTask);
        } else {
            scheduler.schedule(Duration.ofNanos(iterationEndNanos - nowNanos()), completeTask);
        }
    }

    private void completeIteration() {
        long end = iterationEndNanos;
        iterations++;
        iterationsSinceBeat++;
        List<Sequence> emitters = plan.emitters;
        for (int i = 0, n = emitters.size(); i < n; i++) {
            Sequence s = emitters.get(i);
            if (s.state != Sequence.RUNNING) {
                continue; // cancelled while the iteration ran
            }
            if (s.firstTokenNanos == 0) {
                s.firstTokenNanos = end;
            }
            outputTokens++;
            listener.onTokens(s.request, s.generated - 1, 1, end);
            if (s.generated >= s.maxTokens) {
                finish(s, FinishReason.LENGTH, end, null);
            }
        }
        for (Sequence s : plan.handoffs) {
            if (s.state == Sequence.RUNNING) {
                startHandoff(s, end);
            }
        }
        kvEvents.flush();
        listener.onForwardPass(new ForwardPass(
                counterId++,
                config.dpRank(),
                (end - iterationStartNanos) / 1e9,
                iterationStartNanos,
                plan.scheduled(),
                batch.queued()));
        reportLoad(end);
        // Normally the next iteration starts at the modelled end of this one, so timer jitter never accumulates.
        // If the host stalled us for longer than SLIP_NANOS (an oversubscribed CPU, a GC pause), restart the
        // timeline from now instead, as Dynamo's mocker does, rather than emitting a burst of overdue iterations.
        long now = virtual != null ? end : nowNanos();
        runIteration(now - end > SLIP_NANOS ? now : end);
    }

    private void startHandoff(Sequence s, long end) {
        batch.startTransfer(s);
        double transferMs = config.kvTransferMs(s.promptTokens);
        KvHandoff handoff = new KvHandoff("", s.promptTokens, transferMs, 0);
        long delay = Double.isInfinite(speedup) ? 0 : Math.round(transferMs * 1e6 / speedup);
        if (delay == 0) {
            deliverHandoff(s, handoff, end);
            return;
        }
        long at = end + delay;
        Runnable task = () -> {
            if (s.state == Sequence.TRANSFER) {
                deliverHandoff(s, handoff, at);
                kvEvents.flush();
                reportLoad(at);
                wake();
            }
        };
        if (virtual != null) {
            virtual.scheduleAtNanos(at, task);
        } else {
            scheduler.schedule(Duration.ofNanos(at - nowNanos()), task);
        }
    }

    private void deliverHandoff(Sequence s, KvHandoff handoff, long at) {
        s.firstTokenNanos = at;
        s.generated = 1;
        outputTokens++;
        listener.onTokens(s.request, 0, 1, at);
        finish(s, FinishReason.LENGTH, at, handoff);
    }

    private void finish(Sequence s, FinishReason reason, long at, @Nullable KvHandoff handoff) {
        if (s.state == Sequence.DONE) {
            return;
        }
        batch.remove(s);
        inFlight.remove(s.request.requestId());
        listener.onFinished(
                s.request,
                new Completion(
                        reason,
                        s.promptTokens,
                        s.generated - s.outputStart,
                        s.cachedTokens,
                        s.preemptions,
                        s.arrivalNanos,
                        s.firstTokenNanos,
                        at,
                        handoff));
    }

    private void reportLoad(long at) {
        LoadSnapshot load = load();
        if (!load.equals(lastLoad)) {
            lastLoad = load;
            listener.onLoad(load, at);
        }
    }

    private void heartbeat() {
        if (iterationsSinceBeat == 0 && !iterationPending) {
            long now = nowNanos();
            ForwardPass idle =
                    new ForwardPass(counterId++, config.dpRank(), 0, now, ForwardPass.Scheduled.IDLE, batch.queued());
            listener.onIdleHeartbeat(heartbeatSeq++, idle, load(), now);
        }
        iterationsSinceBeat = 0;
    }

    private long nowNanosForEvents() {
        return iterationPending ? iterationStartNanos : nowNanos();
    }

    private long nowNanos() {
        if (virtual != null) {
            return virtual.nanoTime();
        }
        Instant now = scheduler.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
