package io.fleetplan.pool.scaling;

import io.fleetplan.common.pool.PoolMode;
import java.util.Arrays;

/**
 * The local GPU budget of one pool: the {@code max_gpu_budget} ceiling and the {@code min_gpu_budget} floor
 * (negative = off), applied to a proposal without ever reversing it (Dynamo's budget guard).
 *
 * <p>The band is {@code [min - tolerance, max]}. The tolerance is the widest GPUs-per-replica step, and only
 * when both bounds are set: integer replica steps cannot always land on an exact total, so the floor is relaxed
 * by one step; the ceiling is hard; a floor alone is strict.
 *
 * <p>{@link #clamp(Replicas, Replicas, PoolMode)} keeps each component between its current and proposed
 * replicas: a budget may stop or shorten a move, never turn a scale-down into a scale-up or take a replica from a
 * component that asked for none. At the nominal floor a scale-down is held; at the ceiling a scale-up passes only
 * as a rebalance (one component up, the other down), and then both legs move or neither does, so a donor is
 * never removed without its receiver. Only when the running allocation itself is outside the band is it
 * reconciled (from what runs, not from the proposal) back into it.
 *
 * <p>The proportional clamp under it: over the ceiling, scale = budget/total and prefill keeps
 * {@code max(min_ep, min(max_p, floor(P*scale)))} where max_p leaves room for min_ep decode engines; decode takes
 * the leftover but never more than it asked for. Under the floor both grow by the same ratio (rounded up; from
 * zero, half the floor to prefill and the rest to decode), unless that would pass the ceiling. A ceiling below the
 * min_endpoint footprint gives (0, 0).
 */
public final class GpuBudget {

    /** What the budget did. */
    public enum Outcome {
        UNLIMITED,
        WITHIN_BUDGET,
        CLAMPED,
        BELOW_MIN_ENDPOINT_FOOTPRINT,
        RAISED_TO_FLOOR,
        /** Dynamo's {@code gpu_budget_guard_hold}: the budget blocks the move and the current replicas stay. */
        HELD,
        /** Dynamo's {@code gpu_budget_reconcile}: what runs was outside the band and is brought back into it. */
        RECONCILED
    }

    /** The replicas to run and what happened. */
    public record Result(Replicas replicas, Outcome outcome) {}

    private final int maxGpus;
    private final int minGpus;
    private final int minEndpoint;
    private final int prefillGpus;
    private final int decodeGpus;

    public GpuBudget(int maxGpus, int minGpus, int minEndpoint, int prefillGpus, int decodeGpus) {
        this.maxGpus = maxGpus;
        this.minGpus = minGpus;
        this.minEndpoint = minEndpoint;
        this.prefillGpus = Math.max(1, prefillGpus);
        this.decodeGpus = Math.max(1, decodeGpus);
    }

    /** Fits the move from {@code current} to {@code wanted} to the band without reversing either component. */
    public Result clamp(Replicas current, Replicas wanted, PoolMode mode) {
        return switch (mode) {
            case DISAGG -> guardPair(current, wanted);
            case PREFILL -> asPrefill(guardSingle(current.prefill(), wanted.prefill(), prefillGpus));
            case DECODE, AGG -> guardSingle(current.decode(), wanted.decode(), decodeGpus);
        };
    }

    /** The proportional clamp alone, with no regard for where the pool is now. */
    Result proportional(Replicas wanted, PoolMode mode) {
        return switch (mode) {
            case DISAGG -> proportionalPair(wanted);
            case PREFILL -> asPrefill(proportionalSingle(wanted.prefill(), prefillGpus));
            case DECODE, AGG -> proportionalSingle(wanted.decode(), decodeGpus);
        };
    }

    // ---- pair -----------------------------------------------------------------------------------------------

    private Result guardPair(Replicas current, Replicas wanted) {
        int tolerance = pairTolerance();
        int now = gpus(current);
        if (!inBand(now, tolerance)) {
            Result r = proportionalPair(current);
            return r.outcome() == Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT
                    ? r
                    : new Result(r.replicas(), Outcome.RECONCILED);
        }
        int dp = Integer.compare(wanted.prefill(), current.prefill());
        int dd = Integer.compare(wanted.decode(), current.decode());
        boolean anyUp = dp > 0 || dd > 0;
        boolean anyDown = dp < 0 || dd < 0;
        boolean rebalance = dp * dd < 0;
        // the floor is measured against its nominal value: the tolerance makes integer totals reachable, it must
        // not let one scale-down after another walk the pool below the floor
        boolean atFloor = minGpus >= 0 && now <= minGpus;
        boolean atCeiling = maxGpus >= 0 && now >= maxGpus;
        if (atFloor && anyDown && !anyUp) {
            return held(current);
        }
        if (atCeiling && anyUp && !rebalance) {
            return held(current); // no free GPU, and no component offered one: do not invent a donor
        }
        if ((atFloor || atCeiling) && rebalance) {
            Replicas fitted = fitWithinMove(current, wanted);
            return fitted.equals(current)
                    ? held(current)
                    : new Result(fitted, fitted.equals(wanted) ? Outcome.WITHIN_BUDGET : Outcome.CLAMPED);
        }
        Result r = proportionalPair(wanted);
        Replicas out = r.replicas();
        if (!between(out.prefill(), current.prefill(), wanted.prefill())
                || !between(out.decode(), current.decode(), wanted.decode())) {
            return held(current);
        }
        if (r.outcome() != Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT && !inBand(gpus(out), tolerance)) {
            return held(current); // the floor could not be reached without passing the ceiling
        }
        return r;
    }

    /**
     * The in-band pair between current and wanted closest to wanted (Dynamo's directional fit). Ties go to the
     * pair whose two legs progress in proportion to what was asked, then to more progress, then to fewer
     * replicas. In a rebalance both legs move or neither does. No such pair: current.
     */
    Replicas fitWithinMove(Replicas current, Replicas wanted) {
        int tolerance = pairTolerance();
        int cp = current.prefill();
        int cd = current.decode();
        int wp = wanted.prefill();
        int wd = wanted.decode();
        if (wp >= minEndpoint && wd >= minEndpoint && inBand(gpus(wanted), tolerance)) {
            return wanted;
        }
        boolean rebalance = (wp > cp && wd < cd) || (wp < cp && wd > cd);
        int askedP = Math.abs(wp - cp);
        int askedD = Math.abs(wd - cd);
        Replicas best = null;
        long[] bestScore = null;
        for (int p = Math.max(Math.min(cp, wp), minEndpoint); p <= Math.max(cp, wp); p++) {
            // the decode counts this prefill count allows: the move's range, the band, and in a rebalance the
            // rule that decode moves exactly when prefill does
            int lo = Math.max(Math.min(cd, wd), minEndpoint);
            int hi = Math.max(cd, wd);
            int prefillTotal = p * prefillGpus;
            if (maxGpus >= 0) {
                hi = Math.min(hi, Math.floorDiv(maxGpus - prefillTotal, decodeGpus));
            }
            if (minGpus >= 0) {
                lo = Math.max(lo, -Math.floorDiv(-(minGpus - tolerance - prefillTotal), decodeGpus));
            }
            if (rebalance && p == cp) {
                lo = Math.max(lo, cd);
                hi = Math.min(hi, cd);
            } else if (rebalance) {
                lo = wd > cd ? Math.max(lo, cd + 1) : lo;
                hi = wd < cd ? Math.min(hi, cd - 1) : hi;
            }
            if (lo > hi) {
                continue;
            }
            // for a fixed prefill count the decode count nearest the ask is the only one that can win
            int d = Math.max(lo, Math.min(hi, wd));
            int movedP = Math.abs(p - cp);
            int movedD = Math.abs(d - cd);
            long[] score = {
                Math.abs(wp - p) + Math.abs(wd - d),
                Math.abs((long) movedP * askedD - (long) movedD * askedP),
                -(movedP + movedD),
                p,
                d
            };
            if (bestScore == null || Arrays.compare(score, bestScore) < 0) {
                best = new Replicas(p, d);
                bestScore = score;
            }
        }
        return best == null ? current : best;
    }

    private Result proportionalPair(Replicas wanted) {
        int p = wanted.prefill();
        int d = wanted.decode();
        int total = gpus(wanted);
        if (maxGpus < 0 && minGpus < 0) {
            return new Result(wanted, Outcome.UNLIMITED);
        }
        if (inBand(total, pairTolerance())) {
            return new Result(wanted, maxGpus < 0 ? Outcome.UNLIMITED : Outcome.WITHIN_BUDGET);
        }
        if (maxGpus >= 0 && total > maxGpus) {
            if (maxGpus < minEndpoint * prefillGpus + minEndpoint * decodeGpus) {
                return new Result(Replicas.ZERO, Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT);
            }
            double scale = (double) maxGpus / total;
            int maxP = (maxGpus - minEndpoint * decodeGpus) / prefillGpus;
            int newP = Math.max(minEndpoint, Math.min(maxP, (int) Math.floor(p * scale)));
            int leftover = (maxGpus - newP * prefillGpus) / decodeGpus;
            int newD = Math.max(minEndpoint, Math.min(d, leftover));
            return new Result(new Replicas(newP, newD), Outcome.CLAMPED);
        }
        // under the floor: grow prefill by floor/total (from nothing, half the floor), decode fills the rest
        int newP = total <= 0
                ? Math.max(minEndpoint, ceilDiv(minGpus, 2 * prefillGpus))
                : Math.max(minEndpoint, (int) Math.ceil(p * ((double) minGpus / total)));
        int newD = Math.max(minEndpoint, ceilDiv(Math.max(0, minGpus - newP * prefillGpus), decodeGpus));
        Replicas grown = new Replicas(newP, newD);
        if (maxGpus >= 0 && gpus(grown) > maxGpus) {
            return new Result(wanted, Outcome.WITHIN_BUDGET); // the ceiling is hard, the floor is not
        }
        return new Result(grown, Outcome.RAISED_TO_FLOOR);
    }

    // ---- single component -----------------------------------------------------------------------------------

    private Result guardSingle(int current, int wanted, int gpu) {
        int tolerance = bothBounds() ? gpu : 0;
        int now = current * gpu;
        if (!inBand(now, tolerance)) {
            Result r = proportionalSingle(current, gpu);
            return r.outcome() == Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT
                    ? r
                    : new Result(r.replicas(), Outcome.RECONCILED);
        }
        Replicas stay = new Replicas(0, current);
        if (minGpus >= 0 && now <= minGpus && wanted < current) {
            return held(stay);
        }
        if (maxGpus >= 0 && now >= maxGpus && wanted > current) {
            return held(stay);
        }
        Result r = proportionalSingle(wanted, gpu);
        boolean keepsDirection = between(r.replicas().decode(), current, wanted);
        return keepsDirection || r.outcome() == Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT ? r : held(stay);
    }

    /** One component, carried in the decode slot; {@link #asPrefill} moves it where it belongs. */
    private Result proportionalSingle(int r, int gpu) {
        int total = r * gpu;
        if (maxGpus < 0 && minGpus < 0) {
            return new Result(new Replicas(0, r), Outcome.UNLIMITED);
        }
        if (inBand(total, bothBounds() ? gpu : 0)) {
            return new Result(new Replicas(0, r), maxGpus < 0 ? Outcome.UNLIMITED : Outcome.WITHIN_BUDGET);
        }
        if (maxGpus >= 0 && total > maxGpus) {
            if (maxGpus < minEndpoint * gpu) {
                return new Result(Replicas.ZERO, Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT);
            }
            return new Result(new Replicas(0, Math.max(minEndpoint, maxGpus / gpu)), Outcome.CLAMPED);
        }
        int grown = Math.max(minEndpoint, ceilDiv(minGpus, gpu));
        if (maxGpus >= 0 && grown * gpu > maxGpus) {
            return new Result(new Replicas(0, r), Outcome.WITHIN_BUDGET); // the ceiling is hard, the floor is not
        }
        return new Result(new Replicas(0, grown), Outcome.RAISED_TO_FLOOR);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private boolean bothBounds() {
        return minGpus >= 0 && maxGpus >= 0;
    }

    private int pairTolerance() {
        return bothBounds() ? Math.max(prefillGpus, decodeGpus) : 0;
    }

    private boolean inBand(int total, int tolerance) {
        return (maxGpus < 0 || total <= maxGpus) && (minGpus < 0 || total >= minGpus - tolerance);
    }

    private int gpus(Replicas r) {
        return r.gpus(prefillGpus, decodeGpus);
    }

    private static boolean between(int value, int a, int b) {
        return Math.min(a, b) <= value && value <= Math.max(a, b);
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static Result held(Replicas current) {
        return new Result(current, Outcome.HELD);
    }

    private static Result asPrefill(Result r) {
        return new Result(new Replicas(r.replicas().decode(), 0), r.outcome());
    }
}
