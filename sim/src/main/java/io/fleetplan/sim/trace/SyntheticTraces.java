package io.fleetplan.sim.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;

/**
 * Seeded synthetic arrivals: open-loop, non-homogeneous Poisson processes (sampled by thinning), so the same
 * spec and seed give the same trace. A spec is {@code SHAPE[:key=value,...]}:
 *
 * <ul>
 *   <li>{@code poisson}: constant {@code rate}.</li>
 *   <li>{@code diurnal}: {@code rate * (1 + amplitude * sin(2 pi t / period))}.</li>
 *   <li>{@code bursts}: {@code rate}, and {@code burst_rate} for {@code burst_seconds} every {@code every}.</li>
 *   <li>{@code step}: {@code rate} until {@code at}, then {@code rate2}.</li>
 *   <li>{@code phased}: constant {@code rate} (default 8), the request mix alternating every {@code period}
 *       seconds (default 90) between a prefill-heavy phase ({@code isl}/{@code osl}, default 12000/200) and a
 *       decode-heavy one ({@code isl2}/{@code osl2}, default 500/8000), starting prefill-heavy: the shape of
 *       Dynamo's global-planner test generator, where the prefill and decode pools must trade GPUs.</li>
 * </ul>
 * Common keys: {@code duration} (s, default 600), {@code isl} and {@code osl} (mean tokens, default 1000 and
 * 200; each request draws uniformly from [mean/2, 3 mean/2]). Rates are requests per second.
 */
public final class SyntheticTraces {

    public static final List<String> SHAPES = List.of("poisson", "diurnal", "bursts", "step", "phased");

    private static final Map<String, Double> DEFAULTS = Map.ofEntries(
            Map.entry("rate", 5.0),
            Map.entry("duration", 600.0),
            Map.entry("isl", 1000.0),
            Map.entry("osl", 200.0),
            Map.entry("amplitude", 0.5),
            Map.entry("period", 600.0),
            Map.entry("burst_rate", 20.0),
            Map.entry("burst_seconds", 30.0),
            Map.entry("every", 200.0),
            Map.entry("at", 300.0),
            Map.entry("rate2", 15.0));

    /** Defaults a shape sets over {@link #DEFAULTS} (phased: Dynamo's generator's rate, phase length and mix). */
    private static final Map<String, Map<String, Double>> SHAPE_DEFAULTS = Map.of(
            "phased", Map.of("rate", 8.0, "period", 90.0, "isl", 12000.0, "osl", 200.0, "isl2", 500.0, "osl2", 8000.0));

    private static final Map<String, Set<String>> KEYS = Map.of(
            "poisson", Set.of("rate"),
            "diurnal", Set.of("rate", "amplitude", "period"),
            "bursts", Set.of("rate", "burst_rate", "burst_seconds", "every"),
            "step", Set.of("rate", "at", "rate2"),
            "phased", Set.of("rate", "period", "isl2", "osl2"));

    /** Keys a zero would make meaningless (a division, a request of no tokens). */
    private static final Set<String> POSITIVE = Set.of("period", "every", "isl", "osl", "isl2", "osl2");

    private SyntheticTraces() {}

    /** True when {@code text} looks like a spec rather than a file path ({@code poisson:...}, {@code step}). */
    public static boolean isSpec(String text) {
        String shape = text.split(":", 2)[0].trim().toLowerCase(Locale.ROOT);
        return SHAPES.contains(shape);
    }

    /** Generates the trace of {@code spec} with {@code seed}. */
    public static Trace generate(String spec, long seed) {
        String[] parts = spec.trim().split(":", 2);
        String shape = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!SHAPES.contains(shape)) {
            throw new IllegalArgumentException("synthetic trace '" + spec + "': shape must be one of " + SHAPES);
        }
        Map<String, Double> p = new LinkedHashMap<>(DEFAULTS);
        p.putAll(SHAPE_DEFAULTS.getOrDefault(shape, Map.of()));
        if (parts.length > 1 && !parts[1].isBlank()) {
            for (String kv : parts[1].split(",")) {
                String[] e = kv.split("=", 2);
                String key = e[0].trim();
                Set<String> allowed = new TreeSet<>(KEYS.get(shape));
                allowed.addAll(Set.of("duration", "isl", "osl"));
                if (e.length != 2 || !allowed.contains(key)) {
                    throw new IllegalArgumentException(
                            "synthetic trace '" + spec + "': '" + kv + "' is not key=value with a key of " + allowed);
                }
                try {
                    double v = Double.parseDouble(e[1].trim());
                    if (!(v >= 0) || Double.isInfinite(v)) {
                        throw new NumberFormatException();
                    }
                    if (v <= 0 && POSITIVE.contains(key)) {
                        throw new NumberFormatException();
                    }
                    p.put(key, v);
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("synthetic trace '" + spec + "': " + key + " = '" + e[1].trim()
                            + "' must be a finite number " + (POSITIVE.contains(key) ? "> 0" : ">= 0"));
                }
            }
        }
        double rate = p.get("rate");
        DoubleUnaryOperator shapeFn = switch (shape) {
            case "diurnal" ->
                t -> rate * Math.max(0, 1 + p.get("amplitude") * Math.sin(2 * Math.PI * t / p.get("period")));
            case "bursts" ->
                t -> (t % p.get("every")) < p.get("burst_seconds") && t >= p.get("every") - p.get("burst_seconds")
                        ? p.get("burst_rate")
                        : rate;
            case "step" -> t -> t < p.get("at") ? rate : p.get("rate2");
            default -> t -> rate;
        };
        double peak = switch (shape) {
            case "diurnal" -> rate * (1 + p.get("amplitude"));
            case "bursts" -> Math.max(rate, p.get("burst_rate"));
            case "step" -> Math.max(rate, p.get("rate2"));
            default -> rate;
        };
        double period = p.get("period");
        // the request mix at time t: {mean ISL, mean OSL}; only the phased shape changes it
        DoubleFunction<double[]> mix = shape.equals("phased")
                ? t -> ((long) Math.floor(t / period)) % 2 == 0
                        ? new double[] {p.get("isl"), p.get("osl")}
                        : new double[] {p.get("isl2"), p.get("osl2")}
                : t -> new double[] {p.get("isl"), p.get("osl")};
        return new Trace(
                shape + ":" + canonical(p, shape) + " seed=" + seed,
                TraceFormat.SYNTHETIC,
                sample(shapeFn, peak, p.get("duration"), mix, seed),
                0,
                0);
    }

    private static String canonical(Map<String, Double> p, String shape) {
        List<String> keys = new ArrayList<>(new TreeSet<>(KEYS.get(shape)));
        keys.addAll(List.of("duration", "isl", "osl"));
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            out.add(k + "=" + p.get(k));
        }
        return String.join(",", out);
    }

    /** Thinning (Lewis-Shedler): candidates at the peak rate, each kept with probability rate(t)/peak. */
    static List<TraceRequest> sample(
            DoubleUnaryOperator rate, double peak, double duration, DoubleFunction<double[]> mix, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<TraceRequest> out = new ArrayList<>();
        if (peak <= 0) {
            return out;
        }
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / peak;
            if (t >= duration) {
                return out;
            }
            if (random.nextDouble() * peak < rate.applyAsDouble(t)) {
                double[] m = mix.apply(t);
                out.add(new TraceRequest(Math.round(t * 1e9), draw(random, m[0]), draw(random, m[1]), null));
            }
        }
    }

    private static int draw(SplittableRandom random, double mean) {
        return (int) Math.max(1, Math.round(mean * (0.5 + random.nextDouble())));
    }
}
