package io.fleetplan.router.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A pool's routing brain, free of I/O: the worker registry (registrations, heartbeats, timeouts, draining),
 * the prefix index fed by KV events, the router's own per-worker load tracking and the worker choice.
 * The live LocalRouter wraps it behind gRPC; the simulator drives it on virtual time. Time comes only from
 * the injected clock.
 *
 * <p>Not thread-safe: exactly one owner calls it (the LocalRouter serialises calls; the simulator's event
 * loop is single-threaded).
 */
public final class PoolRouter {

    private final RouterConfig config;
    private final InstantSource clock;
    private final Duration timeout;
    private final PrefixIndex index = new PrefixIndex();
    private final WorkerSelector selector;
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final List<Worker> bySlot = new ArrayList<>();
    private final BitSet freeSlots = new BitSet();
    private final Map<String, Worker> requests = new HashMap<>();
    private final ArrayDeque<ApproxEntry> approxExpiry = new ArrayDeque<>();
    private int[] scores = new int[64];
    private int blockSize;

    public PoolRouter(RouterConfig config, InstantSource clock, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Duration.ofMillis(config.heartbeatTimeoutMs());
        this.selector = new WorkerSelector(config, Objects.requireNonNull(random, "random"));
        this.blockSize = config.blockSize() == null ? 0 : config.blockSize();
    }

    public RouterConfig config() {
        return config;
    }

    /** Tokens per block used for hashing prompts: configured, else the first worker's, else 64. */
    public int blockSize() {
        return blockSize > 0 ? blockSize : 64;
    }

    /** Hashes a token prompt into this pool's block hashes. */
    public long[] hashPrompt(int[] tokens) {
        return BlockHasher.hash(tokens, blockSize());
    }

    // ---------------------------------------------------------------- registry

    /**
     * Registers (or re-registers, after a worker restart) a worker. A re-registration starts from an empty
     * cache and no tracked requests, because a restarted engine has lost both.
     *
     * @return true if the worker was new
     */
    public boolean register(WorkerSpec spec) {
        Worker old = workers.get(spec.id());
        if (old != null) {
            dropState(old);
            old.spec = spec;
            old.seen(clock.instant(), timeout);
            old.failed = false;
            old.draining = false;
            return false;
        }
        if (blockSize == 0 && spec.blockSize() > 0) {
            blockSize = spec.blockSize();
        }
        int slot = freeSlots.isEmpty() ? bySlot.size() : freeSlots.nextSetBit(0);
        Worker w = new Worker(spec, slot, new ActiveSequences(config.routerAssumeKvReuse()), clock.instant(), timeout);
        if (slot == bySlot.size()) {
            bySlot.add(w);
        } else {
            bySlot.set(slot, w);
            freeSlots.clear(slot);
        }
        workers.put(spec.id(), w);
        return true;
    }

    /**
     * A worker is alive. @param draining null = unchanged @param load null = unchanged
     *
     * @return false if the worker is unknown (it should register again)
     */
    public boolean heartbeat(String workerId, @Nullable Boolean draining, @Nullable ReportedLoad load) {
        Worker w = workers.get(workerId);
        if (w == null) {
            return false;
        }
        touch(w);
        if (draining != null) {
            w.draining = draining;
        }
        if (load != null) {
            w.engineLoad = load;
        }
        return true;
    }

    /** Marks a worker draining (no new requests) or back in service. @return false if unknown */
    public boolean setDraining(String workerId, boolean draining) {
        return heartbeat(workerId, draining, null);
    }

    /** Removes a worker at once. @return false if it was not registered */
    public boolean deregister(String workerId) {
        Worker w = workers.remove(workerId);
        if (w == null) {
            return false;
        }
        dropState(w);
        bySlot.set(w.slot, null);
        freeSlots.set(w.slot);
        return true;
    }

    /**
     * The worker failed a request at the transport level: it gets no new requests until it is heard from
     * again (heartbeat or event), or it is removed by the timeout.
     */
    public void markFailed(String workerId) {
        Worker w = workers.get(workerId);
        if (w != null) {
            w.failed = true;
        }
    }

    /** Applies a worker's KV event. @return false if the worker is unknown or the event was dropped */
    public boolean applyKvEvent(String workerId, KvEvent event) {
        Worker w = workers.get(workerId);
        if (w == null) {
            return false;
        }
        touch(w);
        if (!config.useKvEvents()) {
            return true;
        }
        return index.apply(w.slot, event);
    }

    /** Any sign of life from the worker (an event, an FPM). @return false if unknown */
    public boolean seen(String workerId) {
        Worker w = workers.get(workerId);
        if (w != null) {
            touch(w);
        }
        return w != null;
    }

    private void touch(Worker w) {
        w.seen(clock.instant(), timeout);
        w.failed = false;
    }

    /**
     * Removes workers not heard from within the heartbeat timeout and expires approximate-mode prefixes.
     * Call it periodically (the LocalRouter does every heartbeat interval).
     *
     * @return ids of the removed workers
     */
    public List<String> expire() {
        Instant now = clock.instant();
        List<String> removed = new ArrayList<>();
        for (Worker w : List.copyOf(workers.values())) {
            if (now.isAfter(w.deadline)) {
                deregister(w.spec.id());
                removed.add(w.spec.id());
            }
        }
        expireApprox(now);
        return removed;
    }

    private void dropState(Worker w) {
        index.clear(w.slot);
        for (String requestId : w.requestIds) {
            requests.remove(requestId);
        }
        w.requestIds.clear();
        w.approxExpiry.clear();
        w.sequences = new ActiveSequences(config.routerAssumeKvReuse());
    }

    // ---------------------------------------------------------------- routing

    /** Chooses a worker and, when one is chosen, starts tracking the request's load on it. */
    public RouteDecision route(RouteRequest request) {
        Instant now = clock.instant();
        if (!approxExpiry.isEmpty()) {
            expireApprox(now);
        }
        int bs = blockSize();
        int requiredBlocks = (request.isl() + bs - 1) / bs;
        if (request.pinnedWorker() != null) {
            Worker w = workers.get(request.pinnedWorker());
            if (w == null || !isReady(w, now)) {
                return RouteDecision.rejected(RouteReason.PINNED_WORKER_UNAVAILABLE, requiredBlocks, 0);
            }
            int overlap = overlapOf(request, w);
            return commit(
                    request, w, new RouteDecision(w.spec.id(), RouteReason.PINNED, overlap, requiredBlocks, 0, 1));
        }
        List<Worker> eligible = new ArrayList<>(workers.size());
        for (Worker w : workers.values()) {
            if (!w.draining && isReady(w, now) && !request.excludedWorkers().contains(w.spec.id())) {
                eligible.add(w);
            }
        }
        if (eligible.isEmpty()) {
            return RouteDecision.rejected(RouteReason.NO_READY_WORKER, requiredBlocks, 0);
        }
        List<Worker> candidates = eligible;
        if (config.activeDecodeBlocksThreshold() != null || config.activePrefillTokensThreshold() != null) {
            candidates = new ArrayList<>(eligible.size());
            for (Worker w : eligible) {
                if (!isBusy(w)) {
                    candidates.add(w);
                }
            }
            if (candidates.isEmpty()) {
                return RouteDecision.rejected(RouteReason.ALL_WORKERS_BUSY, requiredBlocks, eligible.size());
            }
        }
        if (config.usesOverlap() && request.blockHashes().length > 0) {
            if (scores.length < index.slotCapacity()) {
                scores = new int[index.slotCapacity()];
            }
            index.findMatches(request.blockHashes(), scores);
        }
        RouteDecision decision =
                selector.select(request, candidates, this::overlapFromScores, index::treeSize, bs, requiredBlocks);
        // the selector picks one of the candidates, all registered workers
        Worker chosen = Objects.requireNonNull(workers.get(decision.workerId()), "selected worker");
        return commit(request, chosen, decision);
    }

    private int overlapOf(RouteRequest request, Worker w) {
        if (!config.usesOverlap() || request.blockHashes().length == 0) {
            return 0;
        }
        if (scores.length < index.slotCapacity()) {
            scores = new int[index.slotCapacity()];
        }
        index.findMatches(request.blockHashes(), scores);
        return scores[w.slot];
    }

    private int overlapFromScores(Worker w, RouteRequest request) {
        return config.usesOverlap() && request.blockHashes().length > 0 ? scores[w.slot] : 0;
    }

    private RouteDecision commit(RouteRequest request, Worker w, RouteDecision decision) {
        int bs = blockSize();
        long uncached = config.routerTrackPrefillTokens()
                ? Math.max(0, request.isl() - (long) decision.overlapBlocks() * bs)
                : 0;
        Worker previous = requests.put(request.requestId(), w);
        if (previous != null) {
            // the same id routed again (a retry): it no longer loads the worker that failed it
            previous.sequences.remove(request.requestId());
            previous.requestIds.remove(request.requestId());
        }
        if (config.routerTrackActiveBlocks()) {
            w.sequences.add(request.requestId(), request.blockHashes(), decision.requiredBlocks(), uncached);
        } else {
            w.sequences.add(request.requestId(), new long[0], 0, uncached);
        }
        w.requestIds.add(request.requestId());
        if (!config.useKvEvents() && config.usesOverlap() && request.blockHashes().length > 0) {
            recordApprox(w, request.blockHashes());
        }
        return decision;
    }

    /** The request produced its first token on its worker (its prompt is prefilled). */
    public void firstToken(String requestId) {
        Worker w = requests.get(requestId);
        if (w != null) {
            w.sequences.prefillDone(requestId);
        }
    }

    /** The request finished, failed or was cancelled: its load leaves its worker. */
    public void finished(String requestId) {
        Worker w = requests.remove(requestId);
        if (w != null) {
            w.sequences.remove(requestId);
            w.requestIds.remove(requestId);
        }
    }

    private boolean isReady(Worker w, Instant now) {
        return !w.failed && !now.isAfter(w.deadline);
    }

    private boolean isBusy(Worker w) {
        Double kvThreshold = config.activeDecodeBlocksThreshold();
        if (kvThreshold != null) {
            double routerUsage =
                    w.spec.totalBlocks() > 0 ? w.sequences.activeDecodeBlocks() / (double) w.spec.totalBlocks() : 0;
            if (Math.max(routerUsage, w.engineLoad.gpuCacheUsage()) > kvThreshold) {
                return true;
            }
        }
        Long prefillThreshold = config.activePrefillTokensThreshold();
        return prefillThreshold != null
                && Math.max(w.sequences.activePrefillTokens(), w.engineLoad.activePrefillTokens()) > prefillThreshold;
    }

    // ---------------------------------------------------------------- approximate mode (no KV events)

    private record ApproxEntry(Instant expiresAt, Worker worker, long[] hashes) {}

    private void recordApprox(Worker w, long[] hashes) {
        // chained hashes identify their prefix, so they serve as both sequence and token hashes here
        index.apply(w.slot, new KvEvent.Stored(false, 0, hashes, hashes));
        Instant expires = clock.instant().plus(Duration.ofMillis((long) (config.routerTtlSecs() * 1000)));
        for (long h : hashes) {
            w.approxExpiry.put(h, expires);
        }
        approxExpiry.addLast(new ApproxEntry(expires, w, hashes));
    }

    private void expireApprox(Instant now) {
        while (!approxExpiry.isEmpty() && !approxExpiry.peekFirst().expiresAt().isAfter(now)) {
            ApproxEntry e = approxExpiry.pollFirst();
            if (workers.get(e.worker().spec.id()) != e.worker()) {
                continue;
            }
            List<Long> gone = new ArrayList<>();
            for (long h : e.hashes()) {
                Instant latest = e.worker().approxExpiry.get(h);
                // a later routing of the same prefix refreshed it: keep it until that expiry
                if (latest != null && !latest.isAfter(now)) {
                    gone.add(h);
                    e.worker().approxExpiry.remove(h);
                }
            }
            if (!gone.isEmpty()) {
                index.apply(
                        e.worker().slot,
                        new KvEvent.Removed(
                                gone.stream().mapToLong(Long::longValue).toArray()));
            }
        }
    }

    // ---------------------------------------------------------------- views

    /** Every registered worker, idle ones included, in registration order. */
    public List<WorkerView> workers() {
        Instant now = clock.instant();
        List<WorkerView> out = new ArrayList<>(workers.size());
        for (Worker w : workers.values()) {
            out.add(view(w, now));
        }
        return out;
    }

    public @Nullable WorkerView worker(String workerId) {
        Worker w = workers.get(workerId);
        return w == null ? null : view(w, clock.instant());
    }

    private WorkerView view(Worker w, Instant now) {
        return new WorkerView(
                w.spec,
                w.draining,
                isReady(w, now),
                w.lastSeen,
                w.engineLoad,
                w.sequences.activePrefillTokens(),
                w.sequences.activeDecodeBlocks(),
                w.sequences.size(),
                index.treeSize(w.slot));
    }

    /** Workers that would be eligible for a new request now (registered, ready, not draining). */
    public int readyWorkers() {
        Instant now = clock.instant();
        int n = 0;
        for (Worker w : workers.values()) {
            if (!w.draining && isReady(w, now)) {
                n++;
            }
        }
        return n;
    }

    public int registeredWorkers() {
        return workers.size();
    }

    /** The worker a tracked request is on, or null. */
    public @Nullable String workerOf(String requestId) {
        Worker w = requests.get(requestId);
        return w == null ? null : w.spec.id();
    }

    public PrefixIndex index() {
        return index;
    }

    /** Mutable per-worker state; only this class touches it. */
    static final class Worker {
        WorkerSpec spec;
        final int slot;
        ActiveSequences sequences;
        Instant lastSeen;
        Instant deadline; // lastSeen + heartbeat timeout, kept so readiness checks do not allocate
        boolean draining;
        boolean failed;
        ReportedLoad engineLoad = ReportedLoad.IDLE;
        final Set<String> requestIds = new HashSet<>();
        final Map<Long, Instant> approxExpiry = new HashMap<>();

        Worker(WorkerSpec spec, int slot, ActiveSequences sequences, Instant now, Duration timeout) {
            this.spec = spec;
            this.slot = slot;
            this.sequences = sequences;
            this.lastSeen = now;
            this.deadline = now.plus(timeout);
        }

        void seen(Instant at, Duration timeout) {
            lastSeen = at;
            deadline = at.plus(timeout);
        }
    }
}
