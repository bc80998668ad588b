package io.fleetplan.bench.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.cli.StackDefaults;
import io.fleetplan.sim.cli.TraceInput;
import io.fleetplan.sim.policy.PlannerPolicy;
import io.fleetplan.sim.policy.StaticPolicy;
import io.fleetplan.sim.replay.Feasibility;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.Replay;
import io.fleetplan.sim.report.EqualAttainment;
import io.fleetplan.sim.report.Evaluation;
import io.fleetplan.sim.report.GoodputSweepCase;
import io.fleetplan.sim.report.PolicySummary;
import io.fleetplan.sim.report.ReplaySuite;
import io.fleetplan.sim.report.SummaryJson;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.TimeWindow;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceFormat;
import io.fleetplan.sim.trace.TraceOptions;
import io.fleetplan.sim.trace.TraceReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleetplan bench replay}: (1) replay speed and peak heap for the one-hour Azure conv trace through 16
 * static workers with the per-iteration engine; (2) planner quality on Azure conv and Mooncake, rate-scaled so
 * the budget binds: every policy on the same arrivals; (3) the suite: every policy on each trace shape at 2-3 rate
 * scales with a binding and a loose budget, and Dynamo's goodput-per-GPU sweep setting as one agg case. Ends with
 * one JSON line (names and units in docs/sim.md).
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Replay speed (simulated s per wall s, peak heap), planner quality (fleetplan vs baselines"
                + " and the oracle) on the Azure conv and Mooncake traces, and a suite of trace shapes x rate scales x"
                + " budgets.")
public final class BenchReplayCommand implements Callable<Integer>, FleetplanSubcommand {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--azure",
            paramLabel = "FILE",
            description = "Azure conv trace (default: the one-hour"
                    + " AzureLLMInferenceTrace_conv.csv shipped in the jar, CC-BY 4.0)")
    Path azure;

    @Option(
            names = "--mooncake",
            paramLabel = "FILE",
            description = "Mooncake conversation trace (default: the"
                    + " one-hour mooncake_conversation_trace.jsonl shipped in the jar)")
    Path mooncake;

    @Option(
            names = "--azure-rate-scale",
            paramLabel = "K",
            defaultValue = "2.5",
            description = "Rate scale for the Azure quality run (default ${DEFAULT-VALUE})")
    double azureScale;

    @Option(
            names = "--mooncake-rate-scale",
            paramLabel = "K",
            defaultValue = "1.5",
            description = "Rate scale for the Mooncake quality run (default ${DEFAULT-VALUE})")
    double mooncakeScale;

    @Option(
            names = "--speed-runs",
            paramLabel = "N",
            defaultValue = "3",
            description = "Timed speed runs after one warm-up (default ${DEFAULT-VALUE})")
    int speedRuns;

    @Option(names = "--skip-quality", description = "Only the speed part")
    boolean skipQuality;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(
            names = "--skip-suite",
            description = "No suite (trace shapes x rate scales x budgets) and no goodput sweep case")
    boolean skipSuite;

    @Option(
            names = "--suite-only",
            description = "Only the suite and the goodput sweep case (no speed, no quality part)")
    boolean suiteOnly;

    @Option(
            names = "--suite-shapes",
            paramLabel = "A,B",
            description = "Suite shapes to run, of azure, mooncake," + " diurnal, bursts, step, phased (default all)")
    String suiteShapes;

    @Option(
            names = "--suite-seconds",
            paramLabel = "S",
            defaultValue = "0",
            description = "Keep each suite trace's"
                    + " first S seconds after rate scaling (0 = each case's own length; for quick looks and tests)")
    double suiteSeconds;

    /** The suite's recorded traces: these first seconds of the full traces. */
    static final double SUITE_AZURE_SECONDS = 1800;

    static final double SUITE_MOONCAKE_SECONDS = 1200;

    @Override
    public String parent() {
        return "bench";
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> shapes;
        try {
            shapes = SuiteCases.parseShapes(suiteShapes);
            if (suiteSeconds < 0 || !Double.isFinite(suiteSeconds)) {
                throw new IllegalArgumentException(
                        "--suite-seconds: " + suiteSeconds + " must be >= 0 (0 = whole cases)");
            }
            if (suiteOnly && skipSuite) {
                throw new IllegalArgumentException("--suite-only and --skip-suite: choose one");
            }
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("fleetplan bench replay: " + e.getMessage());
            return 2;
        }
        String[] flags = {"--azure", "--mooncake"};
        Path[] paths = {azure, mooncake};
        for (int i = 0; i < paths.length; i++) {
            Path given = paths[i];
            if (given != null && !Files.isReadable(given)) {
                spec.commandLine()
                        .getErr()
                        .println("fleetplan bench replay: " + flags[i] + " " + given
                                + " is not a readable file (leave the flag out to use the trace shipped in the jar)");
                return 2;
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bench", "replay");
        Trace conv = suiteOnly ? null : azure(TraceOptions.DEFAULTS);
        if (!suiteOnly) {
            json.put("speed", speed(out, conv));
        }
        if (!skipQuality && !suiteOnly) {
            StackConfig stack = StackDefaults.replayStack();
            json.put("azure", quality(out, "Azure conv x" + azureScale, conv.rateScaled(azureScale), stack));
            Trace mc = mooncake(TraceOptions.DEFAULTS.withRateScale(mooncakeScale));
            json.put(
                    "mooncake",
                    quality(
                            out,
                            "Mooncake conversation x" + mooncakeScale,
                            mc,
                            StackDefaults.load("/stacks/bench-mooncake.yaml")));
        }
        if (!skipSuite) {
            json.put("suite", suite(out, shapes));
            json.put("goodput_sweep", goodputSweep(out));
        }
        out.println(new ObjectMapper().writeValueAsString(json));
        return 0;
    }

    /** Every suite case: the table on the terminal, one JSON object per case. */
    private List<Map<String, Object>> suite(PrintWriter out, List<String> shapes) {
        Map<String, Trace> recorded = new LinkedHashMap<>();
        if (shapes.contains("azure")) {
            recorded.put("azure", azure(TraceOptions.DEFAULTS.withWindow(new TimeWindow(0, SUITE_AZURE_SECONDS))));
        }
        if (shapes.contains("mooncake")) {
            recorded.put(
                    "mooncake", mooncake(TraceOptions.DEFAULTS.withWindow(new TimeWindow(0, SUITE_MOONCAKE_SECONDS))));
        }
        List<ReplaySuite.Case> cases = SuiteCases.cases(recorded, shapes, seed, suiteSeconds);
        out.printf(
                Locale.ROOT,
                "%nsuite: %d cases (attainment %% @ GPU-hours; meets: fleetplan attainment >= oracle's"
                        + " - 1 point and GPU-hours <= 1.15x oracle's unless attainment >= oracle's + 1 point)%n",
                cases.size());
        for (String name : shapes) {
            cases.stream()
                    .filter(c -> c.shape().equals(name))
                    .findFirst()
                    .ifPresent(c -> out.printf(
                            Locale.ROOT,
                            "  %-9s %s, %d requests at the first rate scale (%d pools, SLO TTFT %.0f ms ITL %.0f ms)%n",
                            name,
                            SummaryJson.fileName(c.trace().source()),
                            c.trace().requests().size(),
                            c.stack().pools().size(),
                            c.stack().slo().ttftMs(),
                            c.stack().slo().itlMs()));
        }
        out.println(ReplaySuite.header());
        List<Map<String, Object>> rows = new ArrayList<>();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        for (ReplaySuite.Case c : cases) {
            long t0 = System.nanoTime();
            ReplaySuite.CaseResult r = ReplaySuite.run(c, seed, threads);
            out.println(ReplaySuite.row(r));
            out.flush();
            Map<String, Object> row = ReplaySuite.json(r);
            row.put("wall_seconds", round((System.nanoTime() - t0) / 1e9));
            rows.add(row);
        }
        long met = rows.stream()
                .filter(m -> Boolean.TRUE.equals(m.get("meets_target")))
                .count();
        out.printf(Locale.ROOT, "fleetplan meets the target in %d of %d cases%n", met, rows.size());
        return rows;
    }

    /** Dynamo's goodput-per-GPU sweep setting: one agg pool capped at 8, SLO 2000/50 ms, tool-agent-like arrivals. */
    private Map<String, Object> goodputSweep(PrintWriter out) {
        Trace t = SuiteCases.limit(SyntheticTraces.generate(SuiteCases.TOOL_AGENT_LIKE, seed), suiteSeconds);
        StackConfig stack = StackDefaults.load("/stacks/sweep-agg.yaml");
        out.printf(
                Locale.ROOT,
                "%ngoodput sweep case (Dynamo's sweep setting): agg pool, cap %d, SLO TTFT %.0f ms ITL"
                        + " %.0f ms, tool-agent-like synthetic trace %s (%d requests, %.2f req/s)%n",
                stack.pools().get(0).maxReplicas(),
                stack.slo().ttftMs(),
                stack.slo().itlMs(),
                SuiteCases.TOOL_AGENT_LIKE,
                t.requests().size(),
                t.meanRate());
        long t0 = System.nanoTime();
        GoodputSweepCase.Result r = GoodputSweepCase.run(
                t, stack, seed, Math.max(1, Runtime.getRuntime().availableProcessors()));
        GoodputSweepCase.table(r).forEach(out::println);
        Map<String, Object> m = GoodputSweepCase.json(r, SuiteCases.TOOL_AGENT_LIKE);
        m.put("wall_seconds", round((System.nanoTime() - t0) / 1e9));
        return m;
    }

    /** {@code --azure}, or the full Azure conv trace shipped in the jar. */
    Trace azure(TraceOptions options) {
        return trace(azure, TraceInput.AZURE_CONV, TraceFormat.AZURE, options);
    }

    /** {@code --mooncake}, or the full Mooncake conversation trace shipped in the jar. */
    Trace mooncake(TraceOptions options) {
        return trace(mooncake, TraceInput.MOONCAKE_CONVERSATION, TraceFormat.MOONCAKE, options);
    }

    private static Trace trace(Path file, String resource, TraceFormat format, TraceOptions options) {
        return file != null
                ? TraceReader.read(file, format, options)
                : TraceInput.embedded(resource, format, options, resource.substring(resource.lastIndexOf('/') + 1));
    }

    private Map<String, Object> speed(PrintWriter out, Trace conv) {
        StackConfig stack = StackDefaults.load("/stacks/bench-speed.yaml");
        int workers =
                stack.pools().stream().mapToInt(StackConfig.Pool::minReplicas).sum();
        int[] sizes =
                stack.pools().stream().mapToInt(StackConfig.Pool::minReplicas).toArray();
        out.printf(
                Locale.ROOT,
                "speed: %s, %d requests, %.0f s, %d static workers (per-iteration engine)%n",
                SummaryJson.fileName(conv.source()),
                conv.requests().size(),
                conv.durationSeconds(),
                workers);
        System.gc();
        resetPeaks();
        double coldWall = 0;
        double best = 0;
        double simSeconds = 0;
        long events = 0;
        for (int i = 0; i <= speedRuns; i++) {
            long t0 = System.nanoTime();
            PolicyRun run = Replay.run(
                    conv,
                    stack,
                    new StaticPolicy("static-16", "static", sizes),
                    new Replay.Settings(seed, 10, 1800),
                    null);
            double wall = (System.nanoTime() - t0) / 1e9;
            simSeconds = run.endSeconds();
            events = run.events();
            if (i == 0) {
                coldWall = wall;
            }
            best = Math.max(best, simSeconds / wall);
            out.printf(
                    Locale.ROOT,
                    "  run %d%s: %.2f s wall, %.0f sim-s, %.0fx real time, %d events%n",
                    i,
                    i == 0 ? " (cold, JIT warm-up)" : "",
                    wall,
                    simSeconds,
                    simSeconds / wall,
                    events);
        }
        double heapMib = peakHeapBytes() / 1024.0 / 1024.0;
        out.printf(
                Locale.ROOT,
                "  best %.0fx real time (cold %.0fx), peak heap %.0f MiB (max heap %d MiB)%n",
                best,
                simSeconds / coldWall,
                heapMib,
                Runtime.getRuntime().maxMemory() >> 20);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", workers);
        m.put("requests", conv.requests().size());
        m.put("sim_seconds", Math.round(simSeconds));
        m.put("speed_x", Math.round(best));
        m.put("cold_speed_x", Math.round(simSeconds / coldWall));
        m.put("events", events);
        m.put("peak_heap_mib", Math.round(heapMib));
        return m;
    }

    private Map<String, Object> quality(PrintWriter out, String label, Trace trace, StackConfig stack) {
        out.printf(
                Locale.ROOT,
                "%nquality: %s, %d requests, %.2f req/s, budget %d GPUs, SLO TTFT %.0f ms ITL %.0f ms%n",
                label,
                trace.requests().size(),
                trace.meanRate(),
                stack.budget().maxTotalGpus(),
                stack.slo().ttftMs(),
                stack.slo().itlMs());
        long t0 = System.nanoTime();
        Evaluation.Result r = Evaluation.run(trace, Evaluation.Options.defaults(stack, seed), Evaluation.Progress.NONE);
        double wall = (System.nanoTime() - t0) / 1e9;
        SummaryJson.table(r.summaries()).forEach(out::println);
        PolicySummary fp = find(r.summaries(), "fleetplan");
        PolicySummary oracle = find(r.summaries(), "oracle");
        Map<String, Object> m = new LinkedHashMap<>();
        double ceiling = Feasibility.ttftCeiling(trace, stack);
        m.put("requests", trace.requests().size());
        m.put("rate_rps", round(trace.meanRate()));
        m.put("max_gpus", stack.budget().maxTotalGpus());
        m.put("attainment_ceiling", round(ceiling));
        m.put("fleetplan_attainment", round(fp.sloAttainment()));
        m.put("fleetplan_gpu_hours", round(fp.gpuHours()));
        m.put("oracle_gpu_hours", round(oracle.gpuHours()));
        m.put("oracle_attainment", round(oracle.sloAttainment()));
        m.put("gpu_hours_vs_oracle", round(fp.gpuHours() / oracle.gpuHours()));
        // the oracle pays its workers' start-up GPU time as every policy does; without it, a looser bound
        double oracleStartup = run(r, "oracle").prestartGpuSeconds() / 3600;
        m.put("oracle_startup_gpu_hours", round(oracleStartup));
        m.put("gpu_hours_vs_oracle_without_startup", round(fp.gpuHours() / (oracle.gpuHours() - oracleStartup)));
        Map<String, Object> beats = new LinkedHashMap<>();
        for (String base : List.of("static-peak", "hpa", "dynamo-throughput", "dynamo-load")) {
            PolicySummary b = find(r.summaries(), base);
            boolean wins = fp.gpuHours() < b.gpuHours() && fp.sloAttainment() >= b.sloAttainment();
            beats.put(base, wins);
            m.put(base.replace('-', '_') + "_gpu_hours", round(b.gpuHours()));
            m.put(base.replace('-', '_') + "_attainment", round(b.sloAttainment()));
        }
        m.put("beats", beats);
        Map<String, Object> beatsEqual = new LinkedHashMap<>(beats);
        m.put("at_equal_attainment", atEqualAttainment(out, trace, r, fp, beatsEqual));
        m.put("beats_at_equal_attainment", beatsEqual);
        boolean attainment = fp.sloAttainment() >= 0.99;
        boolean cost = fp.gpuHours() <= 1.15 * oracle.gpuHours();
        m.put("meets_target", attainment && cost);
        m.put("meets_attainment_target", attainment);
        m.put("meets_cost_target", cost);
        // where the ceiling is far below 99% (Mooncake), attainment among the requests that can meet the SLO at all
        boolean[] feasible = Feasibility.feasible(trace, stack);
        double fpFeasible = Feasibility.attainmentOfFeasible(
                run(r, "fleetplan").requests(),
                feasible,
                stack.slo().ttftMs(),
                stack.slo().itlMs());
        double oracleFeasible = Feasibility.attainmentOfFeasible(
                run(r, "oracle").requests(),
                feasible,
                stack.slo().ttftMs(),
                stack.slo().itlMs());
        m.put("fleetplan_feasible_attainment", round(fpFeasible));
        m.put("oracle_feasible_attainment", round(oracleFeasible));
        m.put("wall_seconds", round(wall));
        out.printf(
                Locale.ROOT,
                "attainment ceiling (idle-engine TTFT within target, no prefix reuse): %.2f%%%n",
                ceiling * 100);
        out.printf(
                Locale.ROOT,
                "fleetplan: attainment %.2f%% (target >= 99%%), %.3f GPU-h = %.2fx oracle (target <= 1.15x);"
                        + " beats %s (at equal attainment %s); %.1f s wall for all policies%n",
                fp.sloAttainment() * 100,
                fp.gpuHours(),
                fp.gpuHours() / oracle.gpuHours(),
                beats,
                beatsEqual,
                wall);
        out.printf(
                Locale.ROOT,
                "attainment among feasible requests: fleetplan %.2f%%, oracle %.2f%%%n",
                fpFeasible * 100,
                oracleFeasible * 100);
        out.printf(
                Locale.ROOT,
                "oracle's start-up GPU time (workers started ahead of need): %.3f GPU-h; without it the"
                        + " oracle would be %.3f GPU-h and fleetplan %.2fx%n",
                oracleStartup,
                oracle.gpuHours() - oracleStartup,
                fp.gpuHours() / (oracle.gpuHours() - oracleStartup));
        return m;
    }

    /**
     * The Dynamo baselines spend less by missing the SLO: what they spend at fleetplan's attainment
     * ({@link EqualAttainment}). Puts whether fleetplan spends less there into {@code beatsEqual}.
     */
    private Map<String, Object> atEqualAttainment(
            PrintWriter out, Trace trace, Evaluation.Result r, PolicySummary fp, Map<String, Object> beatsEqual) {
        Map<String, Object> equal = new LinkedHashMap<>();
        out.printf(
                Locale.ROOT,
                "at fleetplan's attainment (%.2f%%): each Dynamo baseline with its planning targets at"
                        + " x%s the SLO, the cheapest that reaches it%n",
                fp.sloAttainment() * 100,
                EqualAttainment.MARGINS);
        for (PlannerPolicy base : List.of(PlannerPolicy.dynamoThroughput(), PlannerPolicy.dynamoLoad())) {
            EqualAttainment.Outcome eq =
                    EqualAttainment.search(trace, r.options(), r.oracle().replicas()[0], base, fp.sloAttainment());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("margin", eq.reached() == null ? null : eq.reached().margin());
            e.put(
                    "attainment",
                    round(
                            eq.reached() == null
                                    ? eq.best().attainment()
                                    : eq.reached().attainment()));
            e.put(
                    "gpu_hours",
                    round(
                            eq.reached() == null
                                    ? eq.best().gpuHours()
                                    : eq.reached().gpuHours()));
            e.put("fleetplan_fewer_gpu_hours", eq.fewerThanBaseline(fp.gpuHours()));
            equal.put(base.name(), e);
            beatsEqual.put(base.name(), eq.fewerThanBaseline(fp.gpuHours()));
            StringBuilder steps = new StringBuilder();
            for (EqualAttainment.Step st : eq.steps()) {
                steps.append(String.format(
                        Locale.ROOT, " x%.2f %.2f%% @ %.3f;", st.margin(), st.attainment() * 100, st.gpuHours()));
            }
            out.printf(
                    Locale.ROOT,
                    "  %-18s%s -> %s%n",
                    base.name(),
                    steps,
                    eq.reached() == null
                            ? "never reaches it"
                            : String.format(
                                    Locale.ROOT,
                                    "reaches it at x%.2f with %.3f GPU-h (fleetplan %.3f)",
                                    eq.reached().margin(),
                                    eq.reached().gpuHours(),
                                    fp.gpuHours()));
        }
        return equal;
    }

    private static PolicyRun run(Evaluation.Result r, String name) {
        return r.runs().stream()
                .filter(p -> p.policy().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static PolicySummary find(List<PolicySummary> s, String name) {
        return s.stream().filter(p -> p.policy().equals(name)).findFirst().orElseThrow();
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    /** Sum over heap pools of their peak use since the reset (an upper bound of the peak total). */
    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
