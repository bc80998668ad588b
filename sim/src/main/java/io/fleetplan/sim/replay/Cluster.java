package io.fleetplan.sim.replay;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.global.arbiter.ArbiterSettings;
import io.fleetplan.global.arbiter.Ask;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.virtual.VirtualGlobalPlanner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The GPUs of one replay: the pools, who holds how many GPUs (starting, ready and draining workers all hold
 * theirs), GPU-seconds, the peak, and time spent above the budget. Scale requests from a policy arrive here;
 * baselines (no GlobalPlanner) are only clamped to their pool's {@code [min_replicas, max_replicas]}. Arbitrated
 * ones pass the GlobalPlanner ({@link VirtualGlobalPlanner}: the live service's arbiter, with the pools as its
 * executor's targets), which keeps the committed GPUs within the budget.
 */
public final class Cluster {

    private final StackConfig stack;
    private final VirtualScheduler scheduler;
    private final List<SimPool> pools = new ArrayList<>();
    private final PoolExecutor executor;
    private final VirtualGlobalPlanner globalPlanner;
    private final Map<String, Long> sequence = new HashMap<>();
    private Frontend frontend;
    private Duration startup;
    private final Duration drainGrace;

    private int heldGpus;
    private int peakGpus;
    private long lastChangeNanos;
    private double gpuSeconds;
    private double prestartSeconds;
    private double prestartGpuSeconds;
    private double overBudgetSeconds;
    private long budgetViolations;

    Cluster(StackConfig stack, VirtualScheduler scheduler, Duration startup) {
        this.stack = stack;
        this.scheduler = scheduler;
        this.executor = new PoolExecutor(scheduler, this);
        this.globalPlanner = new VirtualGlobalPlanner(
                ArbiterSettings.ofBudget(
                        stack.budget().maxTotalGpus(), stack.budget().minTotalGpus()),
                scheduler.clock(),
                executor);
        this.startup = startup;
        this.drainGrace = Duration.ofMillis(Math.round(stack.drainGraceSeconds() * 1000));
    }

    void add(SimPool pool) {
        pools.add(pool);
        executor.add(pool);
    }

    void frontend(Frontend f) {
        this.frontend = f;
    }

    Frontend frontend() {
        return frontend;
    }

    public List<SimPool> pools() {
        return pools;
    }

    public StackConfig stack() {
        return stack;
    }

    public SimPool pool(String name) {
        for (SimPool p : pools) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no pool " + name + "; pools are "
                + pools.stream().map(SimPool::name).toList());
    }

    /**
     * Asks for {@code replicas} in {@code pool}. Clamped to the pool's range; with {@code arbitrated} a scale-up
     * gets only what the arbiter grants within the budget. @return the pool's target afterwards
     */
    public int scaleTo(SimPool pool, int replicas, boolean arbitrated) {
        int wanted = Math.max(pool.spec().minReplicas(), Math.min(pool.spec().maxReplicas(), replicas));
        if (arbitrated) {
            long seq = sequence.merge(pool.name(), 1L, Long::sum);
            globalPlanner.propose(new Proposal(
                    "",
                    poolId(pool),
                    seq,
                    PoolExecutor.NAMESPACE,
                    PoolExecutor.NAMESPACE,
                    pool.name(),
                    pool.spec().priority(),
                    false,
                    List.of(new Ask(
                            pool.subType(), pool.name(), wanted, pool.spec().minReplicas(), null))));
            return pool.target();
        }
        apply(pool, wanted);
        return pool.target();
    }

    /** The replay's GlobalPlanner: every arbitrated scale request goes through it. */
    public VirtualGlobalPlanner globalPlanner() {
        return globalPlanner;
    }

    /** The GlobalPlanner's pool id of {@code pool} (where its decisions are pushed). */
    public String poolId(SimPool pool) {
        return pool.name();
    }

    /** The GlobalPlanner's target of {@code pool}: its k8s namespace, DGD and component. */
    public TargetKey target(SimPool pool) {
        return PoolExecutor.key(pool);
    }

    /** The executor's write: the pool's target becomes {@code replicas}. */
    void apply(SimPool pool, int replicas) {
        pool.setTarget(replicas, startup, drainGrace);
    }

    /** Registers the pools with the GlobalPlanner (after their initial replicas exist). */
    void restoreArbiter() {
        globalPlanner.restore();
    }

    void workersChanged() {
        executor.poolsChanged();
    }

    /** GPUs held right now (starting + ready + draining workers). */
    public int heldGpus() {
        return heldGpus;
    }

    /** The budget ceiling; -1 = none. */
    public int budget() {
        return stack.budget().maxTotalGpus();
    }

    void gpusChanged(int delta) {
        account();
        if (delta < 0) {
            workersChanged(); // GPUs freed: the arbiter may now grant waiting demands
        }
        int before = heldGpus;
        heldGpus += delta;
        peakGpus = Math.max(peakGpus, heldGpus);
        int budget = budget();
        if (budget >= 0 && heldGpus > budget && before <= budget) {
            budgetViolations++;
        }
    }

    private void account() {
        long now = scheduler.nanoTime();
        double dt = (now - lastChangeNanos) / 1e9;
        gpuSeconds += heldGpus * dt;
        if (budget() >= 0 && heldGpus > budget()) {
            overBudgetSeconds += dt;
        }
        lastChangeNanos = now;
    }

    /** GPU-seconds up to now. */
    public double gpuSeconds() {
        account();
        return gpuSeconds;
    }

    /** GPU-seconds up to {@code endNanos} (the held GPUs since the last change count until then). */
    double gpuSecondsUntil(long endNanos) {
        account();
        return gpuSeconds + heldGpus * (endNanos - scheduler.nanoTime()) / 1e9;
    }

    public int peakGpus() {
        return peakGpus;
    }

    public double overBudgetSeconds() {
        account();
        return overBudgetSeconds;
    }

    /** Times the held GPUs went from within the budget to above it. */
    public long budgetViolations() {
        return budgetViolations;
    }

    /** See {@link ScalingPolicy#prestartSeconds}: charged per GPU of every worker started after time 0. */
    void prestart(double seconds) {
        this.prestartSeconds = seconds;
    }

    /** A worker was asked for after time 0 (not one of the initial deployment). */
    void workerStarted(int gpus) {
        gpuSeconds += prestartSeconds * gpus;
        prestartGpuSeconds += prestartSeconds * gpus;
    }

    /** Of {@link #gpuSeconds()}, what {@link #workerStarted} charged ahead. */
    public double prestartGpuSeconds() {
        return prestartGpuSeconds;
    }

    void startup(Duration d) {
        this.startup = d;
    }
}
