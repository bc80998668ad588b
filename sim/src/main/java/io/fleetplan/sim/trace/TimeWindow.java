package io.fleetplan.sim.trace;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A part of a trace, {@code [from, to)} seconds from its start. Parsed from {@code FROM:TO} or {@code FROM-TO}
 * where each side is a number with an optional unit {@code ms}, {@code s} (default), {@code m} or {@code h};
 * an empty side means the start or the end ({@code 10m:} = from minute 10 on).
 */
public record TimeWindow(double fromSeconds, double toSeconds) {

    private static final Pattern SIDE = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?\\s*");

    public TimeWindow {
        if (!(fromSeconds >= 0) || !(toSeconds > fromSeconds)) {
            throw new IllegalArgumentException(
                    "--time-window: [" + fromSeconds + ", " + toSeconds + ") must have 0 <= from < to");
        }
    }

    /** Parses {@code "600:1200"}, {@code "10m:20m"}, {@code ":15m"}, {@code "1h:"}. */
    public static TimeWindow parse(String text) {
        String t = text.trim();
        int sep = t.indexOf(':') >= 0 ? t.indexOf(':') : t.indexOf('-');
        if (sep < 0) {
            throw new IllegalArgumentException("--time-window: '" + text
                    + "' must be FROM:TO (seconds, or with a unit ms|s|m|h, e.g. 10m:20m; either side may be empty)");
        }
        double from = side(text, t.substring(0, sep), 0);
        double to = side(text, t.substring(sep + 1), Double.POSITIVE_INFINITY);
        return new TimeWindow(from, to);
    }

    private static double side(String text, String s, double empty) {
        if (s.isBlank()) {
            return empty;
        }
        Matcher m = SIDE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "--time-window: '" + s + "' in '" + text + "' is not a time (number with optional unit ms|s|m|h)");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> v / 1000;
            case "m" -> v * 60;
            case "h" -> v * 3600;
            default -> v;
        };
    }
}
