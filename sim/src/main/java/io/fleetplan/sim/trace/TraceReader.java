package io.fleetplan.sim.trace;

import io.fleetplan.common.io.BoundedFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

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

    private TraceReader() {}

    /**
     * The largest trace file read (the public one-hour traces are 1-4 MB, a week of Azure 2024 about 100 MB);
     * the whole trace is held in memory, about 100 bytes per request.
     */
    public static final long MAX_FILE_BYTES = 512L << 20;
    /** The longest line (a Mooncake row lists one hash id per 512 tokens: about 2 KiB for 128k tokens). */
    public static final int MAX_LINE_CHARS = 1 << 20;
    /** The longest span between the first and the last arrival, and the largest relative timestamp. */
    public static final long MAX_SPAN_SECONDS = 400L * 24 * 3600;

    /** Reads {@code file}; {@code format} null = detect from the name and first line. */
    public static Trace read(Path file, TraceFormat format, TraceOptions options) {
        try (InputStream in = BoundedFiles.open(file, MAX_FILE_BYTES, "a trace file")) {
            BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
            return read(buffered, file.toString(), format == null ? detect(file, buffered) : format, options);
        } catch (BoundedFiles.RefusedInputException e) {
            throw new IllegalArgumentException("trace " + e.getMessage(), e);
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
        Span span = new Span(name);
        InputStream bounded = BoundedFiles.limited(in, name, "a trace", MAX_FILE_BYTES);
        try (LineReader reader =
                new LineReader(new InputStreamReader(bounded, StandardCharsets.UTF_8), MAX_LINE_CHARS)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    TraceRequest r = parser.parse(line, lineNo);
                    if (r != null) {
                        span.add(r.arrivalNanos(), lineNo);
                        rows.add(r);
                    }
                } catch (RowException e) {
                    if (!options.skipBadRows()) {
                        throw new TraceFormatException(
                                name, lineNo, e.getMessage() + " (use --skip-bad-rows to drop such rows)");
                    }
                    skipped++;
                }
            }
        } catch (LineReader.LineTooLongException e) {
            throw new TraceFormatException(
                    name,
                    lineNo + 1,
                    "line longer than " + MAX_LINE_CHARS + " characters; not a trace in the " + format.label()
                            + " format?");
        } catch (BoundedFiles.RefusedInputException e) {
            throw new IllegalArgumentException("trace " + e.getMessage(), e);
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

    /** Detects the format from the name and the first line, then rewinds {@code in}. */
    private static TraceFormat detect(Path file, BufferedInputStream in) throws IOException {
        in.mark(MAX_LINE_CHARS);
        String first;
        try {
            first = new LineReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096).readLine();
        } catch (LineReader.LineTooLongException e) {
            first = null;
        }
        in.reset();
        TraceFormat f = TraceFormat.detect(file, first);
        if (f == null) {
            throw new IllegalArgumentException("cannot tell the format of " + file + "; pass --format with one of "
                    + String.join(", ", TraceFormat.FILE_FORMATS));
        }
        return f;
    }

    /** The first and last arrival seen, with their lines: a span over {@link #MAX_SPAN_SECONDS} is an error. */
    private static final class Span {
        private final String name;
        private long min = Long.MAX_VALUE;
        private long minLine;
        private long max = Long.MIN_VALUE;
        private long maxLine;

        Span(String name) {
            this.name = name;
        }

        void add(long nanos, long line) {
            if (nanos < min) {
                min = nanos;
                minLine = line;
            }
            if (nanos > max) {
                max = nanos;
                maxLine = line;
            }
            if (max - min > MAX_SPAN_SECONDS * 1_000_000_000L) {
                throw new TraceFormatException(
                        name,
                        line,
                        String.format(
                                Locale.ROOT,
                                "arrival times span %.1f days (line %d to line %d); allowed: at most %d days between the"
                                        + " first and the last request",
                                (max - min) / 86_400e9,
                                minLine,
                                maxLine,
                                MAX_SPAN_SECONDS / 86_400));
            }
        }
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
                throw new RowException(
                        field + " = " + value.trim() + ": must be an integer from 1 to " + Integer.MAX_VALUE);
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new RowException(field + " = '" + value.trim() + "': not an integer");
        }
    }

    /** A relative time in {@code unit}s per second (1 = seconds, 1000 = ms): from 0 to {@link #MAX_SPAN_SECONDS}. */
    static long relativeNanos(String field, String value, double unitsPerSecond, String unit) throws RowException {
        try {
            return relativeNanos(field, Double.parseDouble(value.trim()), unitsPerSecond, unit);
        } catch (NumberFormatException e) {
            throw new RowException(field + " = '" + value.trim() + "': not a number");
        }
    }

    static long relativeNanos(String field, double v, double unitsPerSecond, String unit) throws RowException {
        double max = MAX_SPAN_SECONDS * unitsPerSecond;
        if (!(v >= 0 && v <= max)) {
            throw new RowException(field + " = " + v + ": must be from 0 to " + String.format(Locale.ROOT, "%.0f", max)
                    + " " + unit + " (" + MAX_SPAN_SECONDS / 86_400 + " days)");
        }
        return Math.round(v / unitsPerSecond * 1e9);
    }
}
