package io.fleetplan.common.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The one progress bar of the CLI ({@code fleetplan load}, {@code fleetplan replay}): a line on stderr,
 * redrawn in place at most every 200 ms on a terminal, or printed as a new line every 10 s otherwise (a log
 * file or CI output gets a few lines instead of a stream of carriage returns).
 */
public final class ProgressBar {

    private static final int WIDTH = 30;
    private static final long TERMINAL_EVERY_NANOS = 200_000_000L;
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private long lastDraw;
    private boolean drawn;

    /** @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; a fake one in tests) */
    public ProgressBar(PrintWriter err, boolean terminal, LongSupplier nanoClock) {
        this.err = err;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /** A bar on stderr, redrawn in place when stderr is a terminal. */
    public static ProgressBar stderr() {
        return new ProgressBar(
                new PrintWriter(System.err, true, System.err.charset()), System.console() != null, System::nanoTime);
    }

    /** Shows {@code done} of {@code total} with {@code detail} after it, unless the last line is too recent. */
    public synchronized void show(long done, long total, String detail) {
        long now = nanoClock.getAsLong();
        if (drawn && now - lastDraw < (terminal ? TERMINAL_EVERY_NANOS : LOG_EVERY_NANOS)) {
            return;
        }
        draw(done, total, detail, now);
    }

    /** Draws the final state (whatever the time since the last line) and ends the line. */
    public synchronized void finish(long done, long total, String detail) {
        draw(done, total, detail, nanoClock.getAsLong());
        if (terminal) {
            err.println();
            err.flush();
        }
    }

    private void draw(long done, long total, String detail, long now) {
        drawn = true;
        lastDraw = now;
        String line = line(done, total, detail);
        if (terminal) {
            err.print("\r" + line);
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** {@code [#####-----]  50% detail}; a total of 0 counts as done. */
    static String line(long done, long total, String detail) {
        long clamped = Math.max(0, Math.min(done, total));
        int filled = total <= 0 ? WIDTH : (int) (WIDTH * clamped / total);
        long percent = total <= 0 ? 100 : 100 * clamped / total;
        return String.format(
                Locale.ROOT, "[%s%s] %3d%% %s", "#".repeat(filled), "-".repeat(WIDTH - filled), percent, detail);
    }
}
