package io.fleetplan.pool.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples of a Prometheus text exposition page (version 0.0.4, and the sample lines OpenMetrics shares with it).
 * Label values are read as quoted strings with the format's escapes ({@code \\}, {@code \"}, {@code \n}), so a
 * value holding '}', '"', '/', ',' or '=' does not end the label set early. The Prometheus Java client writes this
 * format but has no reader for it, hence this small one. Malformed lines are skipped, never guessed at.
 */
final class ExpositionText {

    /** One sample line: metric name, labels in page order, value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    private ExpositionText() {}

    static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            Sample s = sample(l);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** One sample line, or null when it does not follow the format. */
    static Sample sample(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty()) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (true) {
                i = skipSpaces(line, i);
                if (i >= n) {
                    return null;
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    return null;
                }
                String label = line.substring(i, eq).strip();
                i = skipSpaces(line, eq + 1);
                if (i >= n || line.charAt(i) != '"') {
                    return null;
                }
                StringBuilder value = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        closed = true;
                        break;
                    }
                    if (c == '\\' && i < n) {
                        char e = line.charAt(i++);
                        value.append(e == 'n' ? '\n' : e);
                    } else {
                        value.append(c);
                    }
                }
                if (!closed || label.isEmpty()) {
                    return null;
                }
                labels.put(label, value.toString());
                i = skipSpaces(line, i);
                if (i < n && line.charAt(i) == ',') {
                    i++;
                }
            }
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            return null;
        }
        try {
            return new Sample(name, labels, PrometheusClient.parse(rest[0]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
