package io.fleetplan.bench.sim;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.cli.StackDefaults;
import io.fleetplan.sim.report.ReplaySuite;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cases of {@code fleetplan bench replay}'s suite: each trace shape at its rate scales, each with a binding
 * budget (8 GPUs) and a loose one (24 GPUs). Synthetic shapes are sized for the stack they run on: the
 * replay-default engines (speedup 0.25) take Azure-like requests, and the phased shape's 12,000-token prompts need
 * the Mooncake stack's full-speed engines to be prefilled within 500 ms at all. Durations keep the whole suite
 * within a few minutes on two cores.
 */
final class SuiteCases {

    static final int BINDING_GPUS = 8;
    static final int LOOSE_GPUS = 24;

    /** A trace shape: its stack, and its rate scales (arrival times divided by each). */
    record Shape(String name, String stackResource, List<Double> rateScales) {}

    static final List<Shape> SHAPES = List.of(
            new Shape("azure", StackDefaults.RESOURCE, List.of(2.0, 2.5, 3.0)),
            new Shape("mooncake", "/stacks/bench-mooncake.yaml", List.of(1.0, 1.5)),
            new Shape("diurnal", StackDefaults.RESOURCE, List.of(1.0, 1.5)),
            new Shape("bursts", StackDefaults.RESOURCE, List.of(1.0, 1.5)),
            new Shape("step", StackDefaults.RESOURCE, List.of(1.0, 1.5)),
            new Shape("phased", "/stacks/bench-mooncake.yaml", List.of(1.0, 2.0)));

    /** Names {@code --suite-shapes} accepts. */
    static final List<String> NAMES = SHAPES.stream().map(Shape::name).toList();

    /** The synthetic shapes' specs at rate scale 1 (docs/sim.md). */
    static final Map<String, String> SYNTHETIC = Map.of(
            "diurnal", "diurnal:rate=10,amplitude=0.6,period=600,duration=1200",
            "bursts", "bursts:rate=8,burst_rate=24,burst_seconds=60,every=300,duration=1200",
            "step", "step:rate=5,rate2=16,at=400,duration=1200",
            "phased", "phased:rate=2,duration=720");

    /**
     * Tool-agent-like arrivals for the goodput sweep case (no tool-agent trace is shipped): Mooncake's toolagent
     * trace averages 6.7 req/s with 8,596-token prompts and 182-token outputs; bursts of 14 req/s for 60 s every
     * 300 s on 5 req/s give 6.8 req/s on average.
     */
    static final String TOOL_AGENT_LIKE =
            "bursts:rate=5,burst_rate=14,burst_seconds=60,every=300,isl=8600,osl=180," + "duration=1800";

    private SuiteCases() {}

    /**
     * @param recorded the recorded traces by shape name ({@code azure}, {@code mooncake}), at rate scale 1
     * @param shapes the shape names to run (a subset of {@link #NAMES})
     * @param limitSeconds keep each case's first this many seconds after rate scaling (0 = all)
     */
    static List<ReplaySuite.Case> cases(
            Map<String, Trace> recorded, List<String> shapes, long seed, double limitSeconds) {
        List<ReplaySuite.Case> out = new ArrayList<>();
        for (Shape s : SHAPES) {
            if (!shapes.contains(s.name())) {
                continue;
            }
            Trace base = SYNTHETIC.containsKey(s.name())
                    ? SyntheticTraces.generate(SYNTHETIC.get(s.name()), seed)
                    : recorded.get(s.name());
            StackConfig stack = StackDefaults.load(s.stackResource());
            for (double k : s.rateScales()) {
                Trace t = limit(base.rateScaled(k), limitSeconds);
                for (int gpus : List.of(BINDING_GPUS, LOOSE_GPUS)) {
                    out.add(new ReplaySuite.Case(
                            s.name() + " x" + k + " " + gpus + "g",
                            s.name(),
                            k,
                            t,
                            ReplaySuite.withBudget(stack, gpus)));
                }
            }
        }
        return out;
    }

    static Trace limit(Trace t, double limitSeconds) {
        return limitSeconds > 0 ? t.window(0, limitSeconds) : t;
    }

    /** Parses {@code --suite-shapes}: names from {@link #NAMES}, comma-separated. */
    static List<String> parseShapes(String text) {
        if (text == null || text.isBlank()) {
            return NAMES;
        }
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (String n : text.split(",")) {
            String name = n.trim();
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException(
                        "--suite-shapes: '" + name + "' is not a suite shape; allowed: " + String.join(", ", NAMES));
            }
            seen.put(name, true);
        }
        return List.copyOf(seen.keySet());
    }
}
