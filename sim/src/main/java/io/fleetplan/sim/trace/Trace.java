package io.fleetplan.sim.trace;

import java.util.List;

/**
 * A request trace ready for replay: requests sorted by arrival, times relative to the trace start.
 *
 * @param source where it came from (file name or synthetic spec), for reports
 * @param format the format it was read as
 * @param requests the requests, ascending by {@link TraceRequest#arrivalNanos()}
 * @param skippedRows rows dropped with {@code --skip-bad-rows} (0 otherwise)
 * @param blockSize tokens per {@code hash_ids} block (Mooncake: 512), or 0 without hashes
 */
public record Trace(String source, TraceFormat format, List<TraceRequest> requests, long skippedRows, int blockSize) {

    public Trace {
        requests = List.copyOf(requests);
    }

    /** Arrival of the last request, seconds (0 for an empty trace). */
    public double durationSeconds() {
        return requests.isEmpty() ? 0 : requests.get(requests.size() - 1).arrivalSeconds();
    }

    /** Mean arrival rate, requests per second. */
    public double meanRate() {
        double d = durationSeconds();
        return d <= 0 ? requests.size() : requests.size() / d;
    }

    /** True when requests carry prefix-block ids. */
    public boolean hasHashIds() {
        return !requests.isEmpty() && requests.get(0).hashIds() != null;
    }

    /** The requests arriving in {@code [fromSeconds, toSeconds)}, re-based to start at 0. */
    public Trace window(double fromSeconds, double toSeconds) {
        long from = Math.round(fromSeconds * 1e9);
        long to = Math.round(toSeconds * 1e9);
        List<TraceRequest> kept = requests.stream()
                .filter(r -> r.arrivalNanos() >= from && r.arrivalNanos() < to)
                .map(r -> r.at(r.arrivalNanos() - from))
                .toList();
        return new Trace(source, format, kept, skippedRows, blockSize);
    }

    /** Arrival rate multiplied by {@code factor}: every arrival time is divided by it (the mix is unchanged). */
    public Trace rateScaled(double factor) {
        if (factor == 1.0) {
            return this;
        }
        List<TraceRequest> scaled = requests.stream()
                .map(r -> r.at(Math.round(r.arrivalNanos() / factor)))
                .toList();
        return new Trace(source, format, scaled, skippedRows, blockSize);
    }

    /** The first {@code n} requests. */
    public Trace limit(int n) {
        return n >= requests.size() ? this : new Trace(source, format, requests.subList(0, n), skippedRows, blockSize);
    }
}
