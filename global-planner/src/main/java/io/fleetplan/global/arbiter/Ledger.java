package io.fleetplan.global.arbiter;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** The targets and what each holds; ordered by key so every iteration (and so every decision) is deterministic. */
final class Ledger {

    final TreeMap<TargetKey, Entry> entries = new TreeMap<>();

    Ledger copy() {
        Ledger l = new Ledger();
        entries.forEach((k, e) -> l.entries.put(k, e.copy()));
        return l;
    }

    int committed() {
        int sum = 0;
        for (Entry e : entries.values()) {
            sum += e.charge();
        }
        return sum;
    }

    int releasing() {
        int sum = 0;
        for (Entry e : entries.values()) {
            sum += e.releasing();
        }
        return sum;
    }

    /** GPUs of granted replicas only (what the floor is measured on: the state the executor is driving to). */
    int grantedGpus() {
        int sum = 0;
        for (Entry e : entries.values()) {
            sum += e.gpusPerReplica * e.granted;
        }
        return sum;
    }

    Map<String, Integer> committedByNamespace() {
        Map<String, Integer> m = new HashMap<>();
        for (Entry e : entries.values()) {
            m.merge(e.key.k8sNamespace(), e.charge(), Integer::sum);
        }
        return m;
    }

    BudgetSnapshot snapshot(ArbiterSettings s) {
        int committed = committed();
        return new BudgetSnapshot(s.maxTotalGpus(), s.minTotalGpus(), committed, releasing(),
                s.ceilingOn() ? Math.max(0, s.maxTotalGpus() - committed) : -1);
    }
}
