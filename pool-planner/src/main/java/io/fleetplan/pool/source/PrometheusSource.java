package io.fleetplan.pool.source;

import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.MetricsSource;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.Fpm;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Throughput-loop traffic from Prometheus with Dynamo's PromQL ({@code throughput_metrics_source}
 * {@code frontend} or {@code router}); per-engine load from an optional delegate (a /metrics scrape). A query
 * that fails or returns nothing leaves that value NaN, which the planner treats as missing data.
 */
public final class PrometheusSource implements MetricsSource {

    private static final Logger LOG = Logger.getLogger(PrometheusSource.class.getName());

    private final PrometheusClient client;
    private final boolean router;
    private final String namespace;
    private final String model;
    private final MetricsSource engines;

    /**
     * @param namespace Dynamo namespace (router source selector; frontend series filter when they carry it)
     * @param model model label to keep (frontend), case-insensitive; empty = every model
     * @param engines per-engine load source, or null
     */
    public PrometheusSource(
            PrometheusClient client, String metricsSource, String namespace, String model, MetricsSource engines) {
        this.client = client;
        this.router = "router".equals(metricsSource);
        this.namespace = namespace == null ? "" : namespace;
        this.model = model == null ? "" : model;
        this.engines = engines;
    }

    @Override
    public TrafficSample traffic(Instant now, double windowSeconds) {
        String w = PromQl.window(windowSeconds);
        try {
            double requests = router
                    ? first(PromQl.routerRequests(namespace, w), PromQl.routerRequestsFallback(namespace, w))
                    : first(PromQl.frontendRequests(w), PromQl.frontendRequestsFallback(w));
            return new TrafficSample(
                            now,
                            windowSeconds,
                            requests,
                            avg(PromQl.Quantity.ISL, w),
                            avg(PromQl.Quantity.OSL, w),
                            avg(PromQl.Quantity.TTFT, w),
                            avg(PromQl.Quantity.ITL, w),
                            avg(PromQl.Quantity.DURATION, w))
                    .withKvHitRate(kvHitRate(w));
        } catch (IllegalStateException e) {
            LOG.warning("traffic unavailable: " + e.getMessage());
            return null;
        }
    }

    /** PromQL windows are stateless: the recent window is a traffic window over the last seconds. */
    @Override
    public TrafficSample recent(Instant now, double windowSeconds) {
        return traffic(now, windowSeconds);
    }

    private double first(String query, String fallback) {
        double v = sum(client.query(query));
        return Double.isNaN(v) ? sum(client.query(fallback)) : v;
    }

    /**
     * The router's hit rate, read from router metrics whichever source the traffic comes from (as Dynamo does);
     * NaN when no router reports one, or the query fails (the planner then keeps its last value).
     */
    private double kvHitRate(String w) {
        try {
            List<PrometheusClient.Series> series = client.query(PromQl.routerKvHitRate(namespace, w));
            return series.isEmpty() ? Double.NaN : series.get(0).value();
        } catch (IllegalStateException e) {
            return Double.NaN;
        }
    }

    private double avg(PromQl.Quantity q, String w) {
        String query = router ? PromQl.routerAverage(q, namespace, w) : PromQl.frontendAverage(q, w);
        List<PrometheusClient.Series> series = client.query(query);
        double total = 0;
        int n = 0;
        for (PrometheusClient.Series s : series) {
            if (matches(s)) {
                total += s.value();
                n++;
            }
        }
        return n == 0 ? Double.NaN : total / n * q.factor();
    }

    /** Sum over matching series; NaN when none matches (no such metric: demand unknown). */
    private double sum(List<PrometheusClient.Series> series) {
        double total = 0;
        boolean any = false;
        for (PrometheusClient.Series s : series) {
            if (matches(s) && !Double.isNaN(s.value())) {
                total += s.value();
                any = true;
            }
        }
        return any ? total : Double.NaN;
    }

    private boolean matches(PrometheusClient.Series s) {
        if (router) {
            return true; // already selected by dynamo_namespace in the query
        }
        String m = s.labels().get("model");
        String ns = s.labels().get("dynamo_namespace");
        boolean modelOk =
                model.isEmpty() || (m != null && m.toLowerCase(Locale.ROOT).equals(model.toLowerCase(Locale.ROOT)));
        boolean nsOk =
                namespace.isEmpty() || ns == null || ns.equals(namespace) || ns.equals(PromQl.sanitize(namespace));
        return modelOk && nsOk;
    }

    @Override
    public EngineSnapshot engines(Instant now) {
        return engines == null ? null : engines.engines(now);
    }

    @Override
    public List<Fpm> drainFpms() {
        return engines == null ? List.of() : engines.drainFpms();
    }

    @Override
    public void close() {
        if (engines != null) {
            engines.close();
        }
    }
}
