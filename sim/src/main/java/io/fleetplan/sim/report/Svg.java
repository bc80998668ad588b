package io.fleetplan.sim.report;

import java.util.List;
import java.util.Locale;

/** Tiny inline-SVG charts (no scripts, no external files): line charts with axes and a legend, and bars. */
final class Svg {

    static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"};

    private static final int W = 860;
    private static final int H = 260;
    private static final int LEFT = 60;
    private static final int RIGHT = 150;
    private static final int TOP = 24;
    private static final int BOTTOM = 36;

    /** One line: name, values per x (NaN = gap), dashed or not. */
    record Series(String name, double[] y, boolean dashed, String color) {
    }

    private Svg() {
    }

    static String lineChart(String title, String yLabel, double[] x, List<Series> series, boolean step) {
        return lineChart(title, yLabel, x, series, step, 0);
    }

    /** @param fixedMax the y axis top, or 0 to fit the data */
    static String lineChart(String title, String yLabel, double[] x, List<Series> series, boolean step,
            double fixedMax) {
        double xMax = x.length == 0 ? 1 : Math.max(1e-9, x[x.length - 1]);
        double yMax = 0;
        for (Series s : series) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    yMax = Math.max(yMax, v);
                }
            }
        }
        yMax = fixedMax > 0 ? fixedMax : niceCeil(yMax <= 0 ? 1 : yMax * 1.05);
        StringBuilder b = open(title);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        axes(b, pw, ph, xMax, yMax, "time (s)", yLabel);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            double prevY = Double.NaN;
            for (int i = 0; i < x.length && i < s.y().length; i++) {
                double v = s.y()[i];
                if (!Double.isFinite(v)) {
                    pen = false;
                    continue;
                }
                double px = LEFT + x[i] / xMax * pw;
                double py = TOP + ph - v / yMax * ph;
                if (pen && step) {
                    path.append(String.format(Locale.ROOT, "L%.1f %.1f", px, prevY));
                }
                path.append(String.format(Locale.ROOT, "%s%.1f %.1f", pen ? "L" : "M", px, py));
                pen = true;
                prevY = py;
            }
            String color = s.color() != null ? s.color() : COLORS[k % COLORS.length];
            b.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s/>",
                    path, color, s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            int ly = TOP + 12 + k * 16;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s/>",
                    W - RIGHT + 10, ly - 4, W - RIGHT + 30, ly - 4, color, s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", W - RIGHT + 35, ly, esc(s.name())));
        }
        return b.append("</svg>").toString();
    }

    static String barChart(String title, String yLabel, List<String> names, double[] values, double yMax) {
        StringBuilder b = open(title);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        double max = yMax > 0 ? yMax : niceCeil(java.util.Arrays.stream(values).filter(Double::isFinite).max().orElse(1) * 1.05);
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", LEFT, TOP, LEFT, TOP + ph));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", LEFT, TOP + ph, LEFT + pw, TOP + ph));
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4;
            double y = TOP + ph - (double) ph * t / 4;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>", LEFT - 4, y + 3, fmt(v)));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 %d)\">%s</text>",
                TOP + ph / 2 + 30, TOP + ph / 2 + 30, esc(yLabel)));
        double slot = (double) pw / Math.max(1, names.size());
        for (int i = 0; i < names.size(); i++) {
            double v = Double.isFinite(values[i]) ? values[i] : 0;
            double h = Math.max(0, Math.min(1, v / max)) * ph;
            double x = LEFT + i * slot + slot * 0.15;
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                    x, TOP + ph - h, slot * 0.7, h, COLORS[i % COLORS.length]));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
                    x + slot * 0.35, TOP + ph - h - 3, fmt(values[i])));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
                    x + slot * 0.35, TOP + ph + 14, esc(names.get(i))));
        }
        return b.append("</svg>").toString();
    }

    /** The svg element with its title (tooltip and heading). */
    private static StringBuilder open(String title) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
                W, H, W, H));
        b.append("<title>").append(esc(title)).append("</title>");
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>", LEFT, esc(title)));
        return b;
    }

    private static void axes(StringBuilder b, int pw, int ph, double xMax, double yMax, String xLabel, String yLabel) {
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", LEFT, TOP, LEFT, TOP + ph));
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", LEFT, TOP + ph, LEFT + pw, TOP + ph));
        for (int t = 0; t <= 4; t++) {
            double y = TOP + ph - (double) ph * t / 4;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", LEFT + 1, y, LEFT + pw, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>", LEFT - 4, y + 3, fmt(yMax * t / 4)));
            double x = LEFT + (double) pw * t / 4;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>", x, TOP + ph + 14, fmt(xMax * t / 4)));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", LEFT + pw / 2, H - 4, esc(xLabel)));
        b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 %d)\">%s</text>",
                TOP + ph / 2 + 30, TOP + ph / 2 + 30, esc(yLabel)));
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
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
