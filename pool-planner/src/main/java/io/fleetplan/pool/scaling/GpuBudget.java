package io.fleetplan.pool.scaling;

/**
 * The local {@code max_gpu_budget} clamp (Dynamo's proportional clamp), plus the {@code min_gpu_budget} floor.
 * Negative ceilings mean unlimited.
 *
 * <p>Pair, over the ceiling: scale = budget/total; prefill keeps {@code max(min_ep, min(max_p, floor(P*scale)))}
 * where max_p leaves room for min_ep decode engines; decode takes the leftover but, as in Dynamo's newest
 * revision, never more than it asked for. A budget below the min_endpoint footprint gives (0, 0).
 */
public final class GpuBudget {

    /** What the clamp did. */
    public enum Outcome { UNLIMITED, WITHIN_BUDGET, CLAMPED, BELOW_MIN_ENDPOINT_FOOTPRINT, RAISED_TO_FLOOR }

    /** The clamped replicas and what happened. */
    public record Result(Replicas replicas, Outcome outcome) {
    }

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

    public Result clamp(Replicas wanted, PoolMode mode) {
        return switch (mode) {
            case DISAGG -> clampPair(wanted);
            case PREFILL -> single(wanted.prefill(), prefillGpus, true);
            case DECODE, AGG -> single(wanted.decode(), decodeGpus, false);
        };
    }

    Result clampPair(Replicas wanted) {
        int p = wanted.prefill();
        int d = wanted.decode();
        int total = p * prefillGpus + d * decodeGpus;
        if (maxGpus < 0) {
            return floorPair(wanted, total, Outcome.UNLIMITED);
        }
        if (total <= maxGpus) {
            return floorPair(wanted, total, Outcome.WITHIN_BUDGET);
        }
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

    private Result floorPair(Replicas wanted, int total, Outcome otherwise) {
        int tolerance = Math.max(prefillGpus, decodeGpus);
        if (minGpus <= 0 || total + tolerance > minGpus || total == 0) {
            return new Result(wanted, otherwise);
        }
        double scale = (double) minGpus / total;
        Replicas grown = new Replicas(Math.max(minEndpoint, (int) Math.ceil(wanted.prefill() * scale)),
                Math.max(minEndpoint, (int) Math.ceil(wanted.decode() * scale)));
        if (maxGpus >= 0 && grown.gpus(prefillGpus, decodeGpus) > maxGpus) {
            return new Result(wanted, otherwise); // the ceiling is hard, the floor is not
        }
        return new Result(grown, Outcome.RAISED_TO_FLOOR);
    }

    private Result single(int r, int gpu, boolean prefill) {
        int total = r * gpu;
        Outcome outcome;
        int out = r;
        if (maxGpus < 0) {
            outcome = Outcome.UNLIMITED;
        } else if (total <= maxGpus) {
            outcome = Outcome.WITHIN_BUDGET;
        } else if (maxGpus < minEndpoint * gpu) {
            return new Result(Replicas.ZERO, Outcome.BELOW_MIN_ENDPOINT_FOOTPRINT);
        } else {
            out = Math.max(minEndpoint, (int) Math.floor(r * (double) maxGpus / total));
            outcome = Outcome.CLAMPED;
        }
        if (minGpus > 0 && out * gpu + gpu <= minGpus && out > 0) {
            int grown = Math.max(out, (int) Math.ceil((double) minGpus / gpu));
            if (maxGpus < 0 || grown * gpu <= maxGpus) {
                out = grown;
                outcome = Outcome.RAISED_TO_FLOOR;
            }
        }
        return new Result(prefill ? new Replicas(out, 0) : new Replicas(0, out), outcome);
    }
}
