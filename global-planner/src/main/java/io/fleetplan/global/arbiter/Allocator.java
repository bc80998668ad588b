package io.fleetplan.global.arbiter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Hands free GPUs to unmet demands. Weighted max-min: one replica at a time to the target whose satisfaction
 * (its pressure hint, else granted/desired) divided by its priority is lowest, until every demand is met or
 * blocked by the ceiling or its namespace quota. With preemption on, each target first gets a fair target
 * (the same water-filling over the whole ceiling); lower-priority targets above both their fair target and
 * their minimum give replicas back to higher-priority targets below theirs. Those GPUs reach the needy
 * target only once the executor confirms the release, so the ceiling holds at every moment.
 *
 * <p>Before handing anything out, grants above the ceiling are taken back ({@link #reconcileCeiling}). The
 * arbiter never grants past it, but the cluster can run more than the budget: a GlobalPlanner restarted with a
 * lower {@code max_total_gpus} rebuilds its ledger from what runs, and a spec written outside it (kubectl, an HPA)
 * is adopted as the grant.
 *
 * <p>Why a demand could not grow is left in {@link Entry#blockedBy}; this runs on every arbiter step, so it
 * avoids maps and re-computing keys in the hot path.
 */
final class Allocator {

    /** What a rebalance did besides the entries' own fields. */
    static final class Result {
        final Set<TargetKey> grew = new HashSet<>();
        final Set<TargetKey> preempted = new HashSet<>();
        final Set<TargetKey> helpedByPreemption = new HashSet<>();
        /** Targets scaled down to bring the grants back under max_total_gpus. */
        final Set<TargetKey> reconciled = new HashSet<>();
    }

    private final ArbiterSettings settings;

    Allocator(ArbiterSettings settings) {
        this.settings = settings;
    }

    Result rebalance(Ledger ledger, Instant now) {
        Result result = new Result();
        reconcileCeiling(ledger, result);
        Instant horizon = now.minus(settings.intentTtl());
        long horizonNanos = Entry.epochNanos(horizon);
        List<Entry> demands = new ArrayList<>(ledger.all().size());
        for (Entry e : ledger.all()) {
            e.blockedBy = null;
            if (e.wantsMore(horizonNanos)) {
                demands.add(e);
            }
        }
        if (demands.isEmpty()) {
            return result;
        }
        if (settings.policy() == ArbiterSettings.Policy.FIRST_COME) {
            demands.sort(Comparator.comparing((Entry e) -> e.desiredAt).thenComparing(e -> e.key));
            Room room = new Room(ledger);
            for (Entry e : demands) {
                fill(List.of(e), null, null, room, result);
            }
            return result;
        }
        if (settings.preemption() && settings.ceilingOn()) {
            Map<TargetKey, Integer> fair = fairTargets(ledger, horizon, horizonNanos);
            preempt(ledger, demands, fair, result);
            fill(demands, fair, null, new Room(ledger), result);
            // leftovers (work conserving), but replicas being released stay with the targets waiting for them
            fill(demands, null, fair, new Room(ledger), result);
            return result;
        }
        Room room = new Room(ledger);
        if (nothingFits(room, demands)) {
            // the common case under contention: no demand can take a step, so skip the water-filling
            return result;
        }
        fill(demands, null, null, room, result);
        return result;
    }

    /**
     * Lowers grants until their GPUs fit max_total_gpus (Dynamo's gpu_budget_reconcile, across pools): the lowest
     * priority first and, within a priority, one replica at a time from the target holding the most GPUs, so equal
     * pools shrink alike. Replicas above each target's minimum go first; the ceiling is hard, so if that is not
     * enough minimums give way too, in the same order. The GPUs stay charged until the executor reports the
     * replicas gone, like any scale-down, and {@link Room} refuses to grant them back while over the ceiling.
     */
    void reconcileCeiling(Ledger ledger, Result result) {
        if (!settings.ceilingOn()) {
            return;
        }
        int excess = ledger.grantedGpus() - settings.maxTotalGpus();
        if (excess <= 0) {
            return;
        }
        List<Entry> byPriority = new ArrayList<>(ledger.all());
        byPriority.sort(Comparator.comparingInt((Entry e) -> e.priority).thenComparing(e -> e.key));
        for (boolean keepMinimums : new boolean[] {true, false}) {
            int from = 0;
            while (excess > 0 && from < byPriority.size()) {
                int priority = byPriority.get(from).priority;
                int to = from;
                while (to < byPriority.size() && byPriority.get(to).priority == priority) {
                    to++;
                }
                List<Entry> tier = byPriority.subList(from, to);
                Entry largest;
                while (excess > 0 && (largest = largestAbove(tier, keepMinimums)) != null) {
                    largest.granted--;
                    excess -= largest.gpusPerReplica;
                    result.reconciled.add(largest.key);
                }
                from = to;
            }
        }
    }

    /** The target of {@code tier} with the most GPUs granted above what it keeps; null when none can give. */
    private static @Nullable Entry largestAbove(List<Entry> tier, boolean keepMinimums) {
        Entry best = null;
        int bestGpus = 0;
        for (Entry e : tier) {
            int keep = keepMinimums ? Math.max(0, e.min) : 0;
            int gpus = (e.granted - keep) * e.gpusPerReplica;
            if (e.gpusPerReplica > 0 && e.granted > keep && gpus > bestGpus) {
                best = e;
                bestGpus = gpus;
            }
        }
        return best;
    }

    private static boolean nothingFits(Room room, List<Entry> demands) {
        boolean none = true;
        for (Entry e : demands) {
            e.blockedBy = room.refuse(e, e.stepCost());
            none &= e.blockedBy != null;
        }
        return none;
    }

    /** Lowest satisfaction per unit of priority first; ties: higher priority, older intent, key order. */
    private static final Comparator<Entry> FAIR_ORDER = (a, b) -> {
        int c = Double.compare(a.fairKey, b.fairKey);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(b.priority, a.priority);
        if (c != 0) {
            return c;
        }
        c = a.desiredAt.compareTo(b.desiredAt);
        return c != 0 ? c : a.key.compareTo(b.key);
    };

    /**
     * Water-filling of the free budget; {@code caps} (fair targets) limit each target when present. With
     * {@code noUndoAbove}, a target at or above its fair share may not take back replicas it is releasing.
     */
    private void fill(
            List<Entry> demands,
            @Nullable Map<TargetKey, Integer> caps,
            @Nullable Map<TargetKey, Integer> noUndoAbove,
            Room room,
            Result result) {
        PriorityQueue<Entry> queue = new PriorityQueue<>(Math.max(1, demands.size()), FAIR_ORDER);
        for (Entry e : demands) {
            // the room only shrinks while filling: a demand that cannot take a step now never will in this pass
            Reason why = caps == null && noUndoAbove == null ? room.refuse(e, e.stepCost()) : null;
            if (why != null) {
                e.blockedBy = why;
                continue;
            }
            e.fairKey = fairKey(e);
            queue.add(e);
        }
        while (!queue.isEmpty()) {
            Entry e = queue.poll();
            int cap = caps == null ? e.desired : Math.min(e.desired, caps.getOrDefault(e.key, e.desired));
            if (e.granted >= cap) {
                e.blockedBy = e.granted < e.desired ? Reason.FAIR_SHARE : null;
                continue;
            }
            int cost = e.stepCost();
            if (cost == 0
                    && noUndoAbove != null
                    && e.gpusPerReplica > 0
                    && e.granted >= noUndoAbove.getOrDefault(e.key, Integer.MAX_VALUE)) {
                e.blockedBy = Reason.FAIR_SHARE;
                continue;
            }
            Reason why = room.refuse(e, cost);
            if (why != null) {
                e.blockedBy = why;
                continue;
            }
            room.take(e, cost);
            e.granted++;
            e.blockedBy = null;
            e.fairKey = fairKey(e);
            result.grew.add(e.key);
            queue.add(e);
        }
    }

    private static double fairKey(Entry e) {
        return e.satisfaction(e.granted) / Math.max(1, e.priority);
    }

    /** Each target's fair replicas under the whole ceiling: minimums first by priority, then water-filling. */
    Map<TargetKey, Integer> fairTargets(Ledger ledger, Instant horizon, long horizonNanos) {
        List<Entry> all = new ArrayList<>();
        for (Entry e : ledger.all()) {
            Entry s = e.copy();
            s.desired = e.wantsMore(horizonNanos) ? e.desired : e.granted;
            s.granted = 0;
            s.holdNothing();
            s.desiredAt(horizon);
            all.add(s);
        }
        Room room = new Room(Ledger.of(all));
        all.sort(Comparator.comparingInt((Entry e) -> e.priority).reversed().thenComparing(e -> e.key));
        for (Entry s : all) {
            int floor = Math.min(s.min, s.desired);
            while (s.granted < floor && room.refuse(s, s.stepCost()) == null) {
                room.take(s, s.stepCost());
                s.granted++;
            }
        }
        fill(all, null, null, room, new Result());
        Map<TargetKey, Integer> alloc = new HashMap<>();
        for (Entry s : all) {
            alloc.put(s.key, s.granted);
        }
        return alloc;
    }

    private void preempt(Ledger ledger, List<Entry> demands, Map<TargetKey, Integer> fair, Result result) {
        List<Entry> needy = new ArrayList<>();
        // fair holds every ledger target (fairTargets), so the defaults below are never used
        for (Entry e : demands) {
            if (e.granted < fair.getOrDefault(e.key, e.granted)) {
                needy.add(e);
            }
        }
        needy.sort(Comparator.comparingInt((Entry e) -> e.priority).reversed().thenComparing(e -> e.key));
        // GPUs already free or on their way back (unconfirmed scale-downs) are spoken for before anyone is preempted
        int available = Math.max(0, settings.maxTotalGpus() - ledger.committed()) + ledger.releasing();
        // min_total_gpus binds preemption like any scale-down: the preempted GPUs reach the needy target only after
        // their release, so until then they are missing from the grants
        int aboveFloor = settings.minTotalGpus() < 0
                ? Integer.MAX_VALUE
                : Math.max(0, ledger.grantedGpus() - settings.minTotalGpus());
        for (Entry n : needy) {
            int need = (fair.getOrDefault(n.key, n.granted) - n.granted) * n.gpusPerReplica;
            int fromAvailable = Math.min(need, available);
            available -= fromAvailable;
            need -= fromAvailable;
            if (need <= 0) {
                continue;
            }
            List<Entry> victims = new ArrayList<>();
            for (Entry v : ledger.all()) {
                if (v.priority < n.priority && v.gpusPerReplica > 0 && v.granted > keep(v, fair)) {
                    victims.add(v);
                }
            }
            victims.sort(Comparator.comparingInt((Entry v) -> v.priority)
                    .thenComparing(Comparator.comparingInt((Entry v) -> v.granted - keep(v, fair))
                            .reversed())
                    .thenComparing(v -> v.key));
            for (Entry v : victims) {
                if (need <= 0) {
                    break;
                }
                int take = Math.min(v.granted - keep(v, fair), (need + v.gpusPerReplica - 1) / v.gpusPerReplica);
                take = Math.min(take, aboveFloor / v.gpusPerReplica);
                if (take <= 0) {
                    continue;
                }
                v.granted -= take;
                need -= take * v.gpusPerReplica;
                aboveFloor -= take * v.gpusPerReplica;
                result.preempted.add(v.key);
                result.helpedByPreemption.add(n.key);
            }
        }
    }

    private static int keep(Entry v, Map<TargetKey, Integer> fair) {
        return Math.max(v.min, fair.getOrDefault(v.key, v.granted));
    }

    /** Free GPUs under the ceiling and the namespace quotas, kept current while replicas are handed out. */
    private final class Room {
        private int committed;
        /**
         * GPUs of the grants. Within the budget they never exceed {@link #committed}; above it (a reconcile still
         * releasing) a step that costs nothing (taking back a scale-down) would re-grant what the reconcile took.
         */
        private int granted;
        /** Null when no namespace has a quota. */
        private final @Nullable Map<String, Integer> byNamespace;

        Room(Ledger ledger) {
            committed = ledger.committed();
            granted = ledger.grantedGpus();
            byNamespace = settings.namespaceQuotas().isEmpty() ? null : ledger.committedByNamespace();
        }

        /** @return why {@code e} may not take a step costing {@code cost} GPUs, or null when it may */
        @Nullable
        Reason refuse(Entry e, int cost) {
            if (settings.ceilingOn() && granted + e.gpusPerReplica > settings.maxTotalGpus()) {
                return Reason.BUDGET_CEILING;
            }
            if (cost == 0) {
                return null;
            }
            if (settings.ceilingOn() && committed + cost > settings.maxTotalGpus()) {
                return Reason.BUDGET_CEILING;
            }
            if (byNamespace == null) {
                return null;
            }
            Integer quota = settings.namespaceQuotas().get(e.key.k8sNamespace());
            if (quota != null && byNamespace.getOrDefault(e.key.k8sNamespace(), 0) + cost > quota) {
                return Reason.NAMESPACE_QUOTA;
            }
            return null;
        }

        void take(Entry e, int cost) {
            committed += cost;
            granted += e.gpusPerReplica;
            if (byNamespace != null) {
                byNamespace.merge(e.key.k8sNamespace(), cost, Integer::sum);
            }
        }
    }
}
