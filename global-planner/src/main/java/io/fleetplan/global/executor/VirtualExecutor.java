package io.fleetplan.global.executor;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.Scheduler;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * In-memory targets on an injected {@link Scheduler}: a command writes the new spec at once and completes after
 * {@code scaleUpDelay} (replicas ready) or {@code scaleDownDelay} (replicas gone), one command at a time per
 * target. With a {@code VirtualScheduler} this runs in virtual time (sim); with a wall-clock scheduler it stands in
 * for a cluster ({@code environment: virtual}). Thread-safe: commands may come from the arbiter thread while
 * completions run on the scheduler's.
 */
public final class VirtualExecutor implements ScaleExecutor {

    private final Scheduler scheduler;
    private final Duration scaleUpDelay;
    private final Duration scaleDownDelay;
    private final Map<TargetKey, Target> targets = new TreeMap<>();
    private final Map<TargetKey, String> failNext = new HashMap<>();

    private static final class Target {
        final SubType subType;
        final int gpusPerReplica;
        int spec;
        int running;
        boolean busy;
        final Deque<Runnable> queue = new ArrayDeque<>();

        Target(SubType subType, int gpusPerReplica, int replicas) {
            this.subType = subType;
            this.gpusPerReplica = gpusPerReplica;
            this.spec = replicas;
            this.running = replicas;
        }
    }

    public VirtualExecutor(Scheduler scheduler, Duration scaleUpDelay, Duration scaleDownDelay) {
        this.scheduler = scheduler;
        this.scaleUpDelay = scaleUpDelay;
        this.scaleDownDelay = scaleDownDelay;
    }

    /** Adds a target (before the arbiter's {@code restore}, or report it with {@code observed}). */
    public synchronized Observation register(TargetKey key, SubType subType, int replicas, int gpusPerReplica) {
        targets.put(key, new Target(subType, gpusPerReplica, replicas));
        return observe(key);
    }

    /** The next command for {@code key} fails with {@code message} (its write does not happen). */
    public synchronized void failNext(TargetKey key, String message) {
        failNext.put(key, message);
    }

    /** Replicas running now (what a simulated pool serves with). */
    public synchronized int running(TargetKey key) {
        return targets.get(key).running;
    }

    public synchronized int spec(TargetKey key) {
        return targets.get(key).spec;
    }

    /** GPUs held by all targets: GPUs per replica x max(spec, running). */
    public synchronized int gpusInUse() {
        int sum = 0;
        for (Target t : targets.values()) {
            sum += t.gpusPerReplica * Math.max(t.spec, t.running);
        }
        return sum;
    }

    @Override
    public synchronized List<Observation> discover() {
        List<Observation> all = new ArrayList<>();
        for (TargetKey k : targets.keySet()) {
            all.add(observe(k));
        }
        return all;
    }

    @Override
    public synchronized void apply(ScaleCommand c, Listener listener) {
        Target t = targets.get(c.target());
        if (t == null) {
            listener.failed(
                    c,
                    new Observation(c.target(), c.subType(), 0, 0, 0, c.gpusPerReplica()),
                    "unknown target " + c.target());
            return;
        }
        t.queue.add(() -> start(c, t, listener));
        if (!t.busy) {
            next(t);
        }
    }

    private void next(Target t) {
        Runnable r = t.queue.poll();
        t.busy = r != null;
        if (r != null) {
            r.run();
        }
    }

    private void start(ScaleCommand c, Target t, Listener listener) {
        String failure = failNext.remove(c.target());
        if (failure != null) {
            Observation now = observe(c.target());
            scheduler.execute(() -> {
                listener.failed(c, now, failure);
                synchronized (this) {
                    next(t);
                }
            });
            return;
        }
        boolean down = c.toReplicas() < Math.max(t.spec, t.running);
        t.spec = c.toReplicas();
        scheduler.schedule(down ? scaleDownDelay : scaleUpDelay, () -> {
            Observation now;
            synchronized (this) {
                t.running = t.spec;
                now = observe(c.target());
            }
            listener.completed(c, now);
            synchronized (this) {
                next(t);
            }
        });
    }

    private Observation observe(TargetKey k) {
        Target t = targets.get(k);
        return new Observation(k, t.subType, t.spec, t.running, Math.min(t.spec, t.running), t.gpusPerReplica);
    }
}
