package io.fleetplan.pool.source;

import io.fleetplan.common.metrics.DynamoNamespace;
import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.MetricsSource;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.scaling.EngineLoad;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Per-worker load scraped from a router/frontend {@code /metrics} page (Dynamo's load-based source): the gauges
 * {@code dynamo_frontend_worker_active_prefill_tokens} and {@code dynamo_frontend_worker_active_decode_blocks}
 * labelled {@code worker_id}, {@code dp_rank}, {@code worker_type} (prefill|decode; absent = decode/agg).
 * Workers a fleetplan router marks draining ({@code fleetplan_router_worker_draining 1}) are left out, and its
 * {@code fleetplan_router_worker_running_requests} fills the running count. The page may be a LocalRouter's (one
 * pool) or a Frontend's (every pool it serves): series labelled with another pool's {@code dynamo_namespace} are
 * left out. Traffic is not read here.
 */
public final class MetricsScrapeSource implements MetricsSource {

    private static final Logger LOG = Logger.getLogger(MetricsScrapeSource.class.getName());
    static final String PREFILL = "dynamo_frontend_worker_active_prefill_tokens";
    static final String DECODE = "dynamo_frontend_worker_active_decode_blocks";
    static final String DRAINING = "fleetplan_router_worker_draining";
    static final String RUNNING = "fleetplan_router_worker_running_requests";

    private final URI url;
    private final String namespace;
    private final HttpClient http;
    private final Duration timeout;
    private final int blockSize;
    private final EngineLimits limits;

    public MetricsScrapeSource(String url, String namespace, Duration timeout, int blockSize, EngineLimits limits) {
        this.url = URI.create(url);
        this.namespace = namespace;
        this.timeout = timeout;
        this.blockSize = blockSize;
        this.limits = limits;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public TrafficSample traffic(Instant now, double windowSeconds) {
        return null;
    }

    @Override
    public EngineSnapshot engines(Instant now) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(url).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                LOG.warning(url + " answered " + r.statusCode());
                return null;
            }
            return parse(r.body(), namespace, now, blockSize, limits);
        } catch (IOException e) {
            LOG.warning(url + " unreachable: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Parses the text exposition format into a snapshot (pure, for tests). */
    static EngineSnapshot parse(String text, Instant now, int blockSize, EngineLimits limits) {
        return parse(text, "", now, blockSize, limits);
    }

    /**
     * @param namespace the pool's Dynamo namespace: a Frontend's page lists the workers of every pool it serves,
     *     so series whose {@code dynamo_namespace} names another pool are left out; empty = keep all
     */
    static EngineSnapshot parse(String text, String namespace, Instant now, int blockSize, EngineLimits limits) {
        String ns = DynamoNamespace.label(namespace);
        // key -> [prefill tokens, decode blocks, is prefill, draining, running]
        Map<String, double[]> byWorker = new TreeMap<>();
        List<String> names = List.of(PREFILL, DECODE, DRAINING, RUNNING);
        for (ExpositionText.Sample sample : ExpositionText.parse(text)) {
            int which = names.indexOf(sample.name());
            if (which < 0) {
                continue;
            }
            Map<String, String> labels = sample.labels();
            String seriesNs = labels.get("dynamo_namespace");
            if (!ns.isEmpty()
                    && seriesNs != null
                    && !DynamoNamespace.label(seriesNs).equals(ns)) {
                continue;
            }
            String rank = labels.getOrDefault("dp_rank", "0");
            if (!rank.matches("\\d{1,9}")) {
                continue;
            }
            // dp_rank is digits only, so the last '/' splits the key back even when a worker id holds '/'
            String key = labels.getOrDefault("worker_id", "") + "/" + rank;
            double[] v = byWorker.computeIfAbsent(key, k -> new double[5]);
            v[which == 0 ? 0 : which == 1 ? 1 : which + 1] = sample.value();
            if ("prefill".equals(labels.get("worker_type"))) {
                v[2] = 1;
            }
        }
        List<EngineLoad> p = new ArrayList<>();
        List<EngineLoad> d = new ArrayList<>();
        byWorker.forEach((key, v) -> {
            if (v[3] == 1) {
                return; // draining: leaving the pool
            }
            int cut = key.lastIndexOf('/');
            EngineLoad l = new EngineLoad(
                    key.substring(0, cut),
                    Integer.parseInt(key.substring(cut + 1)),
                    v[0],
                    v[1] * blockSize,
                    0,
                    limits,
                    (int) v[4]);
            (v[2] == 1 ? p : d).add(l);
        });
        return new EngineSnapshot(now, p, d);
    }
}
