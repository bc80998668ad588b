package io.fleetplan.pool.predict;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a request trace into per-interval traffic (request count, mean ISL, mean OSL): the warm-up for
 * {@code load_predictor_warmup_trace} (Mooncake JSONL, as Dynamo) and the series the predictor bench scores
 * on (Mooncake JSONL or Azure CSV).
 */
public final class TraceBuckets {

    /** One interval of traffic; ISL and OSL are 0 when the interval had no request. */
    public record IntervalLoad(double numRequests, double avgIsl, double avgOsl) {}

    /** One request: arrival in seconds from any origin, input and output tokens. */
    public record Arrival(double atSeconds, long inputTokens, long outputTokens) {}

    private static final Pattern TS = Pattern.compile("\"timestamp\"\\s*:\\s*([0-9.eE+-]+)");
    private static final Pattern IN = Pattern.compile("\"input_length\"\\s*:\\s*([0-9]+)");
    private static final Pattern OUT = Pattern.compile("\"output_length\"\\s*:\\s*([0-9]+)");

    private TraceBuckets() {}

    /** Mooncake JSONL: timestamp in ms, input_length, output_length. Blank lines are skipped. */
    public static List<Arrival> parseMooncake(List<String> lines, String source) {
        List<Arrival> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            out.add(new Arrival(number(TS, line, source, i) / 1000.0, (long) number(IN, line, source, i), (long)
                    number(OUT, line, source, i)));
        }
        return out;
    }

    /** Azure LLM inference CSV: TIMESTAMP (yyyy-MM-dd HH:mm:ss.fffffff), ContextTokens, GeneratedTokens. */
    public static List<Arrival> parseAzure(List<String> lines, String source) {
        List<Arrival> out = new ArrayList<>();
        double origin = Double.NaN;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 3) {
                throw new IllegalArgumentException(
                        source + ":" + (i + 1) + ": expected TIMESTAMP,ContextTokens,GeneratedTokens");
            }
            double t = secondsOfDay(f[0], source, i);
            if (Double.isNaN(origin)) {
                origin = t;
            }
            out.add(new Arrival(t - origin, Long.parseLong(f[1].trim()), Long.parseLong(f[2].trim())));
        }
        return out;
    }

    /** Buckets arrivals (sorted or not) into consecutive intervals starting at the first arrival's bucket 0. */
    public static List<IntervalLoad> bucket(List<Arrival> arrivals, double intervalSeconds) {
        if (arrivals.isEmpty()) {
            return List.of();
        }
        double origin = arrivals.stream().mapToDouble(Arrival::atSeconds).min().orElse(0);
        int n = 1
                + (int) Math.floor(
                        (arrivals.stream().mapToDouble(Arrival::atSeconds).max().orElse(0) - origin) / intervalSeconds);
        double[] count = new double[n];
        double[] isl = new double[n];
        double[] osl = new double[n];
        for (Arrival a : arrivals) {
            int b = (int) Math.floor((a.atSeconds() - origin) / intervalSeconds);
            count[b]++;
            isl[b] += a.inputTokens();
            osl[b] += a.outputTokens();
        }
        List<IntervalLoad> out = new ArrayList<>(n);
        for (int b = 0; b < n; b++) {
            out.add(
                    count[b] == 0
                            ? new IntervalLoad(0, 0, 0)
                            : new IntervalLoad(count[b], isl[b] / count[b], osl[b] / count[b]));
        }
        return out;
    }

    private static double number(Pattern p, String line, String source, int index) {
        Matcher m = p.matcher(line);
        if (!m.find()) {
            throw new IllegalArgumentException(source + ":" + (index + 1) + ": missing field "
                    + p.pattern().substring(1, p.pattern().indexOf('"', 1)));
        }
        return Double.parseDouble(m.group(1));
    }

    private static double secondsOfDay(String ts, String source, int index) {
        try {
            String[] dateTime = ts.trim().split(" ");
            String[] hms = dateTime[1].split(":");
            long day = LocalDate.parse(dateTime[0]).toEpochDay();
            return day * 86400.0
                    + Integer.parseInt(hms[0]) * 3600.0
                    + Integer.parseInt(hms[1]) * 60.0
                    + Double.parseDouble(hms[2]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ":" + (index + 1) + ": bad TIMESTAMP '" + ts + "'", e);
        }
    }
}
