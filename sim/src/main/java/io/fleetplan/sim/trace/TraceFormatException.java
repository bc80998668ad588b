package io.fleetplan.sim.trace;

/** A trace row that cannot be read: names the file, the 1-based line number, the field and what was wrong. */
public final class TraceFormatException extends RuntimeException {

    private final String file;
    private final long line;

    public TraceFormatException(String file, long line, String message) {
        super(file + ":" + line + ": " + message);
        this.file = file;
        this.line = line;
    }

    /** The file (as given). */
    public String file() {
        return file;
    }

    /** The 1-based line number of the bad row. */
    public long line() {
        return line;
    }
}
