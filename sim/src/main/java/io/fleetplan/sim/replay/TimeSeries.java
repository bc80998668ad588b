package io.fleetplan.sim.replay;

import io.fleetplan.common.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;

/** Point samples of the cluster every report step: replicas per pool and GPUs held. */
public final class TimeSeries {

    private final List<String> pools;
    private final List<Double> times = new ArrayList<>();
    private final List<int[]> ready = new ArrayList<>();
    private final List<int[]> target = new ArrayList<>();
    private final List<Integer> gpus = new ArrayList<>();
    private final List<int[]> inFlight = new ArrayList<>();
    private final List<long[]> arrivals = new ArrayList<>();

    TimeSeries(List<String> pools) {
        this.pools = List.copyOf(pools);
    }

    void sample(VirtualScheduler scheduler, Cluster cluster) {
        times.add(scheduler.nanoTime() / 1e9);
        int n = cluster.pools().size();
        int[] r = new int[n];
        int[] t = new int[n];
        int[] f = new int[n];
        long[] a = new long[n];
        for (int k = 0; k < n; k++) {
            f[k] = cluster.pools().get(k).inFlight();
            a[k] = cluster.pools().get(k).arrivals();
            r[k] = cluster.pools().get(k).ready();
            t[k] = cluster.pools().get(k).target();
        }
        ready.add(r);
        inFlight.add(f);
        arrivals.add(a);
        target.add(t);
        gpus.add(cluster.heldGpus());
    }

    public List<String> pools() {
        return pools;
    }

    public int size() {
        return times.size();
    }

    public double time(int i) {
        return times.get(i);
    }

    /** Ready replicas of pool {@code k} at sample {@code i}. */
    public int ready(int i, int k) {
        return ready.get(i)[k];
    }

    /** Target replicas (starting + ready) of pool {@code k} at sample {@code i}. */
    public int target(int i, int k) {
        return target.get(i)[k];
    }

    /** Requests in pool {@code k}'s engines at sample {@code i}. */
    public int inFlight(int i, int k) {
        return inFlight.get(i)[k];
    }

    /** Requests that had arrived at pool {@code k} by sample {@code i} (cumulative). */
    public long arrivals(int i, int k) {
        return arrivals.get(i)[k];
    }

    public int gpus(int i) {
        return gpus.get(i);
    }
}
