package io.fleetplan.sim.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Tiny inline-SVG charts (no scripts, no external files): a line chart with axes and a legend; small multiples
 * (one panel per policy, the other policies faint behind it, so equal lines cannot hide each other); and bars.
 * Axes tick at round values, and at whole numbers for counts such as replicas.
 */
final class Svg {

    static final String[] COLORS = {
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
    };

    private static final int W = 860;
    private static final int H = 260;
    private static final int LEFT = 60;
    private static final int RIGHT = 150;
    private static final int TOP = 24;
    private static final int BOTTOM = 36;

    /** One line: name, values per x (NaN = gap), dashed or not. */
    record Series(String name, double[] y, boolean dashed, String color) {}

    /** A horizontal reference drawn dashed across every panel: an SLO, a budget, a target. */
    record Reference(String name, double value, String color) {}

    /** Y axis: top value and tick step, from 0. */
    record Axis(double top, double step) {

        /**
         * @param integer ticks at whole numbers (counts: replicas, GPUs)
         * @param fixedTop the top, or 0 to fit {@code dataMax}
         */
        static Axis fit(double dataMax, boolean integer, double fixedTop) {
            if (fixedTop > 0) {
                return new Axis(fixedTop, fixedTop / 4);
            }
            if (integer) {
                // a step of headroom: a line at the maximum does not run along the frame
                int max = Math.max(2, (int) Math.ceil(dataMax * 1.1 - 1e-9));
                int step = Math.max(1, (int) Math.ceil(max / 4.0));
                return new Axis(step * (int) Math.ceil((double) max / step), step);
            }
            double top = niceCeil(dataMax <= 0 ? 1 : dataMax * 1.05);
            return new Axis(top, top / 4);
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            for (int i = 0; i * step <= top + 1e-9; i++) {
                out.add(i * step);
            }
            return out;
        }
    }

    private Svg() {}

    static String lineChart(String title, String yLabel, double[] x, List<Series> series, boolean step) {
        return lineChart(title, yLabel, x, series, step, 0);
    }

    /** @param fixedMax the y axis top, or 0 to fit the data */
    static String lineChart(
            String title, String yLabel, double[] x, List<Series> series, boolean step, double fixedMax) {
        double xMax = x.length == 0 ? 1 : Math.max(1e-9, x[x.length - 1]);
        Axis axis = Axis.fit(max(series, List.of()), false, fixedMax);
        StringBuilder b = open(title, W, H);
        Frame f = new Frame(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        f.axes(b, xMax, axis, 10);
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">time (s)</text>",
                LEFT + f.w / 2,
                H - 4));
        yLabel(b, yLabel, TOP + f.h / 2);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String color = s.color() != null ? s.color() : COLORS[k % COLORS.length];
            f.line(b, x, s.y(), xMax, axis.top(), step, color, 1.5, s.dashed(), s.name());
            int ly = TOP + 12 + k * 16;
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s/>",
                    W - RIGHT + 10,
                    ly - 4,
                    W - RIGHT + 30,
                    ly - 4,
                    color,
                    s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
                    W - RIGHT + 35,
                    ly,
                    esc(s.name())));
        }
        return b.append("</svg>").toString();
    }

    /**
     * One panel per series, three to a row, on one shared scale: the panel's own series in colour over the others
     * in light grey, and the references dashed. Nothing hides behind an equal line.
     *
     * @param integer whole-number y ticks (replicas, GPUs)
     * @param fixedMax the y axis top, or 0 to fit the data and the references
     */
    static String smallMultiples(
            String title,
            String yLabel,
            double[] x,
            List<Series> series,
            boolean step,
            boolean integer,
            double fixedMax,
            List<Reference> refs) {
        int cols = 3;
        int pw = W / cols;
        int ph = 150;
        int head = 40;
        int rows = (series.size() + cols - 1) / cols;
        int height = head + rows * ph;
        double xMax = x.length == 0 ? 1 : Math.max(1e-9, x[x.length - 1]);
        Axis axis = Axis.fit(max(series, refs), integer, fixedMax);
        StringBuilder b = open(title, W, height);
        StringBuilder note = new StringBuilder(yLabel + " over time (s); each panel one policy, the others in grey");
        for (Reference r : refs) {
            note.append("; dashed ").append(r.name()).append(' ').append(fmt(r.value()));
        }
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"32\" font-size=\"11\" fill=\"#555\">%s</text>",
                LEFT,
                esc(note.toString())));
        for (int k = 0; k < series.size(); k++) {
            int px = (k % cols) * pw;
            int py = head + (k / cols) * ph;
            Frame f = new Frame(px + 42, py + 18, pw - 54, ph - 40);
            Series own = series.get(k);
            String color = own.color() != null ? own.color() : COLORS[k % COLORS.length];
            b.append(String.format(Locale.ROOT, "<g data-policy=\"%s\">", esc(own.name())));
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" font-size=\"12\" font-weight=\"bold\" fill=\"%s\">%s</text>",
                    f.x,
                    py + 12,
                    color,
                    esc(own.name())));
            f.axes(b, xMax, axis, 9);
            for (int j = 0; j < series.size(); j++) {
                if (j != k) {
                    f.line(b, x, series.get(j).y(), xMax, axis.top(), step, "#d8d8d8", 1, false, null);
                }
            }
            for (Reference r : refs) {
                double[] flat = new double[x.length];
                Arrays.fill(flat, r.value());
                f.line(b, x, flat, xMax, axis.top(), false, r.color(), 1.2, true, r.name());
            }
            f.line(b, x, own.y(), xMax, axis.top(), step, color, 1.8, own.dashed(), own.name());
            b.append("</g>");
        }
        return b.append("</svg>").toString();
    }

    static String barChart(String title, String yLabel, List<String> names, double[] values, double yMax) {
        // the plot starts well below the title, so a full-height bar's value label cannot touch it, and the
        // policy names are slanted under their bars, so long ones do not run into each other
        int top = 44;
        int bottom = 70;
        StringBuilder b = open(title, W, H + 30);
        Frame f = new Frame(LEFT, top, W - LEFT - RIGHT, H + 30 - top - bottom);
        Axis axis =
                Axis.fit(Arrays.stream(values).filter(Double::isFinite).max().orElse(1), false, yMax);
        f.axes(b, 0, axis, 10);
        yLabel(b, yLabel, top + f.h / 2);
        double slot = (double) f.w / Math.max(1, names.size());
        for (int i = 0; i < names.size(); i++) {
            double v = Double.isFinite(values[i]) ? values[i] : 0;
            double h = Math.max(0, Math.min(1, v / axis.top())) * f.h;
            double x = f.x + i * slot + slot * 0.15;
            b.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                    x,
                    f.y + f.h - h,
                    slot * 0.7,
                    h,
                    COLORS[i % COLORS.length]));
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
                    x + slot * 0.35,
                    f.y + f.h - h - 3,
                    fmt(values[i])));
            double nx = x + slot * 0.35;
            double ny = f.y + f.h + 12;
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" "
                            + "transform=\"rotate(-30 %.1f %.1f)\">%s</text>",
                    nx,
                    ny,
                    nx,
                    ny,
                    esc(names.get(i))));
        }
        return b.append("</svg>").toString();
    }

    /** A plot area: origin at its top-left corner. */
    private record Frame(int x, int y, int w, int h) {

        /** Axes with y ticks from {@code axis} and time ticks to {@code xMax} (none when 0). */
        void axes(StringBuilder b, double xMax, Axis axis, int fontSize) {
            b.append(String.format(
                    Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", x, y, x, y + h));
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
                    x,
                    y + h,
                    x + w,
                    y + h));
            for (double v : axis.ticks()) {
                double ty = y + h - v / axis.top() * h;
                b.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>",
                        x + 1,
                        ty,
                        x + w,
                        ty));
                b.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"end\">%s</text>",
                        x - 4,
                        ty + 3,
                        fontSize,
                        fmt(v)));
            }
            if (xMax <= 0) {
                return;
            }
            double step = niceCeil(xMax / (w < 400 ? 3 : 6));
            for (double t = 0; t <= xMax + 1e-9; t += step) {
                double tx = x + t / xMax * w;
                b.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>",
                        tx,
                        y + h,
                        tx,
                        y + h + 3));
                b.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%d\" font-size=\"%d\" text-anchor=\"middle\">%s</text>",
                        tx,
                        y + h + 13,
                        fontSize,
                        fmt(t)));
            }
        }

        /** A polyline over finite values (gaps at NaN); {@code step} draws a staircase. */
        void line(
                StringBuilder b,
                double[] xs,
                double[] ys,
                double xMax,
                double yTop,
                boolean step,
                String color,
                double width,
                boolean dashed,
                String name) {
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            double prevY = Double.NaN;
            for (int i = 0; i < xs.length && i < ys.length; i++) {
                double v = ys[i];
                if (!Double.isFinite(v)) {
                    pen = false;
                    continue;
                }
                double px = x + xs[i] / xMax * w;
                double py = y + h - Math.min(v, yTop) / yTop * h;
                if (pen && step) {
                    path.append(String.format(Locale.ROOT, "L%.1f %.1f", px, prevY));
                }
                path.append(String.format(Locale.ROOT, "%s%.1f %.1f", pen ? "L" : "M", px, py));
                pen = true;
                prevY = py;
            }
            if (path.isEmpty()) {
                return;
            }
            b.append(String.format(
                    Locale.ROOT,
                    "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s%s>",
                    path,
                    color,
                    width,
                    dashed ? " stroke-dasharray=\"6 4\"" : "",
                    name == null ? "" : " data-series=\"" + esc(name) + "\""));
            if (name != null) {
                b.append("<title>").append(esc(name)).append("</title>");
            }
            b.append("</path>");
        }
    }

    private static double max(List<Series> series, List<Reference> refs) {
        double m = 0;
        for (Series s : series) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    m = Math.max(m, v);
                }
            }
        }
        for (Reference r : refs) {
            m = Math.max(m, r.value());
        }
        return m;
    }

    /** The svg element with its title (tooltip and heading). */
    private static StringBuilder open(String title, int w, int h) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
                w,
                h,
                w,
                h));
        b.append("<title>").append(esc(title)).append("</title>");
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>",
                LEFT,
                esc(title)));
        return b;
    }

    private static void yLabel(StringBuilder b, String label, int mid) {
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"12\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 %d)\" "
                        + "text-anchor=\"middle\">%s</text>",
                mid,
                mid,
                esc(label)));
    }

    static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        return Math.abs(v) >= 100 || v == Math.rint(v)
                ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
