package io.fleetplan.pool.monitor;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.core.DecisionListener;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.TrafficSample;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Keeps the last snapshots of every decision (observed and predicted load, recommended vs actual replicas,
 * estimated vs observed latency and the SLO, reasons) and renders them: as JSON for the live dashboard and as a
 * self-contained HTML page (charts drawn by a small inline script into SVG; nothing is fetched from the internet).
 */
public final class DiagnosticsRecorder implements DecisionListener {

    private final int capacity;
    private final double sloTtftMs;
    private final double sloItlMs;
    private final PoolMode mode;
    private final Deque<String> rows = new ArrayDeque<>();
    /** The recent window read on the current tick (null until one is read); its decision's row charts it. */
    private TrafficSample recent;

    /** A recorder without SLO lines (no SLO known). */
    public DiagnosticsRecorder(int capacity) {
        this(capacity, Double.NaN, Double.NaN);
    }

    /**
     * @param sloTtftMs the TTFT SLO (the config's ttft_ms, not the planning target), drawn as a line; NaN = none
     * @param sloItlMs the ITL SLO, likewise
     */
    public DiagnosticsRecorder(int capacity, double sloTtftMs, double sloItlMs) {
        this(capacity, sloTtftMs, sloItlMs, PoolMode.DISAGG);
    }

    /** @param mode the pool's mode: the page charts the replicas of the components it scales only */
    public DiagnosticsRecorder(int capacity, double sloTtftMs, double sloItlMs, PoolMode mode) {
        this.capacity = capacity;
        this.sloTtftMs = sloTtftMs;
        this.sloItlMs = sloItlMs;
        this.mode = mode;
    }

    @Override
    public synchronized void onRecent(TrafficSample r) {
        recent = r;
    }

    /**
     * One row per decision. Observed load and latency come from the load loop's recent window when this tick read
     * one (every load tick with observed_slo_scaling): the throughput window comes once per throughput interval, so
     * with it alone the observed series had a point a minute (none at all with the throughput loop off). Without a
     * recent window, the throughput window of the decision (if any) is charted, as before.
     */
    @Override
    public synchronized void onDecision(PlannerDecision d, ScalingConnector.ApplyResult r, TrafficSample t) {
        TrafficSample seen = recent != null ? recent : t;
        double observedRps = seen == null ? Double.NaN : seen.numRequests() / seen.windowSeconds();
        double arrivedRps = recent == null ? Double.NaN : recent.arrivals() / recent.windowSeconds();
        String row = String.format(
                Locale.ROOT,
                "{\"t\":%.3f,\"seq\":%d,\"p\":%d,\"d\":%d,\"recP\":%d,\"recD\":%d,\"actP\":%d,\"actD\":%d,"
                        + "\"obsRps\":%s,\"arrRps\":%s,\"predRps\":%s,\"estTtft\":%s,\"estItl\":%s,\"obsTtft\":%s,"
                        + "\"obsItl\":%s,\"waitMs\":%s,\"sloTtft\":%s,\"sloItl\":%s,"
                        + "\"action\":\"%s\",\"tput\":\"%s\",\"pre\":\"%s\",\"dec\":\"%s\",\"budget\":\"%s\",\"apply\":\"%s\"}",
                d.at().toEpochMilli() / 1000.0,
                d.sequence(),
                d.current().prefill(),
                d.current().decode(),
                d.recommended().prefill(),
                d.recommended().decode(),
                r.replicas().prefill(),
                r.replicas().decode(),
                num(observedRps),
                num(arrivedRps),
                num(d.prediction().requestsPerSecond()),
                num(d.estimates().estimatedTtftMs()),
                num(d.estimates().estimatedItlMs()),
                num(seen == null ? Double.NaN : seen.ttftMs()),
                num(seen == null ? Double.NaN : seen.itlMs()),
                num(recent == null ? Double.NaN : recent.oldestWaitMs()),
                num(sloTtftMs),
                num(sloItlMs),
                d.action().label(),
                d.throughputReason().label(),
                d.prefillReason().label(),
                d.decodeReason().label(),
                d.budget().name().toLowerCase(Locale.ROOT),
                r.status().label());
        recent = null;
        rows.addLast(row);
        while (rows.size() > capacity) {
            rows.removeFirst();
        }
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "null";
    }

    public synchronized int size() {
        return rows.size();
    }

    public synchronized String json() {
        return "[" + String.join(",\n", rows) + "]";
    }

    /** The dashboard page; with {@code embedded} the data is inlined (a report), else the page polls data.json. */
    public String html(String title, boolean embedded) {
        String template = template();
        String data = embedded ? "window.PLANNER_DATA = " + json() + ";" : "";
        return template.replace("/*TITLE*/", escape(title))
                .replace("/*DATA*/", data)
                .replace("/*MODE*/", "window.PLANNER_MODE = \"" + mode.name().toLowerCase(Locale.ROOT) + "\";");
    }

    private static String template() {
        try (InputStream in = DiagnosticsRecorder.class.getResourceAsStream("dashboard.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
