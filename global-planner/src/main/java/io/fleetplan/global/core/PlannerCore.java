package io.fleetplan.global.core;

import io.fleetplan.common.time.Scheduler;
import io.fleetplan.global.arbiter.Arbiter;
import io.fleetplan.global.arbiter.ArbiterSettings;
import io.fleetplan.global.arbiter.BudgetSnapshot;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.LedgerView;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.Outcome;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.global.arbiter.Reason;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.Status;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.executor.ScaleExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Runs the {@link Arbiter} on one thread (its single writer): requests, executor reports and informer changes
 * are queued to it; its outcomes go to the executor (commands), to watchers (pushes), to the audit log and the
 * metrics. Blocking proposals are answered when their commands complete.
 */
public final class PlannerCore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PlannerCore.class.getName());

    /** The answer to a proposal: decided, or refused before deciding (then without a {@code decision}). */
    public record Answer(Kind kind, @Nullable Decision decision, String message) {
        /** What happened. */
        public enum Kind {
            DECIDED,
            INVALID,
            DENIED
        }
    }

    /** Where a watcher's pushes go. */
    public interface WatchSink {
        void send(Decision d);

        /** The stream ends (e.g. leadership lost); {@code why} is for the caller. */
        void end(String why);
    }

    /** The ledger for GetState. */
    public record State(List<LedgerView> entries, BudgetSnapshot budget, Map<String, Integer> committedByNamespace) {}

    private final ArbiterSettings settings;
    private final ScaleExecutor executor;
    private final Scheduler scheduler;
    private final AuditTrail audit;
    private final DecisionMetrics metrics;
    private final Duration blockingTimeout;
    private final String idPrefix;
    private static final int BATCH = 512;
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Scheduler.Cancellable gaugeTask;
    private volatile boolean ready;
    private volatile boolean closed;

    // owned by the arbiter thread
    private Arbiter arbiter;
    private int generation;
    // from a rebuild (becoming leader) to a step-down: only then are commands sent to the executor. A standby's
    // arbiter still follows the cluster (its watch feeds it), but acting on it would race the leader.
    private boolean acting;
    private final Map<String, List<WatchSink>> watchers = new HashMap<>();
    private final Map<String, Waiter> waiters = new HashMap<>();
    // answers decided in the current batch; sent once the batch's audit lines are written (group commit)
    private final List<Reply> replies = new ArrayList<>();

    private record Reply(CompletableFuture<Answer> to, Answer answer) {}

    private static final class Waiter {
        final Decision decision;
        final CompletableFuture<Answer> answer;
        int remaining;

        @Nullable
        String failure;

        Scheduler.@Nullable Cancellable timeout;

        Waiter(Decision decision, CompletableFuture<Answer> answer, int remaining) {
            this.decision = decision;
            this.answer = answer;
            this.remaining = remaining;
        }
    }

    public PlannerCore(
            ArbiterSettings settings,
            ScaleExecutor executor,
            Scheduler scheduler,
            AuditTrail audit,
            DecisionMetrics metrics,
            Duration blockingTimeout,
            String idPrefix) {
        this.settings = settings;
        this.executor = executor;
        this.scheduler = scheduler;
        this.audit = audit;
        this.metrics = metrics;
        this.blockingTimeout = blockingTimeout;
        this.idPrefix = idPrefix;
        this.arbiter = new Arbiter(settings, scheduler.clock(), idPrefix + "0");
        this.thread =
                Thread.ofPlatform().name("global-planner-arbiter").daemon(true).start(this::loop);
        executor.watch(new ScaleExecutor.ChangeListener() {
            @Override
            public void changed(Observation now) {
                enqueue(() -> handle(arbiter.observed(now), "push", null));
            }

            @Override
            public void removed(TargetKey target) {
                enqueue(() -> arbiter.forget(target));
            }
        });
        this.gaugeTask = scheduler.scheduleAtFixedRate(
                Duration.ofSeconds(1), Duration.ofSeconds(1), () -> enqueue(this::updateGauges));
    }

    public boolean ready() {
        return ready;
    }

    /**
     * Rebuilds the ledger from the cluster (the executor's discover), then answers again. Called at start and on
     * becoming leader; the discovery runs on the caller's thread, the swap on the arbiter's.
     */
    public CompletableFuture<Void> rebuild() {
        ready = false;
        List<Observation> seen = executor.discover();
        return submit(() -> {
            generation++;
            arbiter = new Arbiter(settings, scheduler.clock(), idPrefix + generation);
            // more running than max_total_gpus (a budget lowered across the restart): scaled back at once
            acting = true;
            handle(arbiter.restore(seen), "push", null);
            ready = true;
            updateGauges();
            LOG.info("ledger rebuilt from " + seen.size() + " targets: " + arbiter.budget());
            return null;
        });
    }

    /** Stops answering (leadership lost): watchers are told where to go. */
    public void stepDown(String why) {
        ready = false;
        enqueue(() -> {
            acting = false;
            watchers.values().forEach(list -> list.forEach(s -> s.end(why)));
            watchers.clear();
        });
    }

    /** Resolves and authorizes the targets, then decides. */
    public CompletableFuture<Answer> propose(Proposal p, Caller caller, TargetAuthorization auth, boolean blocking) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        enqueue(() -> {
            Arbiter.Resolution r = arbiter.resolveTargets(p);
            if (r.error() != null) {
                reply(answer, new Answer(Answer.Kind.INVALID, null, r.error()));
                return;
            }
            Optional<String> denied = auth.checkTargets(caller, r.targets());
            if (denied.isPresent()) {
                reply(answer, new Answer(Answer.Kind.DENIED, null, denied.get()));
                return;
            }
            Outcome out = arbiter.propose(p, caller.tenant());
            Decision d = out.answer();
            if (d.status() == Status.INVALID) {
                reply(answer, new Answer(Answer.Kind.INVALID, null, d.message()));
                return;
            }
            if (out.replay()) {
                metrics.replayed(d);
            } else {
                audit.decision("proposal", d, caller.name(), p.callerNamespace());
                metrics.decided("proposal", d);
            }
            int own = blocking ? ownCommands(out, d.decisionId()) : 0;
            if (own > 0) {
                Waiter w = new Waiter(d, answer, own);
                waiters.put(d.decisionId(), w);
                w.timeout = scheduler.schedule(blockingTimeout, () -> enqueue(() -> timeOut(d.decisionId())));
            } else {
                reply(answer, new Answer(Answer.Kind.DECIDED, d, ""));
            }
            handle(out, "push", caller.name());
        });
        return answer;
    }

    private static int ownCommands(Outcome out, String decisionId) {
        int n = 0;
        for (ScaleCommand c : out.commands()) {
            if (decisionId.equals(c.decisionId())) {
                n++;
            }
        }
        return n;
    }

    private void reply(CompletableFuture<Answer> to, Answer a) {
        replies.add(new Reply(to, a));
    }

    public CompletableFuture<State> state() {
        return submit(() -> new State(arbiter.ledger(), arbiter.budget(), arbiter.committedByNamespace()));
    }

    /** Sends the pool's current grant, then every push for it; the returned action unsubscribes. */
    public Runnable watch(String poolId, WatchSink sink) {
        enqueue(() -> {
            arbiter.currentGrant(poolId).ifPresent(sink::send);
            watchers.computeIfAbsent(poolId, k -> new ArrayList<>()).add(sink);
        });
        return () -> enqueue(() -> {
            List<WatchSink> list = watchers.get(poolId);
            if (list != null) {
                list.remove(sink);
                if (list.isEmpty()) {
                    watchers.remove(poolId);
                }
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------

    private void handle(Outcome out, String kind, @Nullable String caller) {
        for (Decision push : out.pushes()) {
            audit.decision(kind, push, caller == null ? "global-planner" : caller, "");
            metrics.decided(kind, push);
            List<WatchSink> sinks = watchers.get(push.poolId());
            if (sinks != null) {
                for (WatchSink s : List.copyOf(sinks)) {
                    s.send(push);
                }
            }
        }
        if (!acting && !out.commands().isEmpty()) {
            LOG.info("not leading: " + out.commands().size() + " scale command(s) left to the leader");
            return;
        }
        int gen = generation;
        for (ScaleCommand c : out.commands()) {
            try {
                executor.apply(c, new GenerationListener(gen));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "executor refused " + c, e);
                new GenerationListener(gen)
                        .failed(
                                c,
                                new Observation(
                                        c.target(),
                                        c.subType(),
                                        c.fromReplicas(),
                                        c.fromReplicas(),
                                        0,
                                        c.gpusPerReplica()),
                                String.valueOf(e.getMessage()));
            }
        }
    }

    private void finished(ScaleCommand c, @Nullable String failure) {
        Waiter w = waiters.get(c.decisionId());
        if (w == null) {
            return;
        }
        if (failure != null) {
            w.failure = failure;
        }
        if (--w.remaining == 0) {
            waiters.remove(c.decisionId());
            if (w.timeout != null) { // set in the same arbiter step that registered the waiter
                w.timeout.cancel();
            }
            String failed = w.failure;
            reply(
                    w.answer,
                    new Answer(
                            Answer.Kind.DECIDED,
                            failed == null
                                    ? w.decision
                                    : withStatus(w.decision, Status.ERROR, Reason.EXECUTOR_FAILED, failed),
                            ""));
        }
    }

    private void timeOut(String decisionId) {
        Waiter w = waiters.remove(decisionId);
        if (w != null) {
            reply(
                    w.answer,
                    new Answer(
                            Answer.Kind.DECIDED,
                            withStatus(
                                    w.decision,
                                    Status.ERROR,
                                    Reason.EXECUTOR_FAILED,
                                    "not ready within blocking_timeout_seconds (" + blockingTimeout.toSeconds()
                                            + " s); the change stays in progress"),
                            ""));
        }
    }

    private static Decision withStatus(Decision d, Status s, Reason r, String message) {
        return new Decision(
                d.decisionId(),
                d.proposalId(),
                d.poolId(),
                d.sequence(),
                s,
                r,
                r,
                d.message() + "; " + message,
                d.grants(),
                d.budget(),
                d.decidedAt());
    }

    private void updateGauges() {
        // the arbiter only takes the snapshot; the ~1,000 gauge writes of a large ledger run on a timer thread
        BudgetSnapshot budget = arbiter.budget();
        List<LedgerView> rows = arbiter.ledger();
        scheduler.execute(() -> {
            metrics.budget(budget);
            metrics.ledger(rows);
        });
    }

    /** Executor reports for commands of one ledger generation; reports for an older one only update the state. */
    private final class GenerationListener implements ScaleExecutor.Listener {
        private final int gen;

        GenerationListener(int gen) {
            this.gen = gen;
        }

        @Override
        public void completed(ScaleCommand c, Observation now) {
            enqueue(() -> {
                handle(arbiter.completed(c, now), "push", null);
                if (gen == generation) {
                    finished(c, null);
                }
            });
        }

        @Override
        public void failed(ScaleCommand c, Observation now, String message) {
            enqueue(() -> {
                handle(arbiter.failed(c, now, message), "push", null);
                if (gen == generation) {
                    finished(c, message);
                }
            });
        }
    }

    private <T> CompletableFuture<T> submit(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        enqueue(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private void enqueue(Runnable task) {
        if (!closed) {
            queue.add(task);
        }
    }

    /**
     * Takes whatever is queued in one go and runs it; then writes the batch's audit lines (one write) and only
     * then sends its answers. So no answer leaves before its audit line has reached the operating system, and a
     * burst of proposals costs one queue lock, one wake-up and one write, not one of each per proposal. Answers
     * are encoded and handed to gRPC here, on the arbiter's thread: an extra thread hop would cost more than the
     * few microseconds that takes.
     */
    private void loop() {
        List<Runnable> batch = new ArrayList<>(BATCH);
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, BATCH - 1);
            for (int i = 0; i < batch.size(); i++) {
                try {
                    batch.get(i).run();
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "arbiter task failed", e);
                }
            }
            batch.clear();
            audit.flush();
            sendReplies();
        }
    }

    private void sendReplies() {
        for (int i = 0; i < replies.size(); i++) {
            Reply r = replies.get(i);
            try {
                r.to().complete(r.answer());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "sending an answer failed", e);
            }
        }
        replies.clear();
    }

    @Override
    public void close() {
        gaugeTask.cancel();
        closed = true;
        thread.interrupt();
        audit.flush();
    }
}
