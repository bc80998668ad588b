package io.fleetplan.sim.trace;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * BurstGPT CSV ({@code Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type}, the _3 files add
 * columns): columns are found by header name, {@code Timestamp} is seconds from the trace's day 1. A row with
 * 0 response tokens (a failed call in BurstGPT) is a bad row: use the {@code _without_fails} file or
 * {@code --skip-bad-rows}.
 */
final class BurstGptCsvParser implements TraceReader.RowParser {

    private int timestamp = -1;
    private int request = -1;
    private int response = -1;
    private int columns;

    @Override
    public TraceRequest parse(String line, long lineNo) throws TraceReader.RowException {
        String[] f = line.split(",", -1);
        if (timestamp < 0) {
            List<String> names =
                    Arrays.stream(f).map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
            timestamp = names.indexOf("timestamp");
            request = names.indexOf("request tokens");
            response = names.indexOf("response tokens");
            columns = f.length;
            if (timestamp < 0 || request < 0 || response < 0) {
                timestamp = -1;
                throw new TraceReader.RowException("first line must be a header naming Timestamp, Request tokens and"
                        + " Response tokens; was '" + line + "'");
            }
            return null;
        }
        if (f.length != columns) {
            throw new TraceReader.RowException("expected " + columns + " columns as in the header, found " + f.length);
        }
        long nanos = TraceReader.relativeNanos("Timestamp", f[timestamp], 1, "s");
        return new TraceRequest(
                nanos,
                TraceReader.positiveInt("Request tokens", f[request]),
                TraceReader.positiveInt("Response tokens", f[response]),
                null);
    }

    @Override
    public boolean expectsHeader() {
        return true;
    }

    @Override
    public boolean sawHeader() {
        return timestamp >= 0;
    }

    @Override
    public String headerHint() {
        return "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type";
    }
}
