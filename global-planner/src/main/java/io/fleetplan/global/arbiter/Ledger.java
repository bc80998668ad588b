package io.fleetplan.global.arbiter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The targets and what each holds; ordered by key so every iteration (and so every decision) is deterministic. */
final class Ledger {

    final TreeMap<TargetKey, Entry> entries = new TreeMap<>();
    // the same entries as an array list in key order: the hot loops iterate it (a TreeMap walk costs more)
    private List<Entry> ordered = List.of();
    // the same entries by (k8s namespace, DGD), each list in key order: every proposal resolves its targets here
    private Map<Dgd, List<Entry>> byDgd = Map.of();
    // and by key in a hash map: a lookup per target per step, cheaper than the TreeMap's string comparisons
    private Map<TargetKey, Entry> byKey = Map.of();

    private record Dgd(String k8sNamespace, String graphDeploymentName) {}

    Ledger copy() {
        Ledger l = new Ledger();
        entries.forEach((k, e) -> l.entries.put(k, e.copy()));
        l.reindex();
        return l;
    }

    static Ledger of(List<Entry> entries) {
        Ledger l = new Ledger();
        for (Entry e : entries) {
            l.entries.put(e.key, e);
        }
        l.reindex();
        return l;
    }

    List<Entry> all() {
        return ordered;
    }

    /** The entry of {@code key}, or null. */
    @Nullable
    Entry get(TargetKey key) {
        return byKey.get(key);
    }

    /** The entry of a key taken from this ledger (a resolved proposal target, a command's target). */
    Entry require(TargetKey key) {
        Entry e = byKey.get(key);
        if (e == null) {
            throw new IllegalStateException("no ledger entry for " + key);
        }
        return e;
    }

    /** The entries of one DGD in key order (empty when none). */
    List<Entry> ofDgd(String k8sNamespace, String graphDeploymentName) {
        return byDgd.getOrDefault(new Dgd(k8sNamespace, graphDeploymentName), List.of());
    }

    void put(Entry e) {
        entries.put(e.key, e);
        reindex();
    }

    void remove(TargetKey key) {
        if (entries.remove(key) != null) {
            reindex();
        }
    }

    // targets come and go rarely (discovery, informers); decisions read the indexes on every step
    private void reindex() {
        ordered = new ArrayList<>(entries.values());
        Map<Dgd, List<Entry>> m = new HashMap<>();
        for (Entry e : ordered) {
            m.computeIfAbsent(new Dgd(e.key.k8sNamespace(), e.key.graphDeploymentName()), k -> new ArrayList<>())
                    .add(e);
        }
        byDgd = m;
        byKey = new HashMap<>(entries);
    }

    int committed() {
        int sum = 0;
        for (Entry e : ordered) {
            sum += e.charge();
        }
        return sum;
    }

    int releasing() {
        int sum = 0;
        for (Entry e : ordered) {
            sum += e.releasing();
        }
        return sum;
    }

    /** GPUs of granted replicas only (what the floor is measured on: the state the executor is driving to). */
    int grantedGpus() {
        int sum = 0;
        for (Entry e : ordered) {
            sum += e.gpusPerReplica * e.granted;
        }
        return sum;
    }

    Map<String, Integer> committedByNamespace() {
        Map<String, Integer> m = new HashMap<>();
        for (Entry e : ordered) {
            m.merge(e.key.k8sNamespace(), e.charge(), Integer::sum);
        }
        return m;
    }

    BudgetSnapshot snapshot(ArbiterSettings s) {
        int committed = 0;
        int releasing = 0;
        for (Entry e : ordered) {
            committed += e.charge();
            releasing += e.releasing();
        }
        return new BudgetSnapshot(
                s.maxTotalGpus(),
                s.minTotalGpus(),
                committed,
                releasing,
                s.ceilingOn() ? Math.max(0, s.maxTotalGpus() - committed) : -1);
    }
}
