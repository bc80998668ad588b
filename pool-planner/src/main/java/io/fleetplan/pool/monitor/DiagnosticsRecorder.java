package io.fleetplan.pool.monitor;

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
 * Keeps the last snapshots of every decision (load, predictions, recommended vs actual replicas, estimated vs
 * observed latency, reasons) and renders them: as JSON for the live dashboard and as a self-contained HTML page
 * (charts drawn by a small inline script into SVG; nothing is fetched from the internet).
 */
public final class DiagnosticsRecorder implements DecisionListener {

    private final int capacity;
    private final Deque<String> rows = new ArrayDeque<>();

    public DiagnosticsRecorder(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public synchronized void onDecision(PlannerDecision d, ScalingConnector.ApplyResult r, TrafficSample t) {
        double observedRps = t == null ? Double.NaN : t.numRequests() / t.windowSeconds();
        String row = String.format(Locale.ROOT,
                "{\"t\":%.3f,\"seq\":%d,\"p\":%d,\"d\":%d,\"recP\":%d,\"recD\":%d,\"actP\":%d,\"actD\":%d,"
                        + "\"obsRps\":%s,\"predRps\":%s,\"estTtft\":%s,\"estItl\":%s,\"obsTtft\":%s,\"obsItl\":%s,"
                        + "\"action\":\"%s\",\"tput\":\"%s\",\"pre\":\"%s\",\"dec\":\"%s\",\"budget\":\"%s\",\"apply\":\"%s\"}",
                d.at().toEpochMilli() / 1000.0, d.sequence(), d.current().prefill(), d.current().decode(),
                d.recommended().prefill(), d.recommended().decode(), r.replicas().prefill(), r.replicas().decode(),
                num(observedRps), num(d.prediction().requestsPerSecond()), num(d.estimates().estimatedTtftMs()),
                num(d.estimates().estimatedItlMs()), num(t == null ? Double.NaN : t.ttftMs()),
                num(t == null ? Double.NaN : t.itlMs()), d.action().label(), d.throughputReason().label(),
                d.prefillReason().label(), d.decodeReason().label(), d.budget().name().toLowerCase(Locale.ROOT),
                r.status().label());
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
        return template.replace("/*TITLE*/", escape(title)).replace("/*DATA*/", data);
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
