package io.fleetplan.cli.load;

/**
 * How one request went.
 *
 * @param ok             streamed to {@code [DONE]} with HTTP 200
 * @param error          what went wrong (HTTP status and message, timeout, connection), null when ok
 * @param ttftNanos      send to first token, -1 if none arrived
 * @param e2eNanos       send to end of stream
 * @param outputTokens   tokens received (usage.completion_tokens when reported, else content chunks)
 * @param itlNanos       gaps between consecutive token chunks
 * @param lateNanos      how long after its trace time the request was sent (client lag)
 */
public record Outcome(
        boolean ok, String error, long ttftNanos, long e2eNanos, int outputTokens, long[] itlNanos, long lateNanos) {

    public static Outcome failed(String error, long ttftNanos, long e2eNanos, long lateNanos) {
        return new Outcome(false, error, ttftNanos, e2eNanos, 0, new long[0], lateNanos);
    }
}
