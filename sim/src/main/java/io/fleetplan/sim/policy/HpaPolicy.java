package io.fleetplan.sim.policy;

import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.replay.SimPool;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * A Kubernetes HPA (v2 defaults) per pool, or KEDA on top of one. Every {@code syncSeconds} it reads the pool's
 * metric, computes {@code desired = ceil(current * value / target)}, leaves the replicas alone while
 * {@code |value / target - 1| <= tolerance}, limits a scale-up to {@code max(+4 pods, +100%)} per period, and
 * scales down only to the highest recommendation of the last {@code stabilizationSeconds} (300 s).
 *
 * <p>Metrics: {@code IN_FLIGHT} (requests in the pool's engines per ready replica, the HPA on a custom pods
 * metric), {@code QUEUE} (requests waiting per ready replica), {@code RATE} (arrivals per second per ready
 * replica over the polling period: KEDA's Prometheus trigger on the request rate, polled every 30 s).
 */
public final class HpaPolicy implements ScalingPolicy {

    /** What the autoscaler reads per replica. */
    public enum Metric {
        IN_FLIGHT,
        QUEUE,
        RATE
    }

    private final String name;
    private final Metric metric;
    private final double[] targets;
    private final double syncSeconds;
    private final double tolerance;
    private final double stabilizationSeconds;

    /** @param targets target metric value per replica, one per pool in stack order */
    public HpaPolicy(
            String name,
            Metric metric,
            double[] targets,
            double syncSeconds,
            double tolerance,
            double stabilizationSeconds) {
        this.name = name;
        this.metric = metric;
        this.targets = targets.clone();
        this.syncSeconds = syncSeconds;
        this.tolerance = tolerance;
        this.stabilizationSeconds = stabilizationSeconds;
    }

    /** Kubernetes HPA defaults: 15 s sync, 10% tolerance, 300 s scale-down stabilization. */
    public static HpaPolicy hpa(Metric metric, double[] targets) {
        return new HpaPolicy("hpa", metric, targets, 15, 0.1, 300);
    }

    /** KEDA defaults: 30 s polling on the request rate, the HPA it creates with 300 s stabilization. */
    public static HpaPolicy keda(double[] targets) {
        return new HpaPolicy("keda", Metric.RATE, targets, 30, 0.1, 300);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return String.format(
                Locale.ROOT,
                "%s on %s per replica (targets %s), sync %.0f s, tolerance %.0f%%, scale-down stabilization %.0f s",
                name.equals("keda") ? "KEDA-like" : "HPA-like",
                metric.name().toLowerCase(Locale.ROOT),
                Arrays.toString(Arrays.stream(targets)
                        .map(t -> Math.round(t * 100) / 100.0)
                        .toArray()),
                syncSeconds,
                tolerance * 100,
                stabilizationSeconds);
    }

    @Override
    public void start(PolicyContext ctx) {
        List<SimPool> pools = ctx.pools();
        for (int k = 0; k < pools.size(); k++) {
            SimPool pool = pools.get(k);
            Autoscaler a = new Autoscaler(pool, targets[k]);
            ctx.scheduler()
                    .scheduleAtFixedRate(
                            Duration.ofMillis(Math.round(syncSeconds * 1000)),
                            Duration.ofMillis(Math.round(syncSeconds * 1000)),
                            () -> a.sync(ctx));
        }
    }

    /** One HPA object: state is the recommendation history and the last rate counter. */
    private final class Autoscaler {
        final SimPool pool;
        final double target;
        final Deque<double[]> recommendations = new ArrayDeque<>(); // {time, replicas}
        long lastArrivals;

        Autoscaler(SimPool pool, double target) {
            this.pool = pool;
            this.target = target;
        }

        void sync(PolicyContext ctx) {
            int current = pool.target();
            int ready = Math.max(1, pool.ready());
            double value = switch (metric) {
                case IN_FLIGHT -> (double) pool.inFlight() / ready;
                case QUEUE -> (double) pool.waiting() / ready;
                case RATE -> {
                    long a = pool.arrivals();
                    double rate = (a - lastArrivals) / syncSeconds;
                    lastArrivals = a;
                    yield rate / ready;
                }
            };
            double ratio = target <= 0 ? 1 : value / target;
            int desired = current;
            if (Math.abs(ratio - 1) > tolerance) {
                desired = (int) Math.ceil(ready * ratio);
            }
            desired = Math.min(desired, Math.max(current + 4, current * 2)); // scale-up policy per period
            double now = ctx.nowSeconds();
            recommendations.addLast(new double[] {now, desired});
            while (!recommendations.isEmpty() && recommendations.peekFirst()[0] < now - stabilizationSeconds) {
                recommendations.removeFirst();
            }
            if (desired < current) {
                double highest = desired;
                for (double[] r : recommendations) {
                    highest = Math.max(highest, r[1]);
                }
                desired = (int) Math.min(current, highest);
            }
            if (desired != current) {
                ctx.scaleTo(pool, desired);
            }
        }
    }
}
