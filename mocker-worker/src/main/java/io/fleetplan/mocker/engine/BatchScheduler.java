package io.fleetplan.mocker.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * vLLM-style continuous batching over a {@link KvBlockManager}, with no notion of time. Each {@link #plan}
 * decides one iteration:
 * <ol>
 *   <li>every decoding sequence appends one token (a new block when its last one is full; when none is left,
 *       running sequences are preempted, newest first for {@code lifo});</li>
 *   <li>running prefills continue, one chunk each, within the token budget;</li>
 *   <li>waiting requests are admitted in order while the token budget, {@code max_num_seqs} and the
 *       conservative block check {@code used + ceil((context+1)/block) <= (1 - watermark) x blocks} allow.
 *       All of a prompt's blocks are taken at admission, prefix-cached ones by reference.</li>
 * </ol>
 * A sequence whose prefill completes also produces its first token in the same iteration (Dynamo: TTFT is
 * prefill plus one decode step). A preempted sequence keeps the tokens it already produced and recomputes
 * prompt plus output when it resumes (its own released blocks usually still hit the prefix cache).
 */
final class BatchScheduler {

    private final int blockSize;
    private final int maxNumSeqs;
    private final int maxBatchedTokens;
    private final boolean chunkedPrefill;
    private final boolean lifo;
    private final boolean prefillRole;
    private final int admissibleBlocks;
    final KvBlockManager blocks;

    final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    final ArrayList<Sequence> running = new ArrayList<>();
    int runningCount;

    // incremental sums over the waiting queue, for the FPM's queued_requests
    private int queuedNew;
    private double queuedNewSum;
    private double queuedNewSq;
    private int queuedResume;
    private double queuedResumeSum;
    private double queuedResumeSq;

    long activePrefillTokens;
    long preemptions;
    long promptTokensAdmitted;
    long cachedTokensAdmitted;

    BatchScheduler(EngineConfig config, KvEventSink sink) {
        this.blockSize = config.blockSize();
        this.maxNumSeqs = config.maxNumSeqs();
        this.maxBatchedTokens = config.maxNumBatchedTokens();
        this.chunkedPrefill = config.enableChunkedPrefill();
        this.lifo = "lifo".equals(config.preemptionMode());
        this.prefillRole = config.role() == Role.PREFILL;
        this.admissibleBlocks = config.admissibleBlocks();
        this.blocks = new KvBlockManager(config.numGpuBlocks(), config.enablePrefixCaching(), sink);
    }

    void enqueue(Sequence s) {
        s.state = Sequence.WAITING;
        s.target = s.contextTarget();
        waiting.addLast(s);
        queuedAdd(s, 1);
    }

    boolean hasWork() {
        return runningCount > 0 || !waiting.isEmpty();
    }

    /** Fills {@code p} with one iteration's work and applies its KV effects. */
    void plan(Plan p) {
        p.clear();
        compactRunning();
        int budget = maxBatchedTokens;
        long preemptionsBefore = preemptions;
        // 1. decodes
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Sequence s = running.get(i);
            if (s.state != Sequence.RUNNING || !s.prefillDone) {
                continue;
            }
            int context = s.computed;
            if (!ensureAppendSlot(s, p)) {
                continue; // s itself was preempted
            }
            append(s);
            p.addDecode(s, context);
            budget--;
        }
        // 2. running chunked prefills
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Sequence s = running.get(i);
            if (s.state == Sequence.RUNNING && !s.prefillDone) {
                budget -= prefillChunk(s, Math.min(s.target - s.computed, budget), p);
            }
        }
        // 3. admission; as in vLLM, none in an iteration that had to preempt (memory is short)
        while (budget > 0 && runningCount < maxNumSeqs && !waiting.isEmpty() && preemptions == preemptionsBefore) {
            Sequence s = waiting.peekFirst();
            int need = blocksFor(s.target + 1);
            if (blocks.usedBlocks() + need > admissibleBlocks) {
                break;
            }
            if (!chunkedPrefill && !s.transferred && s.target - probeCached(s) > budget) {
                break;
            }
            waiting.pollFirst();
            queuedAdd(s, -1);
            if (!allocate(s)) {
                // cannot happen while the block check holds; stay safe and wait for blocks
                waiting.addFirst(s);
                queuedAdd(s, 1);
                break;
            }
            s.state = Sequence.RUNNING;
            running.add(s);
            runningCount++;
            if (s.transferred && !s.admittedOnce) {
                s.admittedOnce = true;
                s.computed = s.target;
                completePrefill(s, p);
            } else {
                s.admittedOnce = true;
                activePrefillTokens += s.target - s.computed;
                budget -= prefillChunk(s, Math.min(s.target - s.computed, budget), p);
            }
        }
    }

    private int prefillChunk(Sequence s, int chunk, Plan p) {
        if (chunk <= 0) {
            return 0;
        }
        p.addPrefill(s, chunk);
        s.lastChunk = chunk;
        s.computed += chunk;
        activePrefillTokens -= chunk;
        if (s.computed == s.target) {
            completePrefill(s, p);
        }
        return chunk;
    }

    private void completePrefill(Sequence s, Plan p) {
        s.prefillDone = true;
        if (prefillRole) {
            p.handoffs.add(s);
            return;
        }
        append(s); // the slot for this token was taken at admission
        p.emitters.add(s);
    }

    /** Adds the next token's KV; promotes the block it fills. */
    private void append(Sequence s) {
        s.computed++;
        s.generated++;
        if (s.computed % blockSize == 0) {
            int index = s.fullSlots;
            long parent = index > 0 ? s.seqHash(index - 1) : 0;
            s.slots[index] = blocks.promote(s.slots[index], s.seqHash(index), s.localHash(index), parent, index > 0);
            s.fullSlots++;
        }
    }

    private boolean ensureAppendSlot(Sequence s, Plan p) {
        if (s.computed < s.numSlots * blockSize) {
            return true;
        }
        while (true) {
            int slot = blocks.allocatePartial();
            if (slot != KvBlockManager.NO_BLOCK) {
                s.slots[s.numSlots++] = slot;
                return true;
            }
            Sequence victim = pickVictim();
            preempt(victim, p);
            if (victim == s) {
                return false;
            }
        }
    }

    private Sequence pickVictim() {
        if (lifo) {
            for (int i = running.size() - 1; i >= 0; i--) {
                if (running.get(i).state == Sequence.RUNNING) {
                    return running.get(i);
                }
            }
        } else {
            for (Sequence s : running) {
                if (s.state == Sequence.RUNNING) {
                    return s;
                }
            }
        }
        throw new IllegalStateException("no running sequence to preempt");
    }

    private void preempt(Sequence s, Plan p) {
        if (s.plannedDecode) {
            p.removeDecode(s, s.computed - 1);
            s.generated--;
            s.computed--;
        }
        activePrefillTokens -= s.remainingPrefill();
        releaseAll(s);
        s.prefillDone = false;
        s.preemptions++;
        preemptions++;
        runningCount--;
        s.state = Sequence.WAITING;
        s.target = s.contextTarget();
        waiting.addFirst(s);
        queuedAdd(s, 1);
    }

    /** Takes blocks for the whole context plus the first new token; sets {@code computed} to the cached part. */
    private boolean allocate(Sequence s) {
        int full = s.target / blockSize;
        int leadingHits = 0;
        boolean leading = true;
        for (int i = 0; i < full; i++) {
            int slot = blocks.acquireFull(s.seqHash(i), s.localHash(i), i > 0 ? s.seqHash(i - 1) : 0, i > 0);
            if (slot == KvBlockManager.NO_BLOCK) {
                releaseAll(s);
                return false;
            }
            s.slots[s.numSlots++] = slot;
            s.fullSlots++;
            if (leading && blocks.lastAcquireWasHit()) {
                leadingHits++;
            } else {
                leading = false;
            }
        }
        int slot = blocks.allocatePartial();
        if (slot == KvBlockManager.NO_BLOCK) {
            releaseAll(s);
            return false;
        }
        s.slots[s.numSlots++] = slot;
        // like vLLM, recompute at least the last token so the step has something to sample from
        s.computed = Math.min(leadingHits * blockSize, s.target - 1);
        if (!s.admittedOnce && !s.transferred) {
            s.cachedTokens = s.computed;
            promptTokensAdmitted += s.promptTokens;
            cachedTokensAdmitted += s.cachedTokens;
        }
        return true;
    }

    private int probeCached(Sequence s) {
        int full = s.target / blockSize;
        int hits = 0;
        while (hits < full && blocks.contains(s.seqHash(hits))) {
            hits++;
        }
        return Math.min(hits * blockSize, s.target - 1);
    }

    /** Releases every slot, tail first so the prefix stays cached longest. */
    void releaseAll(Sequence s) {
        for (int i = s.numSlots - 1; i >= 0; i--) {
            blocks.release(s.slots[i]);
        }
        s.numSlots = 0;
        s.fullSlots = 0;
        s.computed = 0;
    }

    /** Takes a sequence out of the engine (finished, cancelled, aborted), releasing what it holds. */
    void remove(Sequence s) {
        switch (s.state) {
            case Sequence.WAITING -> {
                if (waiting.remove(s)) {
                    queuedAdd(s, -1);
                }
            }
            case Sequence.RUNNING -> {
                activePrefillTokens -= s.remainingPrefill();
                releaseAll(s);
                runningCount--;
            }
            case Sequence.TRANSFER -> releaseAll(s);
            default -> {}
        }
        s.state = Sequence.DONE;
    }

    /** A prefill-role sequence leaves the batch but keeps its blocks until the transfer is done. */
    void startTransfer(Sequence s) {
        runningCount--;
        s.state = Sequence.TRANSFER;
    }

    private void compactRunning() {
        if (running.size() != runningCount) {
            running.removeIf(s -> s.state != Sequence.RUNNING);
        }
        for (int i = 0; i < running.size(); i++) {
            running.get(i).plannedDecode = false;
        }
    }

    int blocksFor(int tokens) {
        return (tokens + blockSize - 1) / blockSize;
    }

    private void queuedAdd(Sequence s, int sign) {
        double len = s.target;
        if (s.admittedOnce) {
            queuedResume += sign;
            queuedResumeSum += sign * len;
            queuedResumeSq += sign * len * len;
        } else {
            queuedNew += sign;
            queuedNewSum += sign * len;
            queuedNewSq += sign * len * len;
        }
    }

    ForwardPass.Queued queued() {
        if (queuedNew == 0 && queuedResume == 0) {
            return ForwardPass.Queued.EMPTY;
        }
        return new ForwardPass.Queued(
                queuedNew,
                Math.round(queuedNewSum),
                Plan.variance(queuedNew, queuedNewSum, queuedNewSq),
                queuedResume,
                Math.round(queuedResumeSum),
                Plan.variance(queuedResume, queuedResumeSum, queuedResumeSq));
    }
}
