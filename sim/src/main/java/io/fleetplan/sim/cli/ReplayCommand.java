package io.fleetplan.sim.cli;

import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.report.Evaluation;
import io.fleetplan.sim.report.ReportHtml;
import io.fleetplan.sim.report.SummaryJson;
import io.fleetplan.sim.trace.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleetplan replay}: every policy over one trace in virtual time; summary.json and report.html. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Replay a request trace in virtual time through the router, mocker engines and planners, and"
                    + " compare scaling policies on the same arrivals (static, HPA, KEDA, Dynamo throughput and load"
                    + " planners, fleetplan, hindsight oracle).",
            "With no --trace it replays an embedded 3,000-request sample of the Azure conv trace on the embedded"
                    + " default stack."
        })
public final class ReplayCommand implements Callable<Integer>, FleetplanSubcommand {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--trace",
            paramLabel = "FILE|SPEC",
            description = "Trace file, or a synthetic spec such as poisson:rate=5,duration=600 (shapes poisson,"
                    + " diurnal, bursts, step, phased). Default: the embedded Azure conv sample.")
    String trace;

    @Option(names = "--format", paramLabel = "FORMAT", description = "mooncake, azure or burstgpt (default: detected)")
    String format;

    @Option(
            names = "--config",
            paramLabel = "STACK_YAML",
            description = "Stack file (pools, budget, SLOs; kind 'stack'). Default: the embedded replay stack.")
    Path config;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "replay-out",
            description = "Output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(
            names = "--rate-scale",
            paramLabel = "K",
            defaultValue = "1",
            description = "Multiply the arrival rate by K (arrival times / K)")
    double rateScale;

    @Option(
            names = "--time-window",
            paramLabel = "FROM:TO",
            description = "Part of the trace to replay, e.g. 10m:20m (trace time, before rate scaling)")
    String timeWindow;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "Seed (router tie-breaks, synthetic traces)")
    long seed;

    @Option(
            names = "--policies",
            paramLabel = "LIST",
            split = ",",
            description = "Policies to run (default all): static-peak, static-mean, hpa, keda, dynamo-throughput,"
                    + " dynamo-load, fleetplan, oracle, oracle-reactive")
    List<String> policies;

    @Option(names = "--skip-bad-rows", description = "Drop malformed trace rows (counted) instead of failing")
    boolean skipBadRows;

    @Option(names = "--threads", paramLabel = "N", description = "Policies replayed in parallel (default: cores)")
    Integer threads;

    @Option(names = "--no-progress", description = "No progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        PrintWriter outW = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Trace t;
        StackConfig stack;
        Evaluation.Options options;
        try {
            t = TraceInput.load(trace, format, rateScale, timeWindow, skipBadRows, seed);
            stack = config == null ? StackDefaults.replayStack() : ConfigLoader.load(config, StackConfig.class);
            Evaluation.Options d = Evaluation.Options.defaults(stack, seed);
            options = new Evaluation.Options(
                    stack,
                    d.settings(),
                    policies == null ? d.policies() : policies,
                    d.oracleWindowSeconds(),
                    d.attainmentTarget(),
                    d.oracleIterations(),
                    threads == null ? d.threads() : threads);
        } catch (RuntimeException e) {
            err.println("fleetplan replay: " + e.getMessage());
            return 2;
        }
        if (t.requests().isEmpty()) {
            err.println("fleetplan replay: the trace has no requests (check --time-window)");
            return 2;
        }
        outW.printf(
                "trace %s: %d requests over %.0f s (%.2f req/s)%s%n",
                t.source(),
                t.requests().size(),
                t.durationSeconds(),
                t.meanRate(),
                t.skippedRows() > 0 ? ", " + t.skippedRows() + " bad rows skipped" : "");
        outW.flush();
        Evaluation.Result result;
        try (Progress progress = Progress.terminal(!noProgress, "replay")) {
            result = Evaluation.run(t, options, progress);
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("summary.json"), SummaryJson.write(result), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("report.html"), ReportHtml.render(result), StandardCharsets.UTF_8);
        SummaryJson.table(result.summaries()).forEach(outW::println);
        if (result.oracle() != null) {
            outW.println("oracle: " + result.oracle().iterations() + " replays, peak replicas "
                    + Arrays.toString(result.oracle().peak()) + ", mean "
                    + Arrays.toString(result.oracle().mean()));
        }
        outW.println("wrote " + out.resolve("summary.json") + " and " + out.resolve("report.html"));
        return 0;
    }
}
