package io.fleetplan.sim.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads request traces (Azure CSV, Mooncake JSONL, BurstGPT CSV) into a {@link Trace}: the public entry point
 * of the trace readers, used by {@code fleetplan replay} and {@code fleetplan load}.
 *
 * <pre>{@code
 * Trace t = TraceReader.read(Path.of("AzureLLMInferenceTrace_conv.csv"), null,   // null = detect the format
 *         TraceOptions.DEFAULTS.withRateScale(2).withWindow(TimeWindow.parse("10m:20m")));
 * for (TraceRequest r : t.requests()) { ... r.arrivalNanos(), r.inputTokens(), r.outputTokens(), r.hashIds() }
 * }</pre>
 *
 * <p>Arrival times are made relative to the first row, so the first request arrives at 0. Rows that are out
 * of order are sorted (stable). A malformed row throws {@link TraceFormatException} with the file and line
 * number, or with {@link TraceOptions#skipBadRows()} is dropped and counted in {@link Trace#skippedRows()}.
 */
public final class TraceReader {

    private TraceReader() {
    }

    /** Reads {@code file}; {@code format} null = detect from the name and first line. */
    public static Trace read(Path file, TraceFormat format, TraceOptions options) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), format == null ? detect(file) : format, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a trace from a stream (e.g. a classpath resource); {@code name} is used in error messages. */
    public static Trace read(InputStream in, String name, TraceFormat format, TraceOptions options) {
        RowParser parser = switch (format) {
            case AZURE -> new AzureCsvParser();
            case MOONCAKE -> new MooncakeJsonlParser();
            case BURSTGPT -> new BurstGptCsvParser();
            case SYNTHETIC -> throw new IllegalArgumentException("synthetic traces are generated, not read");
        };
        List<TraceRequest> rows = new ArrayList<>();
        long skipped = 0;
        long lineNo = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    TraceRequest r = parser.parse(line, lineNo);
                    if (r != null) {
                        rows.add(r);
                    }
                } catch (RowException e) {
                    if (!options.skipBadRows()) {
                        throw new TraceFormatException(name, lineNo, e.getMessage()
                                + " (use --skip-bad-rows to drop such rows)");
                    }
                    skipped++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + name + ": " + e.getMessage(), e);
        }
        if (parser.expectsHeader() && !parser.sawHeader()) {
            throw new TraceFormatException(name, 1, "missing header; expected " + parser.headerHint());
        }
        rows.sort(Comparator.comparingLong(TraceRequest::arrivalNanos));
        long origin = rows.isEmpty() ? 0 : rows.get(0).arrivalNanos();
        List<TraceRequest> rebased = new ArrayList<>(rows.size());
        for (TraceRequest r : rows) {
            rebased.add(origin == 0 ? r : r.at(r.arrivalNanos() - origin));
        }
        Trace trace = new Trace(name, format, rebased, skipped, format == TraceFormat.MOONCAKE ? 512 : 0);
        return options.apply(trace);
    }

    private static TraceFormat detect(Path file) {
        String first;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            first = r.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + file + ": " + e.getMessage(), e);
        }
        TraceFormat f = TraceFormat.detect(file, first);
        if (f == null) {
            throw new IllegalArgumentException("cannot tell the format of " + file + "; pass --format with one of "
                    + String.join(", ", TraceFormat.FILE_FORMATS));
        }
        return f;
    }

    /** One format's row parser. Returns null for a header row. */
    interface RowParser {
        TraceRequest parse(String line, long lineNo) throws RowException;

        default boolean expectsHeader() {
            return false;
        }

        default boolean sawHeader() {
            return true;
        }

        default String headerHint() {
            return "";
        }
    }

    /** A bad row; the reader adds file and line. */
    static final class RowException extends Exception {
        RowException(String message) {
            super(message, null, false, false);
        }
    }

    static int positiveInt(String field, String value) throws RowException {
        try {
            long v = Long.parseLong(value.trim());
            if (v < 1 || v > Integer.MAX_VALUE) {
                throw new RowException(field + " = " + value.trim() + ": must be an integer from 1 to " + Integer.MAX_VALUE);
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new RowException(field + " = '" + value.trim() + "': not an integer");
        }
    }

    static double nonNegative(String field, String value) throws RowException {
        try {
            double v = Double.parseDouble(value.trim());
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new RowException(field + " = " + value.trim() + ": must be a finite number >= 0");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new RowException(field + " = '" + value.trim() + "': not a number");
        }
    }
}
