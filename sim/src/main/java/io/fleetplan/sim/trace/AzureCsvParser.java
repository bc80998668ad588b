package io.fleetplan.sim.trace;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Azure LLM inference trace (2023 and 2024): {@code TIMESTAMP,ContextTokens,GeneratedTokens}, the timestamp
 * absolute ({@code 2023-11-16 18:15:46.6805900}, up to 9 fractional digits, read as UTC).
 */
final class AzureCsvParser implements TraceReader.RowParser {

    static final String HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens";

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .toFormatter();

    // nanoseconds since 1970 fit a long until 2262
    private static final int FIRST_YEAR = 1970;
    private static final int LAST_YEAR = 2200;

    private boolean header;

    @Override
    public TraceRequest parse(String line, long lineNo) throws TraceReader.RowException {
        if (!header) {
            if (line.replace(" ", "").equalsIgnoreCase(HEADER)) {
                header = true;
                return null;
            }
            throw new TraceReader.RowException("first line must be the header " + HEADER + ", was '" + line + "'");
        }
        String[] f = line.split(",", -1);
        if (f.length != 3) {
            throw new TraceReader.RowException("expected 3 columns (" + HEADER + "), found " + f.length);
        }
        long nanos;
        try {
            LocalDateTime t = LocalDateTime.parse(f[0].trim(), TIME);
            if (t.getYear() < FIRST_YEAR || t.getYear() > LAST_YEAR) {
                throw new TraceReader.RowException("TIMESTAMP = '" + f[0].trim() + "': must be from " + FIRST_YEAR
                        + "-01-01 to " + LAST_YEAR + "-12-31");
            }
            nanos = t.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + t.getNano();
        } catch (DateTimeParseException e) {
            throw new TraceReader.RowException(
                    "TIMESTAMP = '" + f[0].trim() + "': not a time of the form yyyy-MM-dd HH:mm:ss[.fffffff]");
        }
        return new TraceRequest(
                nanos,
                TraceReader.positiveInt("ContextTokens", f[1]),
                TraceReader.positiveInt("GeneratedTokens", f[2]),
                null);
    }

    @Override
    public boolean expectsHeader() {
        return true;
    }

    @Override
    public boolean sawHeader() {
        return header;
    }

    @Override
    public String headerHint() {
        return HEADER;
    }
}
