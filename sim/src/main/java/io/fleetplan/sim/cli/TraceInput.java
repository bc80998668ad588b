package io.fleetplan.sim.cli;

import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.TimeWindow;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceFormat;
import io.fleetplan.sim.trace.TraceOptions;
import io.fleetplan.sim.trace.TraceReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code --trace/--format/--rate-scale/--time-window/--skip-bad-rows} flags, turned into a {@link Trace}, and the
 * traces shipped in the jar (public for {@code fleetplan bench replay}, which replays the full ones).
 */
public final class TraceInput {

    /** The embedded sample (first 3,000 rows of the Azure conv trace, CC-BY 4.0; see traces/README.md). */
    static final String SAMPLE = "/traces/azure_conv_head3000.csv";
    /** The full Azure 2023 conv trace (19,366 requests, one hour, CC-BY 4.0; see traces/README.md). */
    public static final String AZURE_CONV = "/traces/AzureLLMInferenceTrace_conv.csv";
    /** The full Mooncake conversation trace (12,031 requests, one hour; see traces/README.md). */
    public static final String MOONCAKE_CONVERSATION = "/traces/mooncake_conversation_trace.jsonl";

    private TraceInput() {}

    /**
     * The longest replay, in simulated seconds after windowing and rate scaling: a week of Azure 2024 at its
     * own rate. Every policy steps through every planner interval of the span (10 empty days take about a
     * minute), so a stray far-future row would keep the replay busy for hours.
     */
    static final double MAX_REPLAY_SECONDS = 8 * 86_400;

    static Trace load(String trace, String format, double rateScale, String window, boolean skipBadRows, long seed) {
        Trace t = read(trace, format, rateScale, window, skipBadRows, seed);
        if (t.durationSeconds() > MAX_REPLAY_SECONDS) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "--trace: %s spans %.1f days"
                            + " after --time-window and --rate-scale; a replay covers at most %.0f days: pick a part with"
                            + " --time-window FROM:TO or raise --rate-scale",
                    t.source(),
                    t.durationSeconds() / 86_400,
                    MAX_REPLAY_SECONDS / 86_400));
        }
        return t;
    }

    private static Trace read(
            String trace, String format, double rateScale, String window, boolean skipBadRows, long seed) {
        TraceOptions options =
                new TraceOptions(rateScale, window == null ? null : TimeWindow.parse(window), skipBadRows, 0);
        if (trace == null) {
            return options.apply(embedded(SAMPLE, TraceFormat.AZURE));
        }
        Path file = Path.of(trace);
        if (!Files.exists(file) && SyntheticTraces.isSpec(trace)) {
            return options.apply(SyntheticTraces.generate(trace, seed));
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("--trace: " + trace + " is not a readable file (nor a synthetic spec"
                    + " SHAPE[:key=value,...] with SHAPE one of " + String.join(", ", SyntheticTraces.SHAPES)
                    + ", such as poisson:rate=5,duration=600)");
        }
        return TraceReader.read(file, format == null ? null : TraceFormat.of(format), options);
    }

    /** The embedded {@link #SAMPLE}, named "FILE (embedded sample)". */
    static Trace embedded(String resource, TraceFormat format) {
        return embedded(
                resource,
                format,
                TraceOptions.DEFAULTS,
                resource.substring(resource.lastIndexOf('/') + 1) + " (embedded sample)");
    }

    /** A trace shipped in the jar ({@link #SAMPLE}, {@link #AZURE_CONV}, {@link #MOONCAKE_CONVERSATION}). */
    public static Trace embedded(String resource, TraceFormat format, TraceOptions options, String name) {
        try (InputStream in = TraceInput.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return TraceReader.read(in, name, format, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
