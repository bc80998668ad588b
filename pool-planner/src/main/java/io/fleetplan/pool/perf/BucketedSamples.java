package io.fleetplan.pool.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Dynamo's FPM sample retention: each input axis is cut into equal-width buckets between the running
 * minimum and maximum ({@code fpm_sample_bucket_size} buckets for one input, its square root per axis for
 * two), and when more than {@code max_num_fpm_samples} are kept, the oldest sample of the fullest bucket goes.
 * The fit thus keeps covering the whole operating range instead of only the most recent load level.
 */
public final class BucketedSamples {

    /** One (x, y) sample. */
    public record Sample(double[] x, double y) {}

    private final int dims;
    private final int perAxis;
    private final int maxSamples;
    private final List<Sample> samples = new ArrayList<>(); // oldest first
    private final double[] lo;
    private final double[] hi;

    public BucketedSamples(int dims, int bucketSize, int maxSamples) {
        this.dims = dims;
        // Dynamo: B buckets in 1-D, sqrt(B) per axis in 2-D; fleetplan's 3-D agg model uses the cube root
        this.perAxis = dims == 1
                ? Math.max(1, bucketSize)
                : dims == 2
                        ? Math.max(1, (int) Math.sqrt(bucketSize))
                        : Math.max(1, (int) Math.round(Math.cbrt(bucketSize)));
        this.maxSamples = Math.max(1, maxSamples);
        this.lo = new double[dims];
        this.hi = new double[dims];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    }

    public void add(double[] x, double y) {
        for (int d = 0; d < dims; d++) {
            lo[d] = Math.min(lo[d], x[d]);
            hi[d] = Math.max(hi[d], x[d]);
        }
        samples.add(new Sample(x.clone(), y));
        if (samples.size() > maxSamples) {
            evictFromFullest();
        }
    }

    private void evictFromFullest() {
        int buckets = (int) Math.pow(perAxis, dims);
        int[] counts = new int[buckets];
        int[] index = new int[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            index[i] = bucketOf(samples.get(i).x());
            counts[index[i]]++;
        }
        int fullest = 0;
        for (int b = 1; b < buckets; b++) {
            if (counts[b] > counts[fullest]) {
                fullest = b;
            }
        }
        for (int i = 0; i < index.length; i++) {
            if (index[i] == fullest) {
                samples.remove(i);
                return;
            }
        }
    }

    /** Bucket index with the current bounds (re-bucketing on every bound change is implicit). */
    int bucketOf(double[] x) {
        int idx = 0;
        for (int d = 0; d < dims; d++) {
            double span = hi[d] - lo[d];
            int i = span <= 0 ? 0 : (int) ((x[d] - lo[d]) / span * perAxis);
            idx = idx * perAxis + Math.min(perAxis - 1, Math.max(0, i));
        }
        return idx;
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    public int size() {
        return samples.size();
    }

    public int bucketsPerAxis() {
        return perAxis;
    }
}
