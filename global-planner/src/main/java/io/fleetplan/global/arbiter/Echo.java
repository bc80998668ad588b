package io.fleetplan.global.arbiter;

/**
 * A caller's value quoted in a message, cut to a readable length. Messages travel in gRPC trailers (about 8 KiB
 * in all) and audit lines: a quoted multi-megabyte field would make the answer undeliverable or flood the log.
 */
public final class Echo {

    /** Longest quoted value; longer ones keep their head and say how long they were. */
    public static final int MAX = 80;

    private Echo() {}

    public static String of(String value) {
        return of(value, MAX);
    }

    public static String of(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        return value.substring(0, max) + "...(" + value.length() + " chars)";
    }
}
