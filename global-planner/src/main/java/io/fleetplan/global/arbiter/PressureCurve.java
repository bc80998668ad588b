package io.fleetplan.global.arbiter;

import java.util.List;

/**
 * A pool's pressure hint for one component: its estimate of the benefit (e.g. expected SLO attainment,
 * 0..1) at each candidate replica count. Between points the value is interpolated linearly; below the first
 * point it falls linearly to 0 at 0 replicas, above the last it stays flat.
 */
public record PressureCurve(List<Integer> replicas, List<Double> values) {

    public static final PressureCurve NONE = new PressureCurve(List.of(), List.of());

    public PressureCurve {
        replicas = List.copyOf(replicas);
        values = List.copyOf(values);
        if (replicas.size() != values.size()) {
            throw new IllegalArgumentException("candidate_replicas and value_at must have the same length");
        }
    }

    public boolean isEmpty() {
        return replicas.isEmpty();
    }

    /** The hinted value at {@code r} replicas; {@code fallback} when there is no hint. */
    public double valueAt(int r, double fallback) {
        if (replicas.isEmpty()) {
            return fallback;
        }
        int first = replicas.get(0);
        if (r <= first) {
            // the ratio first, at most 1: a huge but finite value times r overflowed to Infinity before the division
            return first <= 0 ? values.get(0) : values.get(0) * ((double) Math.max(0, r) / first);
        }
        for (int i = 1; i < replicas.size(); i++) {
            int hi = replicas.get(i);
            if (r <= hi) {
                int lo = replicas.get(i - 1);
                double f = hi == lo ? 1 : (double) (r - lo) / (hi - lo);
                return values.get(i - 1) + f * (values.get(i) - values.get(i - 1));
            }
        }
        return values.get(values.size() - 1);
    }
}
