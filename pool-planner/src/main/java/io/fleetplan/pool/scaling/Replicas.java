package io.fleetplan.pool.scaling;

/**
 * Replica counts of a pool. In {@code agg} mode the aggregated engines are counted in {@code decode} (Dynamo's
 * agg planner also scales the one worker service through the decode slot); in {@code prefill}/{@code decode}
 * mode the other count is unused and 0.
 */
public record Replicas(int prefill, int decode) {

    public Replicas {
        if (prefill < 0 || decode < 0) {
            throw new IllegalArgumentException("replicas must be >= 0, got prefill=" + prefill + " decode=" + decode);
        }
    }

    public static final Replicas ZERO = new Replicas(0, 0);

    public int gpus(int prefillGpus, int decodeGpus) {
        return prefill * prefillGpus + decode * decodeGpus;
    }

    public Replicas withPrefill(int p) {
        return new Replicas(p, decode);
    }

    public Replicas withDecode(int d) {
        return new Replicas(prefill, d);
    }

    public Replicas max(Replicas other) {
        return new Replicas(Math.max(prefill, other.prefill), Math.max(decode, other.decode));
    }

    @Override
    public String toString() {
        return "P" + prefill + "/D" + decode;
    }
}
